# Top-level sources other than r53d.c (which holds main).
TOP_SRCS=	log.c
UNIT_TESTS+=
FUZZ_TARGETS+=
TOP_SRCS+=	loop.c listen.c serve.c
