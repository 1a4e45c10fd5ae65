# aws/ sources, unit tests and fuzz harnesses.
AWS_SRCS=
UNIT_TESTS+=
FUZZ_TARGETS+=
