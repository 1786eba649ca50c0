libobdcon_a_SOURCES += \
	src/script/sandbox.c src/script/sandbox.h \
	src/script/sdata.c src/script/sdata.h
libobdcon_a_SOURCES += \
	src/script/script.c src/script/script.h src/script/script_internal.h \
	src/script/api_decl.c src/script/api_helpers.c \
	src/script/feature.c src/script/check.c

check_PROGRAMS += tests/unit/test_script
TESTS += tests/unit/test_script
tests_unit_test_script_SOURCES = tests/unit/test_script.c
tests_unit_test_script_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_script_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/unit/test_script_hostile
TESTS += tests/unit/test_script_hostile
tests_unit_test_script_hostile_SOURCES = tests/unit/test_script_hostile.c
tests_unit_test_script_hostile_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_script_hostile_LDADD = $(TEST_LIBS)

EXTRA_DIST += tests/scripts

check_PROGRAMS += tests/unit/test_script_api
TESTS += tests/unit/test_script_api
tests_unit_test_script_api_SOURCES = tests/unit/test_script_api.c
tests_unit_test_script_api_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_script_api_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/unit/test_script_check
TESTS += tests/unit/test_script_check
tests_unit_test_script_check_SOURCES = tests/unit/test_script_check.c
tests_unit_test_script_check_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_script_check_LDADD = $(TEST_LIBS)
