# http/ sources, unit tests and fuzz harnesses.
HTTP_SRCS=
UNIT_TESTS+=
FUZZ_TARGETS+=
