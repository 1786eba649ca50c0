libobdcon_a_SOURCES += src/isotp/isotp.c src/isotp/isotp.h

check_PROGRAMS += tests/unit/test_isotp
TESTS += tests/unit/test_isotp
tests_unit_test_isotp_SOURCES = tests/unit/test_isotp.c
tests_unit_test_isotp_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_isotp_LDADD = $(TEST_LIBS)

EXTRA_PROGRAMS += tests/bench/bench_link
BENCHES += tests/bench/bench_link
tests_bench_bench_link_SOURCES = tests/bench/bench_link.c
tests_bench_bench_link_CFLAGS = $(TEST_CFLAGS)
tests_bench_bench_link_LDADD = $(TEST_LIBS)
