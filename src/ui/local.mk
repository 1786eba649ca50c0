## The console: curses screens on a framework (screen.c), the worker thread
## for long operations, and the terminal-independent parts the unit tests
## drive without a terminal.
libobdcon_a_SOURCES += \
	src/ui/ui.c src/ui/ui.h src/ui/console.h \
	src/ui/screen.c src/ui/draw.c src/ui/jobs.c src/ui/jobs.h \
	src/ui/jobs_diag.c src/ui/jobs_flash.c \
	src/ui/scr_connect.c src/ui/scr_vehicle.c src/ui/scr_module.c \
	src/ui/scr_coding.c src/ui/scr_log.c src/ui/scr_help.c src/ui/scr_dialog.c \
	src/ui/scr_dtc.c src/ui/scr_live.c src/ui/scr_sessions.c src/ui/scr_flash.c \
	src/ui/scr_text.c \
	src/ui/gauge.c src/ui/gauge.h src/ui/complete.c src/ui/complete.h \
	src/ui/theme.c src/ui/theme.h \
	src/ui/keys.c src/ui/keys.h \
	src/ui/layout.c src/ui/layout.h \
	src/ui/settings.c src/ui/settings.h \
	src/ui/logbuf.c src/ui/logbuf.h \
	src/ui/pending.c src/ui/pending.h \
	src/ui/snapshot.c src/ui/snapshot.h \
	src/ui/worker.c src/ui/worker.h

# Unit tests of the parts that need no terminal (test_layout is listed in
# tests/local.mk).
UI_UNIT_TESTS = tests/unit/test_ui_settings tests/unit/test_ui_worker \
	tests/unit/test_ui_screens tests/unit/test_ui_gauge
check_PROGRAMS += $(UI_UNIT_TESTS)
TESTS += $(UI_UNIT_TESTS)
tests_unit_test_ui_settings_SOURCES = tests/unit/test_ui_settings.c
tests_unit_test_ui_settings_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ui_settings_LDADD = $(TEST_LIBS)
tests_unit_test_ui_worker_SOURCES = tests/unit/test_ui_worker.c
tests_unit_test_ui_worker_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ui_worker_LDADD = $(TEST_LIBS)
tests_unit_test_ui_screens_SOURCES = tests/unit/test_ui_screens.c
tests_unit_test_ui_screens_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ui_screens_LDADD = $(TEST_LIBS)
tests_unit_test_ui_gauge_SOURCES = tests/unit/test_ui_gauge.c
tests_unit_test_ui_gauge_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ui_gauge_LDADD = $(TEST_LIBS)

# The console driven through a private tmux server (tests/tmux.sh).
UI_TUI_TESTS = tests/tui/connect.sh tests/tui/screens.sh tests/tui/coding.sh \
	tests/tui/search.sh tests/tui/log.sh tests/tui/resize.sh tests/tui/look.sh \
	tests/tui/hangup.sh tests/tui/vehicles.sh tests/tui/faults.sh \
	tests/tui/live.sh tests/tui/sessions.sh tests/tui/flash.sh tests/tui/truck.sh
TESTS += $(UI_TUI_TESTS)
EXTRA_DIST += $(UI_TUI_TESTS)
