libobdcon_a_SOURCES += \
	src/adapter/elm_parse.c src/adapter/elm_parse.h \
	src/adapter/adapter.c src/adapter/adapter.h

check_PROGRAMS += tests/unit/test_elm_parse
TESTS += tests/unit/test_elm_parse
tests_unit_test_elm_parse_SOURCES = tests/unit/test_elm_parse.c
tests_unit_test_elm_parse_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_elm_parse_LDADD = $(TEST_LIBS)
