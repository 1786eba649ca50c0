libobdcon_a_SOURCES += src/diag/uds.c src/diag/uds.h \
	src/diag/dtc.c src/diag/dtc.h src/diag/dtc_text.c

check_PROGRAMS += tests/unit/test_uds tests/unit/test_dtc
TESTS += tests/unit/test_uds tests/unit/test_dtc
tests_unit_test_uds_SOURCES = tests/unit/test_uds.c
tests_unit_test_uds_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_uds_LDADD = $(TEST_LIBS)
tests_unit_test_dtc_SOURCES = tests/unit/test_dtc.c
tests_unit_test_dtc_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_dtc_LDADD = $(TEST_LIBS)
