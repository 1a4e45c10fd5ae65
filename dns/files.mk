# dns/ sources, unit tests and fuzz harnesses.
DNS_SRCS=
UNIT_TESTS+=
FUZZ_TARGETS+=
