# dns/ sources, unit tests and fuzz harnesses.
DNS_SRCS=	dns/wire.c dns/name.c dns/tsig.c
UNIT_TESTS+=
FUZZ_TARGETS+=
# Zone store, RFC 2136 evaluation, authoritative answers.
DNS_SRCS+=	dns/rrset.c
UNIT_TESTS+=	tests/unit/t_rrset.c
