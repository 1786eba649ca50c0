libobdcon_a_SOURCES += \
	src/diag/uds.c src/diag/uds.h \
	src/diag/uds_msg.h src/diag/uds_internal.h \
	src/diag/uds_names.c src/diag/uds_enc.c src/diag/uds_dec.c \
	src/diag/uds_records.c src/diag/uds_services.c \
	src/diag/obd.c src/diag/obd.h src/diag/obd_pids.c src/diag/obd_client.c \
	src/diag/dtc.c src/diag/dtc.h src/diag/dtc_text.c

check_PROGRAMS += tests/unit/test_uds tests/unit/test_obd tests/unit/test_dtc
TESTS += tests/unit/test_uds tests/unit/test_obd tests/unit/test_dtc
tests_unit_test_uds_SOURCES = tests/unit/test_uds.c
tests_unit_test_uds_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_uds_LDADD = $(TEST_LIBS)
tests_unit_test_obd_SOURCES = tests/unit/test_obd.c
tests_unit_test_obd_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_obd_LDADD = $(TEST_LIBS)
tests_unit_test_dtc_SOURCES = tests/unit/test_dtc.c
tests_unit_test_dtc_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_dtc_LDADD = $(TEST_LIBS)
