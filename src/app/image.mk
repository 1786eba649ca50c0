# app: flash images (raw, Intel HEX, S-record; checksums) and the flash journal
libobdcon_a_SOURCES += src/app/image.c src/app/image.h src/app/journal.c src/app/journal.h
check_PROGRAMS += tests/unit/test_image tests/unit/test_journal
TESTS += tests/unit/test_image tests/unit/test_journal
tests_unit_test_image_SOURCES = tests/unit/test_image.c
tests_unit_test_image_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_image_LDADD = $(TEST_LIBS)
tests_unit_test_journal_SOURCES = tests/unit/test_journal.c
tests_unit_test_journal_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_journal_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/images/small.hex tests/images/small.s19 tests/images/small.s28 \
	tests/images/small.s37 tests/images/bad-checksum.hex tests/images/truncated.s19
