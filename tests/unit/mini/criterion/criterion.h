/*
 * A small stand-in for the part of Criterion's API that r53d's unit
 * tests use, for targets where Criterion is not packaged (Debian ships
 * it for few architectures; its BoxFort sandbox does not exist for
 * s390x).  Each test runs in a child process, so a crash is counted
 * and the next test runs; the closing line has Criterion's form
 * ("Synthesis: Tested: N | Passing: N | Failing: N | Crashing: N").
 * The runner, main(), is in tests/unit/mini/crit.c.
 */
#ifndef MINICRIT_CRITERION_H
#define MINICRIT_CRITERION_H

#pragma GCC system_header

#include <stddef.h>
#include <string.h>

struct criterion_test_params {
	size_t		 size;
	void		*params;
	size_t		 length;
};

struct mc_suite {
	const char	*name;
	void		(*init)(void);
	void		(*fini)(void);
	int		 timeout;
	struct mc_suite	*next;
};

struct mc_test {
	const char	*suite;
	const char	*name;
	void		(*fn)(void);
	void		(*pfn)(void *);
	struct criterion_test_params (*params)(void);
	void		(*init)(void);
	void		(*fini)(void);
	int		 timeout;
	struct mc_test	*next;
};

void	mc_register(struct mc_test *);
void	mc_register_suite(struct mc_suite *);
void	mc_check(int, int, const char *, int, const char *,
	    const char *, ...) __attribute__((format(printf, 6, 7)));
void	mc_log(const char *, ...) __attribute__((format(printf, 1, 2)));
void	mc_skip(const char *, ...) __attribute__((format(printf, 1, 2)));

#define Test(s, n, ...)							\
	static void s##_##n##_fn(void);					\
	static struct mc_test s##_##n##_t = { #s, #n, s##_##n##_fn,	\
	    NULL, NULL, __VA_ARGS__ };					\
	static void __attribute__((constructor)) s##_##n##_reg(void)	\
	{ mc_register(&s##_##n##_t); }					\
	static void s##_##n##_fn(void)

#define TestSuite(s, ...)						\
	static struct mc_suite s##_suite_;				\
	static void __attribute__((constructor)) s##_suite_reg(void)	\
	{ mc_register_suite(&s##_suite_); }				\
	static struct mc_suite s##_suite_ = { #s, __VA_ARGS__ }

#define MC_(ok, fatal, expr, ...)					\
	mc_check((ok), (fatal), __FILE__, __LINE__, expr, "" __VA_ARGS__)

#define cr_assert(c, ...)	MC_(!!(c), 1, #c, __VA_ARGS__)
#define cr_expect(c, ...)	MC_(!!(c), 0, #c, __VA_ARGS__)
#define cr_assert_not(c, ...)	MC_(!(c), 1, "!(" #c ")", __VA_ARGS__)
#define cr_expect_not(c, ...)	MC_(!(c), 0, "!(" #c ")", __VA_ARGS__)
#define cr_assert_fail(...)	MC_(0, 1, "fail", __VA_ARGS__)
#define cr_expect_fail(...)	MC_(0, 0, "fail", __VA_ARGS__)
#define cr_assert_null(p, ...)	MC_((p) == NULL, 1, #p " == NULL", __VA_ARGS__)
#define cr_expect_null(p, ...)	MC_((p) == NULL, 0, #p " == NULL", __VA_ARGS__)
#define cr_assert_not_null(p, ...) \
	MC_((p) != NULL, 1, #p " != NULL", __VA_ARGS__)
#define cr_expect_not_null(p, ...) \
	MC_((p) != NULL, 0, #p " != NULL", __VA_ARGS__)

#define MC_CMP_(f, a, op, b, ...) MC_((a) op (b), f, #a " " #op " " #b, \
	__VA_ARGS__)
#define cr_assert_eq(a, b, ...)	MC_CMP_(1, a, ==, b, __VA_ARGS__)
#define cr_expect_eq(a, b, ...)	MC_CMP_(0, a, ==, b, __VA_ARGS__)
#define cr_assert_neq(a, b, ...) MC_CMP_(1, a, !=, b, __VA_ARGS__)
#define cr_expect_neq(a, b, ...) MC_CMP_(0, a, !=, b, __VA_ARGS__)
#define cr_assert_lt(a, b, ...)	MC_CMP_(1, a, <, b, __VA_ARGS__)
#define cr_expect_lt(a, b, ...)	MC_CMP_(0, a, <, b, __VA_ARGS__)
#define cr_assert_leq(a, b, ...) MC_CMP_(1, a, <=, b, __VA_ARGS__)
#define cr_expect_leq(a, b, ...) MC_CMP_(0, a, <=, b, __VA_ARGS__)
#define cr_assert_gt(a, b, ...)	MC_CMP_(1, a, >, b, __VA_ARGS__)
#define cr_expect_gt(a, b, ...)	MC_CMP_(0, a, >, b, __VA_ARGS__)
#define cr_assert_geq(a, b, ...) MC_CMP_(1, a, >=, b, __VA_ARGS__)
#define cr_expect_geq(a, b, ...) MC_CMP_(0, a, >=, b, __VA_ARGS__)

#define cr_assert_str_eq(a, b, ...) \
	MC_(strcmp((a), (b)) == 0, 1, #a " streq " #b, __VA_ARGS__)
#define cr_expect_str_eq(a, b, ...) \
	MC_(strcmp((a), (b)) == 0, 0, #a " streq " #b, __VA_ARGS__)
#define cr_assert_str_neq(a, b, ...) \
	MC_(strcmp((a), (b)) != 0, 1, #a " strneq " #b, __VA_ARGS__)
#define cr_expect_str_neq(a, b, ...) \
	MC_(strcmp((a), (b)) != 0, 0, #a " strneq " #b, __VA_ARGS__)
#define cr_assert_arr_eq(a, b, n, ...) \
	MC_(memcmp((a), (b), (n)) == 0, 1, #a " memeq " #b, __VA_ARGS__)
#define cr_expect_arr_eq(a, b, n, ...) \
	MC_(memcmp((a), (b), (n)) == 0, 0, #a " memeq " #b, __VA_ARGS__)

#define cr_log_info(...)	mc_log(__VA_ARGS__)
#define cr_skip_test(...)	mc_skip("" __VA_ARGS__)

#endif
