# session
libobdcon_a_SOURCES += src/session/session.c src/session/session.h \
	src/session/archive.c src/session/archive.h
check_PROGRAMS += tests/unit/test_session
TESTS += tests/unit/test_session
tests_unit_test_session_SOURCES = tests/unit/test_session.c
tests_unit_test_session_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_session_LDADD = $(TEST_LIBS)
