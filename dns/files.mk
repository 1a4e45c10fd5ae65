# dns/ sources, unit tests and fuzz harnesses.
DNS_SRCS=	dns/wire.c dns/name.c dns/tsig.c
UNIT_TESTS+=
FUZZ_TARGETS+=
