libobdcon_a_SOURCES += src/diag/uds.c src/diag/uds.h

check_PROGRAMS += tests/unit/test_uds
TESTS += tests/unit/test_uds
tests_unit_test_uds_SOURCES = tests/unit/test_uds.c
tests_unit_test_uds_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_uds_LDADD = $(TEST_LIBS)
