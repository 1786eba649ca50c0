/* test_script_api.c: the declaration API and feature values: every kind
 * decoded and encoded byte-exact, parsing and formatting, refusals, custom
 * features with a checksum, script errors leaving records untouched,
 * security keys, helpers, ask(), vehicle matching, and the corpus of bad
 * declarations (tests/scripts/bad, one test per file). */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "script/script.h"

#define SCRIPTS OBDCON_SRCDIR "/tests/scripts"
#define MAX_FILES 128

static struct script_host *host;
static char last_log[256];

/* Keeps the last log line. */
static void keep_log(void *arg, const char *line)
{
	(void)arg;
	snprintf(last_log, sizeof last_log, "%s", line);
}

/* Index of a feature of the kinds fixture. */
static size_t feat(const char *id)
{
	int i = script_feature_find(host, 0, id);

	if (i < 0)
		fail_msg("no feature %s", id);
	return (size_t)i;
}

/* Records of the fixture module: 0600 (16 bytes) and 0601 (2 bytes). */
struct recs {
	uint8_t d600[16], d601[2];
	struct script_record r[2];
};

/* Fills records with known content. */
static void recs_init(struct recs *x)
{
	static const uint8_t d600[16] = { 0x01, 0x02, 0x00, 0x64, 0xF9, 0x00, 0x00, 0x00,
					  0x31, 0x32, 0x00, 0x00, 0x34, 0x12, 0x00, 0x00 };
	static const uint8_t d601[2] = { 0x11, 0x1E };

	memcpy(x->d600, d600, sizeof d600);
	memcpy(x->d601, d601, sizeof d601);
	x->r[0] = (struct script_record){ 0x0600, x->d600, sizeof x->d600 };
	x->r[1] = (struct script_record){ 0x0601, x->d601, sizeof x->d601 };
}

/* Decodes a feature and formats its value. */
static const char *decode_text(struct recs *x, const char *id, struct script_value *v)
{
	static char text[SCRIPT_VALUE_MAX * 4];
	struct error e;

	if (script_feature_decode(host, feat(id), x->r, 2, v, &e) != 0)
		fail_msg("decode %s: %s", id, e.text);
	script_value_format(host, feat(id), v, text, sizeof text);
	return text;
}

/* Parses text for a feature and encodes it; returns the encode result. */
static int parse_encode(struct recs *x, const char *id, const char *text, struct error *e)
{
	struct script_value v;
	int rc = script_value_parse(host, feat(id), text, &v, e);

	return rc < 0 ? rc : script_feature_encode(host, feat(id), x->r, 2, &v, e);
}

/* The fixture declares its modules with write requirements and a flash. */
static void test_declarations(void **state)
{
	const struct script_module *m = script_module(host, 0);
	const struct script_feature *f = script_feature(host, feat("wiper"));
	size_t n;
	const uint16_t *dids;

	(void)state;
	assert_string_equal(m->id, "09");
	assert_int_equal(m->write_session, 0x03);
	assert_int_equal(m->security_level, 3);
	assert_int_equal(script_module(host, 1)->write_session, 0);
	assert_int_equal(script_module(host, 1)->security_level, 0);
	assert_int_equal(f->kind, FEATURE_CHOICE);
	assert_int_equal(f->mask, 0x30);
	assert_int_equal(f->shift, 4);
	assert_int_equal(f->nchoices, 3);
	assert_int_equal(f->line, 15);
	assert_non_null(strstr(f->file, "kinds.lua"));
	dids = script_feature_dids(host, feat("split"), &n);
	assert_int_equal(n, 2);
	assert_int_equal(dids[0], 0x0600);
	assert_int_equal(dids[1], 0x0601);
	dids = script_feature_dids(host, feat("welcome"), &n);
	assert_int_equal(n, 1);
	assert_int_equal(dids[0], 0x0601);
	assert_int_equal(script_flash_count(host), 1);
	assert_string_equal(script_flash(host, 0)->id, "engine_cal");
	assert_string_equal(last_log, "kinds loaded with 2 modules");
}

/* Bit: off/on, one bit changed. */
static void test_bit(void **state)
{
	struct recs x;
	struct script_value v;
	struct error e;

	(void)state;
	recs_init(&x);
	assert_string_equal(decode_text(&x, "horn", &v), "on");
	assert_int_equal(parse_encode(&x, "horn", "off", &e), 0);
	assert_int_equal(x.d601[0], 0x10);
	assert_int_equal(parse_encode(&x, "horn", "ON", &e), 0);
	assert_int_equal(x.d601[0], 0x11);
	assert_int_equal(parse_encode(&x, "horn", "maybe", &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "not off or on"));
}

/* Choice: named values under a mask, other bits kept. */
static void test_choice(void **state)
{
	struct recs x;
	struct script_value v;
	struct error e;
	char text[128];

	(void)state;
	recs_init(&x);
	assert_string_equal(decode_text(&x, "wiper", &v), "slow");
	assert_true(v.num == 0x10);
	assert_int_equal(parse_encode(&x, "wiper", "fast", &e), 0);
	assert_int_equal(x.d601[0], 0x21);
	assert_int_equal(parse_encode(&x, "wiper", "warp", &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "(off, slow, fast)") || strstr(e.text, "off"));
	x.d601[0] = 0x31;
	assert_string_equal(decode_text(&x, "wiper", &v), "0x30 (no name)");
	v.num = 0x30;
	assert_int_equal(script_feature_encode(host, feat("wiper"), x.r, 2, &v, &e), -ERR_ARG);
	script_feature_describe_values(host, feat("wiper"), text, sizeof text);
	assert_non_null(strstr(text, "slow"));
}

/* Number: scale, unit, range and step refusals. */
static void test_number(void **state)
{
	struct recs x;
	struct script_value v;
	struct error e;
	char text[128];

	(void)state;
	recs_init(&x);
	assert_string_equal(decode_text(&x, "welcome", &v), "15.0 s");
	assert_int_equal(parse_encode(&x, "welcome", "12.5", &e), 0);
	assert_int_equal(x.d601[1], 25);
	assert_int_equal(parse_encode(&x, "welcome", "60 s", &e), 0);
	assert_int_equal(x.d601[1], 120);
	assert_int_equal(parse_encode(&x, "welcome", "12.3", &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "steps of 0.5"));
	assert_int_equal(parse_encode(&x, "welcome", "61", &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "outside 0.0..60.0 s"));
	assert_int_equal(parse_encode(&x, "welcome", "-1", &e), -ERR_ARG);
	assert_int_equal(parse_encode(&x, "welcome", "ten", &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "not a number"));
	assert_int_equal(x.d601[1], 120);
	script_feature_describe_values(host, feat("welcome"), text, sizeof text);
	assert_string_equal(text, "0.0..60.0 s in steps of 0.5");
}

/* Multi-byte numbers: big-endian, little-endian, signed under a mask. */
static void test_number_layouts(void **state)
{
	struct recs x;
	struct script_value v;
	struct error e;

	(void)state;
	recs_init(&x);
	assert_string_equal(decode_text(&x, "interval", &v), "10000 km");
	assert_int_equal(parse_encode(&x, "interval", "25000", &e), 0);
	assert_int_equal(x.d600[2], 0x00);
	assert_int_equal(x.d600[3], 0xFA);
	assert_string_equal(decode_text(&x, "little", &v), "4660");
	assert_int_equal(parse_encode(&x, "little", "513", &e), 0);
	assert_int_equal(x.d600[12], 0x01);
	assert_int_equal(x.d600[13], 0x02);
	assert_string_equal(decode_text(&x, "trim", &v), "-1 C");
	assert_int_equal(parse_encode(&x, "trim", "-8", &e), 0);
	assert_int_equal(x.d600[4], 0xC1);
	assert_int_equal(parse_encode(&x, "trim", "7", &e), 0);
	assert_int_equal(x.d600[4], 0x39);
	assert_int_equal(parse_encode(&x, "trim", "8", &e), -ERR_ARG);
}

/* String: padding, charset and length refusals. */
static void test_string(void **state)
{
	struct recs x;
	struct script_value v;
	struct error e;

	(void)state;
	recs_init(&x);
	assert_string_equal(decode_text(&x, "code", &v), "12");
	assert_int_equal(v.len, 2);
	assert_int_equal(parse_encode(&x, "code", "4321", &e), 0);
	assert_memory_equal(x.d600 + 8, "4321", 4);
	assert_int_equal(parse_encode(&x, "code", "7", &e), 0);
	assert_memory_equal(x.d600 + 8, "7\0\0\0", 4);
	assert_int_equal(parse_encode(&x, "code", "12a", &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "not a digit"));
	assert_int_equal(parse_encode(&x, "code", "12345", &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "longer than 4"));
	assert_memory_equal(x.d600 + 8, "7\0\0\0", 4);
}

/* Custom with a checksum byte, and custom over two DIDs. */
static void test_custom(void **state)
{
	struct recs x;
	struct script_value v;
	struct error e;
	unsigned sum = 0, i;
	uint8_t before[sizeof x.d600];

	(void)state;
	recs_init(&x);
	assert_string_equal(decode_text(&x, "sweep", &v), "off");
	assert_int_equal(parse_encode(&x, "sweep", "on", &e), 0);
	assert_int_equal(x.d600[14], 0x01);
	for (i = 0; i < 15; i++)
		sum += x.d600[i];
	assert_int_equal(x.d600[15], sum & 0xFF);
	assert_int_equal(x.d600[15], 0x0A);
	assert_string_equal(decode_text(&x, "sweep", &v), "on");
	assert_string_equal(decode_text(&x, "split", &v), "17");
	assert_int_equal(parse_encode(&x, "split", "171", &e), 0);
	assert_int_equal(x.d600[0], 0x0A);
	assert_int_equal(x.d601[0], 0x1B);
	assert_int_equal(parse_encode(&x, "split", "256", &e), -ERR_ARG);
	assert_string_equal(decode_text(&x, "serial", &v), "0A 02");
	memcpy(before, x.d600, sizeof before);
	assert_int_equal(parse_encode(&x, "partial", "42", &e), 0);
	assert_int_equal(x.d601[1], 42);
	assert_memory_equal(x.d600, before, sizeof before); /* left out: unchanged */
}

/* Script errors in encode leave every record untouched. */
static void test_custom_errors(void **state)
{
	struct recs x, before;
	struct script_value v;
	struct error e;

	(void)state;
	recs_init(&x);
	recs_init(&before);
	assert_int_equal(parse_encode(&x, "broken", "1", &e), -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "kinds.lua:78: checksum table missing"));
	assert_non_null(strstr(e.text, "encode of feature 'broken'"));
	assert_int_equal(parse_encode(&x, "badlen", "1", &e), -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "as a string of 16 bytes"));
	assert_non_null(strstr(e.text, "kinds.lua:"));
	assert_int_equal(parse_encode(&x, "serial", "x", &e), -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "read-only"));
	assert_memory_equal(x.d600, before.d600, 16);
	assert_memory_equal(x.d601, before.d601, 2);
	assert_int_equal(script_feature_decode(host, feat("asks"), x.r, 2, &v, &e), -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "not allowed in decode"));
}

/* Missing and short records are told apart. */
static void test_records(void **state)
{
	struct recs x;
	struct script_value v;
	struct error e;

	(void)state;
	recs_init(&x);
	assert_int_equal(script_feature_decode(host, feat("welcome"), x.r, 1, &v, &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "needs DID 0601"));
	x.r[0].len = 3;
	assert_int_equal(script_feature_decode(host, feat("interval"), x.r, 2, &v, &e),
			 -ERR_UNSUPPORTED);
	assert_non_null(strstr(e.text, "DID 0600 has 3 bytes"));
	x.r[0].len = 16;
	assert_int_equal(script_feature_decode(host, feat("sweep"), x.r, 1, &v, &e), 0);
	assert_int_equal(script_feature_decode(host, feat("split"), x.r, 1, &v, &e), -ERR_ARG);
}

/* The module's key function, level checks, modules without a key. */
static void test_key(void **state)
{
	static const uint8_t seed[2] = { 0x12, 0x34 };
	uint8_t key[8];
	size_t klen;
	struct error e;

	(void)state;
	assert_int_equal(script_module_key(host, 0, 3, seed, 2, key, sizeof key, &klen, &e), 0);
	assert_int_equal(klen, 2);
	assert_int_equal(key[0], 0x43);
	assert_int_equal(key[1], 0x72);
	assert_int_equal(script_module_key(host, 0, 1, seed, 2, key, sizeof key, &klen, &e), -ERR_ARG);
	assert_int_equal(script_module_key(host, 1, 1, seed, 2, key, sizeof key, &klen, &e),
			 -ERR_UNSUPPORTED);
	assert_int_equal(script_module_key(host, 0, 3, seed, 2, key, 1, &klen, &e), -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "at most 1 fit"));
}

/* supported() sees serial, system and other identification DIDs. */
static void test_supported_ident(void **state)
{
	static const uint8_t variant[] = { 'X' };
	struct script_ident_did dids[] = { { 0xF1A0, variant, 1 } };
	struct script_ident id = { "P", "0440", "H", "SN1", "BCM", NULL, 0 };
	char reason[128];
	bool ok;
	struct error e;

	(void)state;
	assert_int_equal(script_feature_supported_ident(host, feat("fold"), &id, &ok, reason,
							sizeof reason, &e),
			 0);
	assert_false(ok);
	assert_string_equal(reason, "needs software 0450 (has 0440, serial SN1)");
	id.dids = dids;
	id.ndids = 1;
	assert_int_equal(script_feature_supported_ident(host, feat("fold"), &id, &ok, reason,
							sizeof reason, &e),
			 0);
	assert_false(ok);
	assert_string_equal(reason, "variant X");
}

/* Declarations from functions called after loading are refused. */
static void test_late_declaration(void **state)
{
	struct script_ecu ecu = { "P", "0450", "H" };
	size_t n = script_feature_count(host);
	char reason[128];
	bool ok = true;
	struct error e;

	(void)state;
	assert_int_equal(script_feature_supported(host, feat("late"), &ecu, &ok, reason,
						  sizeof reason, &e),
			 -ERR_SCRIPT);
	assert_false(ok);
	assert_non_null(strstr(e.text, "only allowed while a script file loads"));
	assert_non_null(strstr(e.text, "kinds.lua:"));
	assert_int_equal(script_feature_count(host), n);
}

/* The obd helpers against known values (the script checks itself). */
static void test_helpers(void **state)
{
	struct error e;

	(void)state;
	if (script_load_file(host, SCRIPTS "/good/helpers.lua", &e) != 0)
		fail_msg("%s", e.text);
	assert_string_equal(last_log, "helpers ok");
}

static int asked;

/* An asker choosing the second answer, or cancelling on "cancel?". */
static int ask_second(void *arg, const char *question, const char *const *choices, size_t n)
{
	(void)arg;
	(void)choices;
	asked++;
	if (strcmp(question, "cancel?") == 0)
		return -1;
	return n >= 2 ? 1 : 0;
}

/* ask() goes through the console's asker; without one it fails clearly. */
static void test_ask(void **state)
{
	struct script_host *h;
	struct error e;
	char path[] = "/tmp/obdcon-test-ask-XXXXXX.lua";
	FILE *f;
	int fd = mkstemps(path, 4);

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("log('answer ' .. ask('Which adapter?', { 'ELM327', 'STN' }))\n", f);
	fclose(f);
	assert_int_equal(script_host_new(&h, &e), 0);
	script_set_logger(h, keep_log, NULL);
	assert_int_equal(script_load_file(h, path, &e), -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "no one to answer \"Which adapter?\""));
	script_set_asker(h, ask_second, NULL);
	assert_int_equal(script_load_file(h, path, &e), 0);
	assert_string_equal(last_log, "answer STN");
	assert_int_equal(asked, 1);
	f = fopen(path, "w");
	fputs("ask('cancel?', { 'yes', 'no' })\n", f);
	fclose(f);
	assert_int_equal(script_load_file(h, path, &e), -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "got no answer"));
	script_host_free(h);
	remove(path);
}

/* Matching: VIN prefixes, match() refinements, the shipped generic fallback. */
static void test_match(void **state)
{
	struct script_host *h;
	struct error e;
	int brand;
	char path[] = "/tmp/obdcon-test-match-XXXXXX.lua";
	FILE *f;
	int fd = mkstemps(path, 4);

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("brand { id = 'picky', name = 'Picky', vin_wmi = { 'PCK' },\n"
	      "  match = function(vin, ident) return vin:sub(10, 10) == 'L' end }\n"
	      "brand { id = 'oops', name = 'Oops', vin_wmi = { 'OOP' },\n"
	      "  match = function(vin) error('no table') end }\n",
	      f);
	fclose(f);
	assert_int_equal(script_host_new(&h, &e), 0);
	assert_int_equal(script_load_file(h, OBDCON_SRCDIR "/scripts/generic.lua", &e), 0);
	assert_int_equal(script_load_file(h, OBDCON_SRCDIR "/scripts/demo.lua", &e), 0);
	assert_int_equal(script_load_file(h, path, &e), 0);
	assert_int_equal(script_match_vehicle(h, "OBDDEMO0SIM000001", NULL, &brand, &e), 0);
	assert_string_equal(script_brand(h, (size_t)brand)->id, "demo");
	assert_int_equal(script_match_vehicle(h, "PCK000000L0000001", NULL, &brand, &e), 0);
	assert_string_equal(script_brand(h, (size_t)brand)->id, "picky");
	assert_int_equal(script_match_vehicle(h, "PCK000000M0000001", NULL, &brand, &e), 0);
	assert_string_equal(script_brand(h, (size_t)brand)->id, "generic");
	assert_int_equal(script_match_vehicle(h, "WVWZZZ1KZAW000001", NULL, &brand, &e), 0);
	assert_string_equal(script_brand(h, (size_t)brand)->id, "generic");
	assert_true(script_brand(h, (size_t)brand)->fallback);
	assert_int_equal(script_match_vin(h, "WVWZZZ1KZAW000001"), -1);
	assert_int_equal(script_match_vehicle(h, "OOP000000000000001", NULL, &brand, &e),
			 -ERR_SCRIPT);
	assert_string_equal(script_brand(h, (size_t)brand)->id, "generic");
	assert_non_null(strstr(e.text, ":4: no table"));
	assert_non_null(strstr(e.text, "match() of brand 'oops'"));
	script_host_free(h);
	remove(path);
}

/* Decodes a demo feature from the demo vehicle's records (values from
 * profiles/vehicles/demo.lua). */
static const char *demo_value(struct script_host *h, const char *id, struct script_record *recs,
			      size_t n)
{
	static char text[128];
	struct script_value v;
	struct error e;
	int f = script_feature_find(h, 0, id);

	assert_true(f >= 0);
	if (script_feature_decode(h, (size_t)f, recs, n, &v, &e) != 0)
		fail_msg("%s: %s", id, e.text);
	script_value_format(h, (size_t)f, &v, text, sizeof text);
	return text;
}

/* The shipped demo script: one feature of each kind on the demo vehicle. */
static void test_demo(void **state)
{
	uint8_t body600[24] = { 0x00, 0x0C, 0x1A, 0x3F, 0x21, 0x04, 0x00, 0x80, 0x50, 0x18, 0x00, 0x22,
				0x09, 0x41, 0x11, 0x30, 0x0C, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 };
	uint8_t body601[2] = { 0x00, 0x1E };
	uint8_t cl600[16] = { 0x01, 0x02, 0x00, 0x04, 0x10, 0x00, 0x00, 0x0A,
			      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
	struct script_record body[] = { { 0x0600, body600, 24 }, { 0x0601, body601, 2 } };
	struct script_record cluster[] = { { 0x0600, cl600, 16 } };
	struct script_host *h;
	struct script_value v;
	struct error e;
	int sweep;

	(void)state;
	assert_int_equal(script_host_new(&h, &e), 0);
	assert_int_equal(script_load_file(h, OBDCON_SRCDIR "/scripts/demo.lua", &e), 0);
	assert_string_equal(demo_value(h, "mirror_fold_on_lock", body, 2), "off");
	assert_string_equal(demo_value(h, "auto_lock", body, 2), "15kmh");
	assert_string_equal(demo_value(h, "welcome_light_time", body, 2), "30 s");
	assert_string_equal(demo_value(h, "digital_speed", cluster, 1), "off");
	assert_string_equal(demo_value(h, "fuel_warning", cluster, 1), "10 l");
	assert_string_equal(demo_value(h, "workshop_code", cluster, 1), "");
	assert_string_equal(demo_value(h, "needle_sweep", cluster, 1), "off");
	sweep = script_feature_find(h, 0, "needle_sweep");
	assert_int_equal(script_value_parse(h, (size_t)sweep, "on", &v, &e), 0);
	assert_int_equal(script_feature_encode(h, (size_t)sweep, cluster, 1, &v, &e), 0);
	assert_int_equal(cl600[13], 0x01);
	assert_int_equal(cl600[15], 0x01);
	assert_string_equal(demo_value(h, "needle_sweep", cluster, 1), "on");
	cl600[14] = 0x40;
	assert_int_equal(script_feature_decode(h, (size_t)sweep, cluster, 1, &v, &e), -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "demo.lua:"));
	assert_non_null(strstr(e.text, "checksum byte 15 is 01, expected 41"));
	script_host_free(h);
}

/* Reads the "-- expect: LINE: text" of a fixture. */
static void read_expectation(const char *path, int *line, char *text, size_t n)
{
	FILE *f = fopen(path, "r");
	char buf[512] = "";
	char *end;

	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_non_null(strstr(buf, "-- expect: "));
	*line = (int)strtol(strstr(buf, "-- expect: ") + 11, &end, 10);
	snprintf(text, n, "%s", end + 2);
	text[strcspn(text, "\r\n")] = 0;
}

/* What the stub flash ops saw, one line a call. */
static char flash_calls[1024];

/* Appends a call to flash_calls. */
static void called(const char *fmt, ...)
{
	size_t used = strlen(flash_calls);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(flash_calls + used, sizeof flash_calls - used, fmt, ap);
	va_end(ap);
}

/* Stub step: session. */
static int op_session(void *ctx, uint8_t s, struct error *e)
{
	(void)ctx;
	(void)e;
	called("session %02X;", s);
	return 0;
}

/* Stub step: unlock, asking the script's key for a seed. */
static int op_unlock(void *ctx, uint8_t level, script_key_fn fn, void *arg, struct error *e)
{
	static const uint8_t seed[4] = { 0x01, 0x02, 0x03, 0x04 };
	uint8_t key[8];
	size_t n;

	(void)ctx;
	if (fn(arg, seed, 4, key, sizeof key, &n, e) < 0)
		return -(int)e->kind;
	called("unlock %02X key %02X%02X%02X%02X;", level, key[0], key[1], key[2], key[3]);
	return 0;
}

/* Stub step: erase. */
static int op_erase(void *ctx, uint16_t routine, uint32_t addr, uint32_t size, struct error *e)
{
	(void)ctx;
	(void)e;
	called("erase %04X %X %X;", routine, addr, size);
	return 0;
}

/* Stub step: download. */
static int op_download(void *ctx, uint32_t addr, uint32_t size, uint8_t format, struct error *e)
{
	(void)ctx;
	(void)e;
	called("download %X %X %02X;", addr, size, format);
	return 0;
}

/* Stub step: routine, answering two status bytes. */
static int op_routine(void *ctx, uint16_t id, const uint8_t *record, size_t n, int expect,
		      uint8_t *status, size_t cap, size_t *slen, struct error *e)
{
	(void)ctx;
	(void)e;
	(void)cap;
	called("routine %04X %zu %d;", id, n ? (size_t)record[1] : 0, expect);
	status[0] = 0;
	status[1] = 7;
	*slen = 2;
	return 0;
}

/* Stub step: reset. */
static int op_reset(void *ctx, uint8_t type, struct error *e)
{
	(void)ctx;
	(void)e;
	called("reset %u;", type);
	return 0;
}

/* Stub step: wait, failing when asked to (ctx non-NULL). */
static int op_wait(void *ctx, int ms, struct error *e)
{
	called("wait %d;", ms);
	return ctx ? error_set(e, ERR_TIMEOUT, "the car went away") : 0;
}

/* The image the stub image ops show: 256 bytes of i. */
static uint8_t flash_image[256];

/* Stub image: size. */
static size_t img_size(void *ctx)
{
	(void)ctx;
	return sizeof flash_image;
}

/* Stub image: bytes. */
static int img_read(void *ctx, uint32_t off, uint8_t *out, size_t n, struct error *e)
{
	(void)ctx;
	(void)e;
	memcpy(out, flash_image + off, n);
	return 0;
}

/* Stub image: a checksum, recorded, with a made-up value. */
static int img_checksum(void *ctx, struct script_checksum *c, struct error *e)
{
	(void)ctx;
	(void)e;
	called("%s %X %X %X %s;", c->kind, c->from, c->length, c->at, c->big_endian ? "be" : "le");
	c->old_value = 1;
	c->new_value = 0xCAFE;
	return 0;
}

/* A flash procedure: its declaration, prepare(img) with each checksum,
 * run(job) taking every step, readout.key, and a failing step's own error. */
static void test_flash(void **state)
{
	static const struct script_flash_ops ops = { op_session, op_unlock, op_erase, op_download,
						     op_routine, op_reset, op_wait };
	static const struct script_flash_image_ops iops = { img_size, img_read, img_checksum };
	const struct script_flash *fl;
	uint8_t seed[4] = { 9, 8, 7, 6 }, key[8];
	struct script_host *h;
	struct error e;
	size_t n, i;
	int fi;

	(void)state;
	for (i = 0; i < sizeof flash_image; i++)
		flash_image[i] = (uint8_t)(i + 0x40);
	assert_int_equal(script_host_new(&h, &e), 0);
	script_set_logger(h, keep_log, NULL);
	assert_int_equal(script_load_file(h, SCRIPTS "/good/flash_all.lua", &e), 0);
	fi = script_flash_find(h, 0, "all");
	assert_int_equal(fi, 0);
	fl = script_flash(h, 0);
	assert_int_equal(fl->address, 0x1000);
	assert_int_equal(fl->npart, 2);
	assert_int_equal(fl->nident, 2);
	assert_string_equal(fl->ident[1].field, "sw");
	assert_int_equal(fl->ident[1].at, 0x20);
	assert_true(fl->restart_block && fl->engine_off && fl->readout && fl->has_prepare);
	assert_int_equal(fl->readout_level, 0x11);
	flash_calls[0] = 0;
	assert_int_equal(script_flash_prepare(h, 0, &iops, NULL, &e), 0);
	assert_string_equal(flash_calls, "crc32 0 FC FC be;sum16 0 10 40 le;");
	assert_string_equal(last_log, "size 256 first 40 crc 0000CAFE");
	flash_calls[0] = 0;
	assert_int_equal(script_flash_run(h, 0, &ops, NULL, &e), 0);
	assert_string_equal(flash_calls, "session 02;unlock 11 key 10203040;erase FF00 1000 100;"
					 "download 1000 100 11;routine 0202 2 0;wait 5;reset 3;");
	assert_string_equal(last_log, "status 2");
	assert_int_equal(script_flash_readout_key(h, 0, 0x11, seed, 4, key, sizeof key, &n, &e), 0);
	assert_int_equal(n, 4);
	assert_int_equal(key[0], 0x11);
	assert_int_equal(key[3], 6);
	flash_calls[0] = 0;
	assert_int_equal(script_flash_run(h, 0, &ops, (void *)1, &e), -ERR_TIMEOUT);
	assert_string_equal(e.text, "the car went away");
	script_host_free(h);
}

/* One bad declaration: refused at its line with the expected message, and
 * nothing of the file stays declared. */
static void test_bad(void **state)
{
	const char *path = *state;
	struct script_host *h;
	struct error e;
	char want[400], pos[64];
	int line;

	read_expectation(path, &line, want, sizeof want);
	assert_int_equal(script_host_new(&h, &e), 0);
	assert_int_equal(script_load_file(h, path, &e), -ERR_SCRIPT);
	snprintf(pos, sizeof pos, "%s:%d: ", strrchr(path, '/') + 1, line);
	if (strstr(e.text, pos) == NULL || strstr(e.text, want) == NULL)
		fail_msg("got \"%s\", expected \"%s\" and \"%s\"", e.text, pos, want);
	assert_int_equal(script_brand_count(h), 0);
	assert_int_equal(script_module_count(h), 0);
	assert_int_equal(script_feature_count(h), 0);
	script_host_free(h);
}

/* Loads the kinds fixture. */
static int setup(void **state)
{
	struct error e;

	(void)state;
	if (script_host_new(&host, &e) < 0)
		return -1;
	script_set_logger(host, keep_log, NULL);
	if (script_load_file(host, SCRIPTS "/good/kinds.lua", &e) != 0) {
		fprintf(stderr, "%s\n", e.text);
		return -1;
	}
	return 0;
}

/* What the flash steps of the test were asked to do. */
static char steps[512];

/* Appends one step to the list. */
static void step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Appends one step to the list. */
static void step(const char *fmt, ...)
{
	size_t len = strlen(steps);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(steps + len, sizeof steps - len, fmt, ap);
	va_end(ap);
}

/* Flash step stubs: each records itself and succeeds. */
static int st_session(void *ctx, uint8_t s, struct error *e)
{
	step("session %02X;", s);
	return 0;
}

/* Unlocking computes the key of a seed with the script's function. */
static int st_unlock(void *ctx, uint8_t level, script_key_fn key, void *key_arg, struct error *e)
{
	static const uint8_t seed[] = { 1, 2, 3 };
	uint8_t k[8];
	size_t n;

	if (key(key_arg, seed, sizeof seed, k, sizeof k, &n, e) < 0)
		return -(int)e->kind;
	step("unlock %02X key %zu %02X%02X%02X;", level, n, k[0], k[1], k[2]);
	return 0;
}

/* Records an erase. */
static int st_erase(void *ctx, uint16_t routine, uint32_t addr, uint32_t size, struct error *e)
{
	step("erase %04X %X+%u;", routine, addr, size);
	return 0;
}

/* Records a download. */
static int st_download(void *ctx, uint32_t addr, uint32_t size, uint8_t format, struct error *e)
{
	step("download %X+%u;", addr, size);
	return 0;
}

/* Records a routine; answers one status byte. */
static int st_routine(void *ctx, uint16_t id, const uint8_t *record, size_t n, int expect,
		      uint8_t *status, size_t cap, size_t *slen, struct error *e)
{
	step("routine %04X %zu%s;", id, n, expect >= 0 ? " expect" : "");
	status[0] = 0x5A;
	*slen = 1;
	return 0;
}

/* Records a reset. */
static int st_reset(void *ctx, uint8_t type, struct error *e)
{
	step("reset %u;", type);
	return 0;
}

/* Records a wait. */
static int st_wait(void *ctx, int ms, struct error *e)
{
	step("wait %d;", ms);
	return 0;
}

/* The image of prepare(img): 256 bytes 0, 1, 2, ... */
static size_t im_size(void *ctx)
{
	return 256;
}

/* Reads image bytes. */
static int im_read(void *ctx, uint32_t off, uint8_t *out, size_t n, struct error *e)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(off + i);
	return 0;
}

/* Answers a checksum correction. */
static int im_checksum(void *ctx, struct script_checksum *c, struct error *e)
{
	step("%s %u+%u at %u;", c->kind, c->from, c->length, c->at);
	c->old_value = 1;
	c->new_value = 2;
	return 0;
}

/* A procedure's prepare(img) and run(job) reach every step through the
 * ops, in order, and can do so again. */
static void test_flash_steps(void **state)
{
	static const struct script_flash_ops ops = { st_session, st_unlock, st_erase, st_download,
						     st_routine, st_reset, st_wait };
	static const struct script_flash_image_ops img = { im_size, im_read, im_checksum };
	struct script_host *h;
	struct error e;
	int round;

	(void)state;
	assert_int_equal(script_host_new(&h, &e), 0);
	script_set_logger(h, keep_log, NULL);
	if (script_load_file(h, SCRIPTS "/good/flash.lua", &e) != 0)
		fail_msg("%s", e.text);
	for (round = 0; round < 2; round++) {
		steps[0] = 0;
		if (script_flash_prepare(h, 0, &img, NULL, &e) != 0)
			fail_msg("prepare: %s", e.text);
		assert_string_equal(steps, "crc32 0+252 at 252;");
		assert_string_equal(last_log, "prepare 256 00 01 1 2");
		steps[0] = 0;
		if (script_flash_run(h, 0, &ops, NULL, &e) != 0)
			fail_msg("run: %s", e.text);
		assert_string_equal(steps, "session 02;unlock 01 key 3 030201;erase FF00 1000+256;"
					   "download 1000+256;routine 0202 2;reset 1;wait 10;");
		assert_string_equal(last_log, "run 5A");
	}
	script_host_free(h);
}

/* Frees the host. */
static int teardown(void **state)
{
	(void)state;
	script_host_free(host);
	return 0;
}

/* Compares two C strings for qsort. */
static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The fixed tests, then one test per bad declaration. */
int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_declarations),
		cmocka_unit_test(test_bit),
		cmocka_unit_test(test_choice),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_number_layouts),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_custom),
		cmocka_unit_test(test_custom_errors),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_supported_ident),
		cmocka_unit_test(test_flash),
		cmocka_unit_test(test_late_declaration),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_ask),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_demo),
		cmocka_unit_test(test_flash_steps),
	};
	size_t nfixed = sizeof fixed / sizeof fixed[0];
	struct CMUnitTest tests[sizeof fixed / sizeof fixed[0] + MAX_FILES];
	char *paths[MAX_FILES];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d = opendir(SCRIPTS "/bad");
	int rc;

	if (d == NULL)
		return 1;
	while ((de = readdir(d)) != NULL && n < MAX_FILES) {
		size_t len = strlen(de->d_name);
		if (len > 4 && strcmp(de->d_name + len - 4, ".lua") == 0) {
			paths[n] = malloc(strlen(SCRIPTS) + len + 7);
			sprintf(paths[n++], "%s/bad/%s", SCRIPTS, de->d_name);
		}
	}
	closedir(d);
	qsort(paths, n, sizeof *paths, compare_names);
	memcpy(tests, fixed, sizeof fixed);
	for (i = 0; i < n; i++)
		tests[nfixed + i] = (struct CMUnitTest){ strrchr(paths[i], '/') + 1, test_bad, NULL,
							 NULL, paths[i] };
	rc = _cmocka_run_group_tests("script_api", tests, nfixed + n, setup, teardown);
	for (i = 0; i < n; i++)
		free(paths[i]);
	return rc;
}
