# dns/ sources, unit tests and fuzz harnesses.
DNS_SRCS=	dns/wire.c dns/name.c dns/tsig.c dns/base64.c dns/fmt.c
UNIT_TESTS+=	tests/unit/t_tsig.c tests/unit/t_base64.c tests/unit/t_fmt.c
FUZZ_TARGETS+=	tests/fuzz/fuzz_tsig.c
# Messages, RDATA and Route 53 text, RR type mnemonics.
DNS_SRCS+=	dns/msg.c dns/rdata.c dns/rdata_str.c dns/rdata_svcb.c \
		dns/rrtype.c
UNIT_TESTS+=	tests/unit/t_wire.c tests/unit/t_name.c tests/unit/t_rdata.c
UNIT_TESTS+=	tests/unit/t_msg.c
FUZZ_TARGETS+=	tests/fuzz/fuzz_msg.c tests/fuzz/fuzz_rdata.c
# Zone store, RFC 2136 evaluation, authoritative answers.
DNS_SRCS+=	dns/rrset.c dns/zview.c dns/update.c dns/update_check.c dns/lookup.c \
		dns/serial.c
UNIT_TESTS+=	tests/unit/t_rrset.c tests/unit/t_update.c tests/unit/t_lookup.c
FUZZ_TARGETS+=	tests/fuzz/fuzz_zone.c
# Zone transfers: requests and the answer parser of a secondary.
DNS_SRCS+=	dns/xfr.c dns/zdiff.c
# DHCID kept as TXT at a shadow owner.
DNS_SRCS+=	dns/shadow.c
UNIT_TESTS+=	tests/unit/t_shadow.c
UNIT_TESTS+=	tests/unit/t_xfr.c tests/unit/t_zdiff.c
FUZZ_TARGETS+=	tests/fuzz/fuzz_xfr.c
