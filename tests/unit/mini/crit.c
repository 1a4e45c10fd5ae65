/*
 * Runner for the stand-in of Criterion in criterion/criterion.h: runs
 * each registered test in a child process (suite init, test init, the
 * test, test fini, suite fini), with the test's timeout as an alarm,
 * and counts passes, failures (a failed assertion or expectation),
 * crashes (a signal) and skips.  Options: --jobs N and -jN are accepted
 * and ignored (the tests run one at a time), --filter SUITE/NAME runs
 * one test, --verbose lists each test.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fnmatch.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#define EXIT_FAILED	1
#define EXIT_SKIPPED	77

static struct mc_test	*tests, **tests_tail = &tests;
static struct mc_suite	*suites;
static jmp_buf		 abort_test;
static int		 failed_here;

void
mc_register(struct mc_test *t)
{
	*tests_tail = t;
	tests_tail = &t->next;
}

void
mc_register_suite(struct mc_suite *s)
{
	s->next = suites;
	suites = s;
}

void
mc_check(int ok, int fatal, const char *file, int line, const char *expr,
    const char *fmt, ...)
{
	va_list	ap;

	if (ok)
		return;
	fprintf(stderr, "[----] %s:%d: %s failed: %s\n", file, line,
	    fatal ? "Assertion" : "Expectation", expr);
	if (*fmt != '\0') {
		fprintf(stderr, "[----]   ");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fprintf(stderr, "\n");
	}
	failed_here = 1;
	if (fatal)
		longjmp(abort_test, 1);
}

void
mc_log(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "[----] ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

void
mc_skip(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "[SKIP] ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fflush(NULL);
	_exit(EXIT_SKIPPED);
}

static struct mc_suite *
find_suite(const char *name)
{
	struct mc_suite	*s;

	for (s = suites; s != NULL; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* In the child: run one test and exit with its outcome. */
static void
child(struct mc_test *t, struct mc_suite *s, void *param)
{
	int	timeout;

	timeout = t->timeout ? t->timeout : s != NULL ? s->timeout : 0;
	if (timeout > 0)
		alarm((unsigned)timeout);
	if (setjmp(abort_test) == 0) {
		if (s != NULL && s->init != NULL)
			s->init();
		if (t->init != NULL)
			t->init();
		if (t->pfn != NULL)
			t->pfn(param);
		else
			t->fn();
	}
	if (setjmp(abort_test) == 0) {
		if (t->fini != NULL)
			t->fini();
		if (s != NULL && s->fini != NULL)
			s->fini();
	}
	fflush(NULL);
	_exit(failed_here ? EXIT_FAILED : 0);
}

int
main(int argc, char *argv[])
{
	struct criterion_test_params	 p;
	struct mc_test			*t;
	struct mc_suite			*s;
	const char			*filter = NULL;
	char				 full[256];
	size_t				 i, n;
	pid_t				 pid;
	int				 st, verbose = 0, c;
	int				 tested = 0, pass = 0, fail = 0;
	int				 crash = 0, skip = 0;

	for (c = 1; c < argc; c++) {
		if (strcmp(argv[c], "--jobs") == 0 && c + 1 < argc)
			c++;
		else if (strcmp(argv[c], "--filter") == 0 && c + 1 < argc)
			filter = argv[++c];
		else if (strcmp(argv[c], "--verbose") == 0)
			verbose = 1;
		else if (strncmp(argv[c], "-j", 2) != 0 &&
		    strncmp(argv[c], "--jobs=", 7) != 0) {
			fprintf(stderr, "usage: %s [--jobs N] [--verbose] "
			    "[--filter suite/name]\n", argv[0]);
			return 2;
		}
	}
	for (t = tests; t != NULL; t = t->next) {
		snprintf(full, sizeof(full), "%s/%s", t->suite, t->name);
		if (filter != NULL && fnmatch(filter, full, 0) != 0)
			continue;
		s = find_suite(t->suite);
		n = 1;
		p.params = NULL;
		p.size = 0;
		if (t->pfn != NULL) {
			p = t->params();
			n = p.length;
		}
		for (i = 0; i < n; i++) {
			fflush(NULL);
			if ((pid = fork()) == -1) {
				perror("fork");
				return 2;
			}
			if (pid == 0)
				child(t, s, (char *)p.params + i * p.size);
			while (waitpid(pid, &st, 0) == -1)
				if (errno != EINTR) {
					perror("waitpid");
					return 2;
				}
			tested++;
			if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
				pass++;
				if (verbose)
					fprintf(stderr, "[PASS] %s::%s\n",
					    t->suite, t->name);
			} else if (WIFEXITED(st) &&
			    WEXITSTATUS(st) == EXIT_SKIPPED) {
				skip++;
				tested--;
				fprintf(stderr, "[SKIP] %s::%s\n", t->suite,
				    t->name);
			} else if (WIFEXITED(st)) {
				fail++;
				fprintf(stderr, "[FAIL] %s::%s\n", t->suite,
				    t->name);
			} else {
				crash++;
				fprintf(stderr, "[FAIL] %s::%s: CRASH: %s\n",
				    t->suite, t->name,
				    WIFSIGNALED(st) ?
				    strsignal(WTERMSIG(st)) : "?");
			}
		}
	}
	fprintf(stderr, "[====] Synthesis: Tested: %d | Passing: %d | "
	    "Failing: %d | Crashing: %d | Skipped: %d\n", tested, pass, fail,
	    crash, skip);
	return fail + crash > 0;
}
