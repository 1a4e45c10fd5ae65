/*
 * Self-test of the Criterion stand-in: tests whose outcomes are known.
 * tests/cross.sh runs it on each target and expects the closing line
 * "Tested: 11 | Passing: 4 | Failing: 5 | Crashing: 2 | Skipped: 1".
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

static int	inited;

static void
set_inited(void)
{
	inited = 1;
}

TestSuite(withinit, .init = set_inited);

Test(self, pass)
{
	static const unsigned char a[3] = { 1, 2, 3 }, b[3] = { 1, 2, 3 };

	cr_assert(1);
	cr_assert_eq(2, 2, "message %d", 2);
	cr_assert_neq(2, 3);
	cr_assert_lt(2, 3);
	cr_assert_leq(3, 3);
	cr_assert_gt(3, 2);
	cr_assert_geq(3, 3);
	cr_assert_str_eq("abc", "abc");
	cr_assert_str_neq("abc", "abd");
	cr_assert_arr_eq(a, b, sizeof(a));
	cr_assert_null(NULL);
	cr_assert_not_null(a);
	cr_assert_not(0);
	cr_log_info("logged %s", "line");
}

/* A failed assertion ends the test: the abort() is not reached. */
Test(self, assert_stops)
{
	cr_assert_eq(1, 2, "one is not two");
	abort();
}

/* A failed expectation does not: both failures are reported. */
Test(self, expect_goes_on)
{
	cr_expect_eq(1, 2, "first of two");
	cr_expect_str_eq("a", "b", "second of two");
}

Test(self, str_fails)
{
	cr_assert_str_eq("abc", "abd");
}

Test(self, arr_fails)
{
	static const unsigned char a[3] = { 1, 2, 3 }, b[3] = { 1, 2, 4 };

	cr_assert_arr_eq(a, b, sizeof(a));
}

Test(self, crash)
{
	raise(SIGSEGV);
}

Test(self, timeout, .timeout = 1)
{
	for (;;)
		pause();
}

Test(self, skip)
{
	cr_skip_test("skipped on purpose");
	abort();
}

Test(withinit, init_ran)
{
	cr_assert_eq(inited, 1);
}

static const int	params[3] = { 1, 2, 3 };

ParameterizedTestParameters(self, param)
{
	return cr_make_param_array(int, params, 3);
}

ParameterizedTest(const int *p, self, param)
{
	cr_assert_neq(*p, 2, "parameter %d", *p);
}
