/* test_flash_pending.c: finding the unfinished flashes of a vehicle in
 * the journals of its earlier sessions: a failed or interrupted flash is
 * offered, newest first; one that a later session resumed to the end is
 * not, nor the flash of another car, nor one that ended well. */
#include "config.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/app_internal.h"
#include "app/journal.h"
#include "session/session.h"

#define SHA "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define VIN "WVWZZZ1KZAW000001"

static const char *const steps[] = { "erase", "download", "check" };

/* How a test session's flash ended. */
enum outcome { RUNNING, FAILED, OK };

/* Makes a closed session of vin under base whose journal tells of a flash
 * that began in session origin (NULL: this one) and ended as told; its
 * directory name goes to name. */
static void make_session(const char *base, const char *vin, const char *origin,
			 enum outcome how, char *name, size_t n)
{
	struct session *s;
	struct journal j;
	struct error e = { 0 };
	char path[PATH_MAX];
	const char *dir, *slash;
	struct journal_info info = { NULL, "01", 0x7E0, 0x7E8, "engine_sw", "/images/engine.bin",
				     SHA, 4096, steps, 3 };

	if (session_create(base, &s, &e) < 0 || session_set_vin(s, vin, &e) < 0)
		fail_msg("session: %s", e.text);
	dir = session_path(s);
	slash = strrchr(dir, '/');
	snprintf(name, n, "%s", slash + 1);
	info.session = origin ? origin : name;
	snprintf(path, sizeof path, "%s/journal", dir);
	if (journal_create(&j, path, &info, &e) < 0 || journal_step(&j, "erase", JOURNAL_DONE, &e) < 0 ||
	    journal_no_return(&j, &e) < 0)
		fail_msg("journal: %s", e.text);
	if (how != RUNNING && journal_finish(&j, how == OK, how == OK ? NULL : "adapter gone", &e) < 0)
		fail_msg("journal finish: %s", e.text);
	if (session_close(s, false, NULL, 0, &e) < 0)
		fail_msg("session_close: %s", e.text);
}

/* The unfinished flashes offered, and not the finished or foreign ones. */
static void test_pending(void **state)
{
	char base[] = "/tmp/obdcon-pending-XXXXXX", cmd[PATH_MAX + 16];
	char a[256], b[256], c[256], d[256], other[256];
	struct app_options opt = { 0 };
	struct app_flash_pending p[4];
	struct app *app;
	struct error e = { 0 };

	(void)state;
	assert_non_null(mkdtemp(base));
	make_session(base, VIN, NULL, RUNNING, a, sizeof a);  /* killed during a flash */
	make_session(base, VIN, a, OK, b, sizeof b);          /* ... resumed to the end */
	make_session(base, VIN, NULL, FAILED, c, sizeof c);   /* another flash, failed */
	make_session(base, "WF0FXXGCDFOSIM042", NULL, FAILED, other, sizeof other);
	make_session(base, VIN, NULL, OK, d, sizeof d);       /* a flash that went well */

	opt.sessions_dir = base;
	assert_int_equal(app_new(&opt, NULL, &app, &e), 0);
	assert_int_equal(app_flash_pending(app, p, 4), 0); /* no VIN yet: nothing */
	snprintf(app->vin, sizeof app->vin, "%s", VIN);
	assert_int_equal(app_flash_pending(app, p, 4), 1);
	assert_string_equal(p[0].name, c);
	assert_string_equal(p[0].procedure, "engine_sw");
	assert_string_equal(p[0].module, "01");
	assert_string_equal(p[0].image, "/images/engine.bin");
	assert_string_equal(p[0].state, "failed: adapter gone");
	assert_true(p[0].no_return);
	assert_false(p[0].image_present);
	assert_non_null(strstr(p[0].session, c));

	snprintf(app->vin, sizeof app->vin, "%s", "WF0FXXGCDFOSIM042");
	assert_int_equal(app_flash_pending(app, p, 4), 1);
	assert_string_equal(p[0].name, other);
	app_close(app, NULL, 0, &e);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	assert_int_equal(system(cmd), 0);
	(void)b;
	(void)d;
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
