# session
libobdcon_a_SOURCES += src/session/session.c src/session/session.h \
	src/session/archive.c src/session/archive.h \
	src/session/manifest.c src/session/manifest.h \
	src/session/unpack.c src/session/store.c src/session/list.c src/session/store.h \
	src/session/replay.c src/session/replay.h
# The JSON reader lives in util but is built here: the session layer is its
# first user (manifests).
libobdcon_a_SOURCES += src/util/json_parse.c src/util/json_parse.h
check_PROGRAMS += tests/unit/test_session tests/unit/test_archive tests/unit/test_json_parse
TESTS += tests/unit/test_session tests/unit/test_archive tests/unit/test_json_parse
tests_unit_test_session_SOURCES = tests/unit/test_session.c
tests_unit_test_session_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_session_LDADD = $(TEST_LIBS)
tests_unit_test_json_parse_SOURCES = tests/unit/test_json_parse.c
tests_unit_test_json_parse_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_json_parse_LDADD = $(TEST_LIBS)
tests_unit_test_archive_SOURCES = tests/unit/test_archive.c
tests_unit_test_archive_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_archive_LDADD = $(TEST_LIBS)
EXTRA_PROGRAMS += tests/bench/bench_pack
BENCHES += tests/bench/bench_pack
tests_bench_bench_pack_SOURCES = tests/bench/bench_pack.c
tests_bench_bench_pack_CFLAGS = $(TEST_CFLAGS)
tests_bench_bench_pack_LDADD = $(TEST_LIBS)
