/* Parameterized tests for the stand-in of criterion.h: each element of
 * the parameter array runs as a test of its own. */
#ifndef MINICRIT_PARAMETERIZED_H
#define MINICRIT_PARAMETERIZED_H

#pragma GCC system_header

#include <criterion/criterion.h>

#define cr_make_param_array(type, arr, len)				\
	((struct criterion_test_params){ sizeof(type), (void *)(arr),	\
	    (len) })

#define ParameterizedTestParameters(s, n)				\
	static struct criterion_test_params s##_##n##_params(void)

#define ParameterizedTest(decl, s, n, ...)				\
	static struct criterion_test_params s##_##n##_params(void);	\
	static void s##_##n##_pfn(decl);				\
	static void s##_##n##_pwrap(void *p_)				\
	{ void (*f_)(decl) = s##_##n##_pfn; f_(p_); }			\
	static struct mc_test s##_##n##_t = { #s, #n, NULL,		\
	    s##_##n##_pwrap, s##_##n##_params, __VA_ARGS__ };		\
	static void __attribute__((constructor)) s##_##n##_reg(void)	\
	{ mc_register(&s##_##n##_t); }					\
	static void s##_##n##_pfn(decl)

#endif
