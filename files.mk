# Top-level sources other than r53d.c (which holds main).
TOP_SRCS=	log.c conf.c conf_lex.c conf_key.c conf_zone.c conf_aws.c \
		conf_print.c acl.c base64.c
UNIT_TESTS+=	tests/unit/t_conf.c tests/unit/t_base64.c
FUZZ_TARGETS+=	tests/fuzz/fuzz_conf.c
TOP_SRCS+=	loop.c listen.c serve.c zone.c mirror.c upd.c batch.c
TOP_SRCS+=	export.c replay.c priv.c
TOP_SRCS+=	sha256.c fmt.c
UNIT_TESTS+=	tests/unit/t_sha256.c tests/unit/t_fmt.c tests/unit/t_replay.c
