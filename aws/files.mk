# aws/ sources, unit tests and fuzz harnesses.
AWS_SRCS=	aws/util.c aws/sigv4.c aws/xml.c aws/r53req.c aws/r53parse.c aws/r53resp.c aws/r53err.c
UNIT_TESTS+=	tests/unit/t_sigv4.c tests/unit/t_xml.c tests/unit/t_r53msg.c
FUZZ_TARGETS+=	tests/fuzz/fuzz_xml.c tests/fuzz/fuzz_xmlesc.c
AWS_SRCS+=	aws/rate.c aws/retry.c aws/creds.c aws/credsfile.c aws/credsparse.c aws/cfetch.c aws/imds.c aws/r53.c aws/r53http.c aws/r53class.c
UNIT_TESTS+=	tests/unit/t_rate.c tests/unit/t_creds.c
FUZZ_TARGETS+=	tests/fuzz/fuzz_creds.c tests/fuzz/fuzz_imds.c
AWS_SRCS+=	aws/partition.c
