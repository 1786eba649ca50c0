## Integration and terminal tests: shell scripts speaking TAP, run against
## the built obdcon and its simulator in a sealed environment.
TESTS += \
	tests/integration/cli.sh \
	tests/integration/scan.sh \
	tests/integration/discover.sh \
	tests/integration/code.sh \
	tests/integration/uds.sh \
	tests/integration/adapters.sh \
	tests/integration/diag.sh \
	tests/integration/live.sh \
	tests/integration/sessions.sh \
	tests/integration/layers.sh \
	tests/integration/manpage.sh \
	tests/integration/flash.sh \
	tests/integration/faults.sh \
	tests/integration/crash.sh \
	tests/tui/toggle.sh
EXTRA_DIST += tests/tmux.sh \
	tests/integration/flash.sh \
	tests/integration/cli.sh \
	tests/integration/scan.sh \
	tests/integration/discover.sh \
	tests/integration/code.sh \
	tests/integration/uds.sh \
	tests/integration/adapters.sh \
	tests/integration/diag.sh \
	tests/integration/live.sh \
	tests/integration/sessions.sh \
	tests/integration/layers.sh \
	tests/integration/manpage.sh \
	tests/integration/faults.sh \
	tests/integration/crash.sh \
	tests/tui/toggle.sh

# A maker of flash images for flash.sh, independent of obdcon's code.
check_PROGRAMS += tests/integration/mkimage
tests_integration_mkimage_SOURCES = tests/integration/mkimage.c

check_PROGRAMS += tests/unit/test_util tests/unit/test_layout
TESTS += tests/unit/test_util tests/unit/test_layout
tests_unit_test_util_SOURCES = tests/unit/test_util.c
tests_unit_test_util_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_util_LDADD = $(TEST_LIBS)
tests_unit_test_layout_SOURCES = tests/unit/test_layout.c
tests_unit_test_layout_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_layout_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/unit/test_limits
TESTS += tests/unit/test_limits
tests_unit_test_limits_SOURCES = tests/unit/test_limits.c
tests_unit_test_limits_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_limits_LDADD = $(TEST_LIBS)

# make bench: scan of the largest simulated vehicle and live data rates,
# through the whole console (tests/bench/bench_diag.c).
EXTRA_PROGRAMS += tests/bench/bench_diag
BENCHES += tests/bench/bench_diag
tests_bench_bench_diag_SOURCES = tests/bench/bench_diag.c
tests_bench_bench_diag_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tests_bench_bench_diag_LDADD = libobdcon.a $(DEP_LIBS)
