# aws/ sources, unit tests and fuzz harnesses.
AWS_SRCS=	aws/util.c aws/sigv4.c
UNIT_TESTS+=	tests/unit/t_sigv4.c
FUZZ_TARGETS+=
