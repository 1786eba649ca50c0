libobdcon_a_SOURCES += \
	src/app/app.c src/app/app.h src/app/app_internal.h \
	src/app/scan.c src/app/ident.c src/app/discover.c src/app/coding.c src/app/transaction.c src/app/raw.c src/app/dtc.c src/app/live.c src/app/restore.c src/app/replay_port.c src/app/check.c src/app/flash.c

# The scan with module discovery, against the in-process simulator.
check_PROGRAMS += tests/unit/test_discover
TESTS += tests/unit/test_discover
tests_unit_test_discover_SOURCES = tests/unit/test_discover.c
tests_unit_test_discover_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_discover_LDADD = $(TEST_LIBS)

# make bench: a whole 1 MiB flash over the STN2120 and the ELM327 in real time.
EXTRA_PROGRAMS += tests/bench/bench_flash
BENCHES += tests/bench/bench_flash
tests_bench_bench_flash_SOURCES = tests/bench/bench_flash.c
tests_bench_bench_flash_CFLAGS = $(TEST_CFLAGS)
tests_bench_bench_flash_LDADD = $(TEST_LIBS)

# the console: unfinished flashes of this vehicle, PID table and DTC status words
libobdcon_a_SOURCES += src/app/flash_pending.c src/app/console_info.c
check_PROGRAMS += tests/unit/test_flash_pending
TESTS += tests/unit/test_flash_pending
tests_unit_test_flash_pending_SOURCES = tests/unit/test_flash_pending.c
tests_unit_test_flash_pending_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_flash_pending_LDADD = $(TEST_LIBS)
