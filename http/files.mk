# http/ sources, unit tests and fuzz harnesses.
HTTP_SRCS=	http/resp.c
UNIT_TESTS+=	tests/unit/t_http_resp.c
FUZZ_TARGETS+=	tests/fuzz/fuzz_http.c
