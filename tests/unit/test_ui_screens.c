/* test_ui_screens.c: each screen's binding table (no key twice, the keys
 * users expect, a bar that fits 80 columns, help for every key), the
 * message log ring, the transcript reader, and the marked coding changes
 * with their plan, and the check of typed values. No terminal needed. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ui/console.h"

static const struct ui_screen_ops *const all_screens[] = {
	&ui_connect_ops, &ui_vehicle_ops, &ui_module_ops,   &ui_coding_ops, &ui_review_ops,
	&ui_log_ops,     &ui_help_ops,    &ui_ask_ops,      &ui_tell_ops,   &ui_input_ops,
	&ui_choice_ops,  &ui_path_ops,    &ui_text_ops,     &ui_dtc_ops,    &ui_live_ops,
	&ui_sessions_ops, &ui_flash_ops,
};
#define NSCREENS (sizeof all_screens / sizeof all_screens[0])

/* No key is bound twice in one table, every binding has help, and every
 * bar item has a key name and a label. */
static void test_tables_sane(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NSCREENS; i++) {
		const struct ui_binding *a, *b;
		assert_non_null(all_screens[i]->name);
		assert_non_null(all_screens[i]->draw);
		assert_non_null(all_screens[i]->bindings);
		for (a = all_screens[i]->bindings; a->keyname; a++) {
			assert_true(a->help && a->help[0]);
			assert_int_not_equal(a->action, ACT_NONE);
			assert_true((a->bar_label == NULL) == (a->bar_key == NULL));
			for (b = a + 1; b->keyname; b++) {
				assert_true(a->key != b->key && a->key != b->key2);
				assert_true(a->key2 == 0 || (a->key2 != b->key && a->key2 != b->key2));
			}
		}
	}
}

/* Every bar item of every screen fits 80 columns, Help first where F1
 * means help, and every screen's own bar items present. */
static void test_bars_fit(void **state)
{
	struct ui_bar_item items[UI_BAR_MAX];
	size_t i, n, k;

	(void)state;
	for (i = 0; i < NSCREENS; i++) {
		const struct ui_binding *b;
		n = ui_bar_layout(all_screens[i]->bindings, 0, 80, items, UI_BAR_MAX);
		if (ui_binding_action(all_screens[i]->bindings, KEY_F(1)) == ACT_NONE)
			assert_string_equal(items[0].label, "Help");
		for (b = all_screens[i]->bindings; b->keyname; b++) {
			if (!b->bar_label)
				continue;
			for (k = 0; k < n && strcmp(items[k].label, b->bar_label) != 0; k++)
				;
			if (k == n)
				print_error("%s: bar item %s%s missing\n", all_screens[i]->name,
					    b->bar_key, b->bar_label);
			assert_true(k < n);
		}
	}
}

/* The generated help of each screen lists each of its keys. */
static void test_help_per_screen(void **state)
{
	char text[8192];
	size_t i;

	(void)state;
	for (i = 0; i < NSCREENS; i++) {
		const struct ui_binding *b;
		ui_help_text(all_screens[i]->name, all_screens[i]->bindings, text, sizeof text);
		for (b = all_screens[i]->bindings; b->keyname; b++)
			assert_non_null(strstr(text, b->help));
		assert_non_null(strstr(text, "Everywhere:"));
	}
}

/* The keys users expect on each screen. */
static void test_expected_keys(void **state)
{
	(void)state;
	assert_int_equal(ui_action_for_key(ui_vehicle_ops.bindings, '\n'), ACT_OPEN);
	assert_int_equal(ui_action_for_key(ui_vehicle_ops.bindings, KEY_F(4)), ACT_CODING);
	assert_int_equal(ui_action_for_key(ui_vehicle_ops.bindings, KEY_F(8)), ACT_LOG);
	assert_int_equal(ui_action_for_key(ui_vehicle_ops.bindings, 't'), ACT_TERMINAL);
	assert_int_equal(ui_action_for_key(ui_coding_ops.bindings, ' '), ACT_TOGGLE);
	assert_int_equal(ui_action_for_key(ui_coding_ops.bindings, '\r'), ACT_TOGGLE);
	assert_int_equal(ui_action_for_key(ui_coding_ops.bindings, KEY_F(2)), ACT_REVIEW);
	assert_int_equal(ui_action_for_key(ui_coding_ops.bindings, 'j'), ACT_DOWN);
	assert_int_equal(ui_action_for_key(ui_coding_ops.bindings, '/'), ACT_SEARCH);
	assert_int_equal(ui_action_for_key(ui_module_ops.bindings, ' '), ACT_TOGGLE);
	assert_int_equal(ui_action_for_key(ui_review_ops.bindings, KEY_F(2)), ACT_APPLY);
	assert_int_equal(ui_action_for_key(ui_review_ops.bindings, UI_KEY_ESC), ACT_BACK);
	assert_int_equal(ui_action_for_key(ui_connect_ops.bindings, '\n'), ACT_CONNECT);
	assert_int_equal(ui_action_for_key(ui_log_ops.bindings, '\t'), ACT_NEXT_VIEW);
	assert_int_equal(ui_action_for_key(ui_log_ops.bindings, '\n'), ACT_OPEN);
	assert_int_equal(ui_action_for_key(ui_ask_ops.bindings, 'y'), ACT_YES);
	assert_int_equal(ui_action_for_key(ui_ask_ops.bindings, 'n'), ACT_NO);
	assert_int_equal(ui_action_for_key(ui_ask_ops.bindings, UI_KEY_ESC), ACT_NO);
	assert_int_equal(ui_action_for_key(ui_ask_ops.bindings, 'q'), ACT_NO);
	assert_int_equal(ui_action_for_key(ui_ask_ops.bindings, '\n'), ACT_OPEN);
	assert_int_equal(ui_action_for_key(ui_ask_ops.bindings, KEY_F(10)), ACT_QUIT);
	assert_int_equal(ui_action_for_key(ui_help_ops.bindings, '?'), ACT_BACK);
	assert_true(ui_ask_ops.overlay && ui_tell_ops.overlay && !ui_coding_ops.overlay);
	assert_true(ui_choice_ops.overlay && ui_path_ops.overlay && !ui_flash_ops.overlay);
}

/* The keys of the screens for fault codes, live data, flashing and
 * sessions, from the vehicle and the module screens and on them. */
static void test_new_screen_keys(void **state)
{
	(void)state;
	assert_int_equal(ui_action_for_key(ui_vehicle_ops.bindings, KEY_F(7)), ACT_FAULTS);
	assert_int_equal(ui_action_for_key(ui_vehicle_ops.bindings, 'd'), ACT_FAULTS);
	assert_int_equal(ui_action_for_key(ui_vehicle_ops.bindings, KEY_F(9)), ACT_LIVE);
	assert_int_equal(ui_action_for_key(ui_vehicle_ops.bindings, KEY_F(6)), ACT_FLASH);
	assert_int_equal(ui_action_for_key(ui_vehicle_ops.bindings, 'S'), ACT_SESSIONS);
	assert_int_equal(ui_action_for_key(ui_connect_ops.bindings, 'S'), ACT_SESSIONS);
	assert_int_equal(ui_action_for_key(ui_module_ops.bindings, KEY_F(7)), ACT_FAULTS);
	assert_int_equal(ui_action_for_key(ui_module_ops.bindings, 'l'), ACT_LIVE);
	assert_int_equal(ui_action_for_key(ui_module_ops.bindings, 'f'), ACT_FLASH);
	assert_int_equal(ui_action_for_key(ui_module_ops.bindings, 't'), ACT_TERMINAL);
	assert_int_equal(ui_action_for_key(ui_dtc_ops.bindings, KEY_F(7)), ACT_CLEAR);
	assert_int_equal(ui_action_for_key(ui_dtc_ops.bindings, KEY_F(5)), ACT_REFRESH);
	assert_int_equal(ui_action_for_key(ui_dtc_ops.bindings, '\n'), ACT_OPEN);
	assert_int_equal(ui_action_for_key(ui_dtc_ops.bindings, 'c'), ACT_NONE); /* no slip */
	assert_int_equal(ui_action_for_key(ui_live_ops.bindings, 'p'), ACT_PAUSE);
	assert_int_equal(ui_action_for_key(ui_live_ops.bindings, ' '), ACT_TOGGLE);
	assert_int_equal(ui_action_for_key(ui_live_ops.bindings, UI_KEY_ESC), ACT_BACK);
	assert_int_equal(ui_action_for_key(ui_sessions_ops.bindings, 'e'), ACT_EXPORT);
	assert_int_equal(ui_action_for_key(ui_sessions_ops.bindings, 'i'), ACT_IMPORT);
	assert_int_equal(ui_action_for_key(ui_sessions_ops.bindings, 'R'), ACT_RESTORE);
	assert_int_equal(ui_action_for_key(ui_sessions_ops.bindings, 'r'), ACT_REFRESH);
	assert_int_equal(ui_action_for_key(ui_sessions_ops.bindings, 't'), ACT_TRANSCRIPT);
	assert_int_equal(ui_action_for_key(ui_flash_ops.bindings, '\t'), ACT_COMPLETE);
	assert_int_equal(ui_action_for_key(ui_path_ops.bindings, '\t'), ACT_COMPLETE);
	assert_int_equal(ui_action_for_key(ui_choice_ops.bindings, UI_KEY_ESC), ACT_NO);
	assert_int_equal(ui_action_for_key(ui_text_ops.bindings, 'q'), ACT_BACK);
}

/* The log keeps the newest lines, splits multi-line messages and finds
 * where an operation's lines start. */
static void test_log_ring(void **state)
{
	struct ui_log l;
	char text[16];
	int i;

	(void)state;
	assert_int_equal(ui_log_init(&l, 4), 0);
	ui_log_add(&l, APP_INFO, "10:00:00", "coding plan:\n09 Central electrics\n  a: off -> on\n");
	assert_int_equal(ui_log_count(&l), 3);
	assert_string_equal(ui_log_get(&l, 1)->text, "09 Central electrics");
	assert_string_equal(ui_log_get(&l, 2)->time, "10:00:00");
	for (i = 0; i < 3; i++) {
		snprintf(text, sizeof text, "line %d", i);
		ui_log_add(&l, i == 2 ? APP_ERROR : APP_INFO, "10:00:01", text);
	}
	assert_int_equal(ui_log_count(&l), 4);
	assert_int_equal(l.total, 6);
	assert_string_equal(ui_log_get(&l, 0)->text, "  a: off -> on");
	assert_string_equal(ui_log_get(&l, 3)->text, "line 2");
	assert_int_equal(ui_log_get(&l, 3)->level, APP_ERROR);
	assert_null(ui_log_get(&l, 4));
	assert_int_equal(ui_log_index_of(&l, 0), 0);
	assert_int_equal(ui_log_index_of(&l, 4), 2);
	assert_int_equal(ui_log_index_of(&l, 99), 4);
	ui_log_add(&l, APP_INFO, "t", "");
	assert_int_equal(l.total, 6);
	ui_log_free(&l);
}

/* The protocol comes from the last ATDP answer; lines lose their date. */
static void test_transcript(void **state)
{
	const char *t = "2026-11-27T22:59:08.060Z TX ATDP\\r\n"
			"2026-11-27T22:59:08.060Z RX ISO 15765-4 (CAN 11/500)\\r\\r>\n"
			"2026-11-27T22:59:09.000Z TX ATDP\\r\n"
			"2026-11-27T22:59:09.001Z RX AUTO, ISO 15765-4 (CAN 29/500)\\r\\r>\n";
	char out[128];

	(void)state;
	assert_true(ui_transcript_protocol(t, out, sizeof out));
	assert_string_equal(out, "ISO 15765-4 (CAN 29/500)");
	assert_false(ui_transcript_protocol("2026 TX ATZ\\r\n", out, sizeof out));
	/* a slow link splits the answer over several reads */
	assert_true(ui_transcript_protocol("t TX ATDP\\r\nt RX ISO\nt RX  15765-4 (C\n"
					   "t RX AN 11/500)\\r\\r>\nt TX ATH1\\r\n", out, sizeof out));
	assert_string_equal(out, "ISO 15765-4 (CAN 11/500)");
	assert_true(ui_transcript_protocol("t TX ATDP\\r\nt RX AUTO, SAE J1939 (CAN 29/250)\n",
					   out, sizeof out));
	assert_string_equal(out, "SAE J1939 (CAN 29/250)");
	assert_false(ui_transcript_protocol("t TX ATDP\\r\nt TX ATZ\\r\n", out, sizeof out));
	ui_transcript_line("2026-11-27T22:59:08.060Z TX ATZ\\r", out, sizeof out);
	assert_string_equal(out, "22:59:08.060 TX ATZ\\r");
	ui_transcript_line("odd line", out, sizeof out);
	assert_string_equal(out, "odd line");
}

/* Typed requests that change a module are told apart from reads and AT
 * commands. */
static void test_typed_requests(void **state)
{
	(void)state;
	assert_true(ui_typed_request_changes("2E0601051E"));
	assert_true(ui_typed_request_changes(" 2E 06 01 05 1E"));
	assert_true(ui_typed_request_changes("1101"));
	assert_true(ui_typed_request_changes("14FFFFFF"));
	assert_true(ui_typed_request_changes("2702AABB"));
	assert_false(ui_typed_request_changes("2701"));
	assert_false(ui_typed_request_changes("22F190"));
	assert_false(ui_typed_request_changes("ATI"));
	assert_false(ui_typed_request_changes("AT SH 7E0"));
	assert_false(ui_typed_request_changes("STDI"));
	assert_false(ui_typed_request_changes("2E0"));
	assert_false(ui_typed_request_changes(""));
}

/* The tail of a file: whole lines only. */
static void test_read_tail(void **state)
{
	char path[] = "/tmp/obdcon-tail-XXXXXX";
	struct ui_lines l = { 0 };
	struct error e;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	assert_non_null(f);
	fputs("first line\nsecond line\nthird\n", f);
	fclose(f);
	assert_int_equal(ui_read_tail(path, 1 << 20, &l, &e), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[2], "third");
	ui_lines_free(&l);
	assert_int_equal(ui_read_tail(path, 15, &l, &e), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], "third");
	ui_lines_free(&l);
	unlink(path);
	assert_int_equal(ui_read_tail(path, 100, &l, &e), 0);
	assert_int_equal(l.n, 0);
}

/* One supported, writable feature of a snapshot. */
static struct ui_feature feature(const char *id, const char *name, size_t module,
				 enum app_feature_kind kind, int value, const char *text,
				 const char *values)
{
	struct ui_feature f = { .module = module, .kind = kind, .did = 0x0601, .known = true,
				.value = value, .writable = true, .supported = true };

	snprintf(f.id, sizeof f.id, "%s", id);
	snprintf(f.name, sizeof f.name, "%s", name);
	snprintf(f.value_text, sizeof f.value_text, "%s", text);
	snprintf(f.values, sizeof f.values, "%s", values);
	return f;
}

/* A small snapshot: two modules, five features of several kinds. */
static void fill_snapshot(struct ui_snapshot *s)
{
	memset(s, 0, sizeof *s);
	s->nmodules = 2;
	snprintf(s->modules[0].id, sizeof s->modules[0].id, "09");
	snprintf(s->modules[0].name, sizeof s->modules[0].name, "Central electrics");
	snprintf(s->modules[1].id, sizeof s->modules[1].id, "17");
	snprintf(s->modules[1].name, sizeof s->modules[1].name, "Instrument cluster");
	s->nfeatures = 5;
	s->features[0] = feature("mirror", "Fold mirrors on lock", 0, APP_FEATURE_BIT, 0, "off",
				 "off, on");
	s->features[0].bit = 2;
	s->features[1] = feature("speed", "Digital speed display", 1, APP_FEATURE_BIT, 0, "off",
				 "off, on");
	s->features[1].supported = false;
	snprintf(s->features[1].reason, sizeof s->features[1].reason,
		 "needs software 0300 or later");
	s->features[2] = feature("horn", "Horn chirp on lock", 0, APP_FEATURE_BIT, 1, "on",
				 "off, on");
	s->features[3] = feature("auto_lock", "Lock doors when driving off", 0, APP_FEATURE_CHOICE,
				 -1, "15kmh", "off, 15kmh, 30kmh");
	s->features[3].did = 0x0600;
	s->features[3].byte = 5;
	s->features[4] = feature("serial", "Serial number", 1, APP_FEATURE_STRING, -1, "1234",
				 "text");
	s->features[4].writable = false;
}

/* Switches flip; other kinds take typed values; unsupported and read-only
 * features say why; the plan groups changes by module. */
static void test_pending(void **state)
{
	static struct ui_snapshot s;
	struct ui_pending p = { .n = 0 }, done = { .n = 0 };
	struct app_change ch[4];
	struct ui_lines plan = { 0 };
	char why[300];

	(void)state;
	fill_snapshot(&s);
	assert_int_equal(ui_pending_toggle(&p, &s, 1, why, sizeof why), -1);
	assert_string_equal(why, "Digital speed display cannot be changed on this vehicle: needs "
				 "software 0300 or later");
	assert_int_equal(ui_pending_toggle(&p, &s, 4, why, sizeof why), -1);
	assert_string_equal(why, "Serial number is read-only");
	assert_int_equal(ui_pending_toggle(&p, &s, 3, why, sizeof why), -1);
	assert_non_null(strstr(why, "takes a value (off, 15kmh, 30kmh)"));
	assert_int_equal(ui_pending_toggle(&p, &s, 0, why, sizeof why), 1);
	assert_int_equal(ui_pending_toggle(&p, &s, 2, why, sizeof why), 1);
	assert_int_equal(ui_pending_set(&p, &s, 3, "30kmh", why, sizeof why), 1);
	assert_int_equal(ui_pending_set(&p, &s, 3, "off", why, sizeof why), 1);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.items[0].value, "on");
	assert_string_equal(p.items[1].value, "off");
	assert_string_equal(p.items[2].value, "off");
	assert_int_equal(ui_pending_changes(&p, ch, 4), 3);
	assert_string_equal(ch[1].feature, "horn");
	assert_string_equal(ch[2].value, "off");
	ui_pending_plan(&p, &s, &plan);
	assert_int_equal(plan.n, 4);
	assert_string_equal(plan.v[0], "09 Central electrics");
	assert_string_equal(plan.v[1], "  Fold mirrors on lock: off -> on (DID 0601 byte 0 bit 2)");
	assert_string_equal(plan.v[2], "  Horn chirp on lock: on -> off (DID 0601 byte 0 bit 0)");
	assert_string_equal(plan.v[3], "  Lock doors when driving off: 15kmh -> off (DID 0600 byte 5)");
	ui_lines_free(&plan);
	assert_int_equal(ui_pending_set(&p, &s, 3, "15KMH", why, sizeof why), 0); /* the current value */
	assert_int_equal(ui_pending_find(&p, "auto_lock"), -1);
	assert_int_equal(ui_pending_toggle(&p, &s, 0, why, sizeof why), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(ui_pending_find(&p, "horn"), 0);
	s.features[2].value = 0; /* written: nothing left to do */
	snprintf(s.features[2].value_text, sizeof s.features[2].value_text, "off");
	assert_int_equal(ui_pending_prune(&p, &s), 1);
	assert_int_equal(p.n, 0);
	ui_pending_set(&p, &s, 3, "30kmh", why, sizeof why);
	ui_pending_toggle(&p, &s, 0, why, sizeof why);
	done.n = 1;
	snprintf(done.items[0].id, sizeof done.items[0].id, "auto_lock");
	ui_pending_remove(&p, &done);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.items[0].id, "mirror");
	s.features[0].known = false;
	assert_int_equal(ui_pending_set(&p, &s, 0, "on", why, sizeof why), -1);
	assert_non_null(strstr(why, "could not be read"));
}

/* A feature of a kind and what it accepts, with a current value. */
static struct ui_feature feature_of(enum app_feature_kind kind, const char *values,
				    const char *now)
{
	struct ui_feature f = { .kind = kind, .known = true, .supported = true, .writable = true };

	snprintf(f.name, sizeof f.name, "Some feature");
	snprintf(f.values, sizeof f.values, "%s", values);
	snprintf(f.value_text, sizeof f.value_text, "%s", now);
	return f;
}

/* Typed values are checked against what the feature says it accepts. */
static void test_value_check(void **state)
{
	struct ui_feature f;
	char why[300];

	(void)state;
	f = feature_of(APP_FEATURE_CHOICE, "off, 15kmh, 30kmh", "15kmh");
	assert_int_equal(ui_value_check(&f, "30kmh", why, sizeof why), 0);
	assert_int_equal(ui_value_check(&f, "OFF", why, sizeof why), 0);
	assert_int_equal(ui_value_check(&f, "", why, sizeof why), 0); /* unmarks */
	assert_int_equal(ui_value_check(&f, "45kmh", why, sizeof why), -1);
	assert_string_equal(why, "\"45kmh\" is not one of its values; it accepts off, 15kmh, 30kmh");
	assert_int_equal(ui_value_check(&f, "15", why, sizeof why), -1);

	f = feature_of(APP_FEATURE_NUMBER, "0..60 s in steps of 1", "30 s");
	assert_int_equal(ui_value_check(&f, "30 s", why, sizeof why), 0);
	assert_int_equal(ui_value_check(&f, "0", why, sizeof why), 0);
	assert_int_equal(ui_value_check(&f, "60s", why, sizeof why), 0);
	assert_int_equal(ui_value_check(&f, "3099", why, sizeof why), -1);
	assert_string_equal(why, "\"3099\" is outside the range; it accepts 0..60 s in steps of 1");
	assert_int_equal(ui_value_check(&f, "-1", why, sizeof why), -1);
	assert_int_equal(ui_value_check(&f, "ten", why, sizeof why), -1);
	assert_non_null(strstr(why, "is not a number"));
	assert_int_equal(ui_value_check(&f, "20 min", why, sizeof why), -1);

	f = feature_of(APP_FEATURE_NUMBER, "0.5..3.0 s in steps of 0.1", "1.0 s");
	assert_int_equal(ui_value_check(&f, "2.5", why, sizeof why), 0);
	assert_int_equal(ui_value_check(&f, "0.4", why, sizeof why), -1);
	f = feature_of(APP_FEATURE_CUSTOM, "30..100 km/h", "80 km/h");
	assert_int_equal(ui_value_check(&f, "90 km/h", why, sizeof why), 0);
	assert_int_equal(ui_value_check(&f, "120", why, sizeof why), -1);

	f = feature_of(APP_FEATURE_STRING, "text of up to 5 characters (digits)", "12345");
	assert_int_equal(ui_value_check(&f, "00042", why, sizeof why), 0);
	assert_int_equal(ui_value_check(&f, "ABCDEFGH", why, sizeof why), -1);
	assert_string_equal(why, "\"ABCDEFGH\" is too long; it accepts text of up to 5 characters "
				 "(digits)");
	assert_int_equal(ui_value_check(&f, "12A", why, sizeof why), -1);
	assert_non_null(strstr(why, "holds more than digits"));
	f = feature_of(APP_FEATURE_STRING, "text of up to 8 characters (printable ASCII)", "");
	assert_int_equal(ui_value_check(&f, "AB CD-12", why, sizeof why), 0);
	assert_int_equal(ui_value_check(&f, "ABCDEFGHI", why, sizeof why), -1);

	f = feature_of(APP_FEATURE_CUSTOM, "text", "x"); /* nothing to check here */
	assert_int_equal(ui_value_check(&f, "anything at all", why, sizeof why), 0);
	f = feature_of(APP_FEATURE_CUSTOM, "", "x");
	assert_int_equal(ui_value_check(&f, "anything", why, sizeof why), 0);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_sane),  cmocka_unit_test(test_bars_fit),
		cmocka_unit_test(test_help_per_screen), cmocka_unit_test(test_expected_keys),
		cmocka_unit_test(test_new_screen_keys),
		cmocka_unit_test(test_log_ring),     cmocka_unit_test(test_transcript),
		cmocka_unit_test(test_read_tail),    cmocka_unit_test(test_pending),
		cmocka_unit_test(test_typed_requests), cmocka_unit_test(test_value_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
