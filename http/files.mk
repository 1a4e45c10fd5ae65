# http/ sources, unit tests and fuzz harnesses.
HTTP_SRCS=	http/conn.c http/resolve.c http/resp.c http/tls.c http/url.c
UNIT_TESTS+=	tests/unit/t_http_resp.c tests/unit/t_http_url.c \
		tests/unit/t_http_conn.c tests/unit/t_http_tls.c
FUZZ_TARGETS+=	tests/fuzz/fuzz_http.c tests/fuzz/fuzz_url.c \
		tests/fuzz/fuzz_anchors.c
