/* test_discover.c: the scan with module discovery, through the app against
 * the in-process simulator: the undeclared module is found and identified,
 * declared_only leaves discovery out, and the driver's cancelled() hook
 * stops a scan between modules and between probes. */
#include "config.h"

#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "app/app.h"
#include "util/error.h"

/* Per-test state: a private session directory and a console. */
struct fixture {
	char tmp[PATH_MAX];
	struct app *app;
	unsigned asks;   /* calls of the cancelled() hook */
	unsigned limit;  /* the hook says stop after this many calls */
};

/* The driver's cancelled() hook: stop once the limit is passed. */
static bool cancel_after(void *arg)
{
	struct fixture *f = arg;

	return ++f->asks > f->limit;
}

/* Creates the session directory; the console is made by open_console(). */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strcpy(f->tmp, "/tmp/obdcon-discover-XXXXXX");
	if (mkdtemp(f->tmp) == NULL || setenv("XDG_CONFIG_HOME", f->tmp, 1) < 0 ||
	    setenv("OBDCON_DATADIR", OBDCON_SRCDIR, 1) < 0) { /* this tree's brand scripts */
		free(f);
		return -1;
	}
	f->limit = UINT32_MAX;
	*state = f;
	return 0;
}

/* Removes one file or directory during the tree walk. */
static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Closes the console and removes the directory. */
static int teardown(void **state)
{
	struct fixture *f = *state;
	struct error e;

	app_close(f->app, NULL, 0, &e);
	nftw(f->tmp, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Makes a console with the cancelled() hook and connects it to port. */
static void open_console(struct fixture *f, const char *port, bool declared_only)
{
	struct app_options opt = { .sessions_dir = f->tmp, .declared_only = declared_only };
	struct app_hooks hooks = { .arg = f, .cancelled = cancel_after };
	struct error e;

	error_clear(&e);
	assert_int_equal(app_new(&opt, &hooks, &f->app, &e), 0);
	if (app_connect(f->app, port, &e) < 0)
		fail_msg("connecting to %s: %s", port, e.text);
}

/* The module of a console with the given id, or NULL. */
static const struct app_module *find_named(const struct app *a, const char *id)
{
	int i = app_find_module(a, id);

	return i < 0 ? NULL : app_module(a, (size_t)i);
}

/* The module of a console with the given id; fails the test without it. */
static const struct app_module *module_named(const struct app *a, const char *id)
{
	const struct app_module *m = find_named(a, id);

	if (m == NULL)
		fail_msg("no module %s", id);
	return m;
}

/* The VW airbag is not in the brand script: discovery finds it at 715/77F
 * and reads its identification, supplier included. */
static void test_finds_undeclared(void **state)
{
	struct fixture *f = *state;
	const struct app_module *m;
	struct app_counts c;
	struct error e;

	open_console(f, "sim:vw", false);
	assert_int_equal(app_scan(f->app, &e), 0);
	assert_int_equal(app_module_count(f->app), 6);
	m = module_named(f->app, "715");
	assert_true(m->discovered && m->present && !m->ext);
	assert_int_equal(m->tx, 0x715);
	assert_int_equal(m->rx, 0x77F);
	assert_string_equal(m->part, "5Q0959655AS");
	assert_string_equal(m->sw, "0841");
	assert_string_equal(m->hw, "5Q0959655");
	assert_string_equal(m->serial, "ASIM0000314159");
	assert_string_equal(m->supplier, "SIMSUP01");
	assert_string_equal(m->name, "AIRBAG VW10");
	assert_false(module_named(f->app, "09")->discovered);
	app_get_counts(f->app, &c);
	/* 700..7F7 without 7DF, 7E8..7EF, the five modules' identifiers and
	 * the airbag's reply identifier */
	assert_int_equal(c.probes, 248 - 1 - 8 - 5 - 3 - 1);
}

/* declared_only: the brand script's modules and no probe at all. */
static void test_declared_only(void **state)
{
	struct fixture *f = *state;
	struct app_counts c;
	struct error e;

	open_console(f, "sim:vw", true);
	assert_int_equal(app_scan(f->app, &e), 0);
	assert_int_equal(app_module_count(f->app), 5);
	assert_null(find_named(f->app, "715"));
	app_get_counts(f->app, &c);
	assert_int_equal(c.probes, 0);
}

/* The hook stops the scan between two declared modules: the first two
 * are identified, the others not, and nothing is probed. */
static void test_cancel_between_modules(void **state)
{
	struct fixture *f = *state;
	struct app_counts c;
	struct error e;

	open_console(f, "sim:vw", false);
	f->limit = 2;
	error_clear(&e);
	assert_int_equal(app_scan(f->app, &e), -ERR_CANCELLED);
	assert_string_equal(module_named(f->app, "01")->part, "04E906027JT");
	assert_string_equal(module_named(f->app, "02")->part, "0CW300050N");
	assert_string_equal(module_named(f->app, "09")->part, "");
	app_get_counts(f->app, &c);
	assert_int_equal(c.probes, 0);
}

/* The hook stops the sweep between two probes: every declared module is
 * identified, ten probes went out, then the scan ends with the reason. */
static void test_cancel_between_probes(void **state)
{
	struct fixture *f = *state;
	struct app_counts c;
	struct error e;

	open_console(f, "sim:vw", false);
	f->limit = 5 + 10;
	error_clear(&e);
	assert_int_equal(app_scan(f->app, &e), -ERR_CANCELLED);
	assert_non_null(strstr(e.text, "discovering modules"));
	assert_string_equal(module_named(f->app, "19")->part, "5Q0907530M");
	app_get_counts(f->app, &c);
	assert_int_equal(c.probes, 10);
	assert_null(find_named(f->app, "715"));
}

/* 29-bit normal fixed addressing on the truck: the retarder at 18DA10F1. */
static void test_29bit(void **state)
{
	struct fixture *f = *state;
	const struct app_module *m;
	struct app_counts c;
	struct error e;

	open_console(f, "sim:truck", false);
	assert_int_equal(app_scan(f->app, &e), 0);
	m = module_named(f->app, "18DA10F1");
	assert_true(m->discovered && m->ext);
	assert_int_equal(m->rx, 0x18DAF110);
	assert_string_equal(m->part, "21345678");
	assert_string_equal(m->supplier, "SIMSUP03");
	app_get_counts(f->app, &c);
	/* 256 addresses without F1 and the five declared modules */
	assert_int_equal(c.probes, 256 - 1 - 5);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_finds_undeclared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_declared_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_between_modules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_between_probes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_29bit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
