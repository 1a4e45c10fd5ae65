# dns/ sources, unit tests and fuzz harnesses.
DNS_SRCS=	dns/wire.c dns/name.c
UNIT_TESTS+=
FUZZ_TARGETS+=
