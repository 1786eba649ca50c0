/* test_json_parse.c: the JSON reader: values, escapes, lookups, limits,
 * malformed documents and their error places. */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/json_parse.h"

/* Parses a C string, failing the test on error. */
static struct json_value *parse_ok(const char *text)
{
	struct json_value *v = NULL;
	struct error e = { 0 };

	if (json_parse(text, strlen(text), NULL, &v, &e) < 0)
		fail_msg("'%s': %s", text, e.text);
	assert_non_null(v);
	return v;
}

/* Parses text that must be refused; returns the error text in e. */
static void parse_bad(const char *text, size_t len, const struct json_limits *lim,
		      struct error *e)
{
	struct json_value *v = (struct json_value *)1;

	error_clear(e);
	assert_int_equal(json_parse(text, len, lim, &v, e), -ERR_FORMAT);
	assert_null(v);
	assert_int_equal(e->kind, ERR_FORMAT);
}

/* Literals and numbers, integers kept exact where they fit. */
static void test_scalars(void **state)
{
	struct json_value *v;

	(void)state;
	v = parse_ok(" true ");
	assert_true(json_is(v, JSON_BOOL) && v->b);
	json_value_free(v);
	v = parse_ok("false");
	assert_true(json_is(v, JSON_BOOL) && !v->b);
	json_value_free(v);
	v = parse_ok("\n\tnull\r\n");
	assert_true(json_is(v, JSON_NULL));
	json_value_free(v);
	v = parse_ok("-9223372036854775808");
	assert_true(v->is_int);
	assert_true(v->i == INT64_MIN);
	json_value_free(v);
	v = parse_ok("9223372036854775807");
	assert_true(v->is_int && v->i == INT64_MAX);
	json_value_free(v);
	v = parse_ok("9223372036854775808");
	assert_false(v->is_int);
	assert_true(v->num > 9.2e18 && v->num < 9.3e18);
	json_value_free(v);
	v = parse_ok("-0");
	assert_true(v->is_int && v->i == 0);
	json_value_free(v);
	v = parse_ok("1.5e3");
	assert_false(v->is_int);
	assert_true(v->num == 1500.0);
	json_value_free(v);
	v = parse_ok("-2.25E-2");
	assert_true(v->num == -0.0225);
	json_value_free(v);
	v = parse_ok("1e-400"); /* underflows to zero: still a number */
	assert_true(v->num == 0.0);
	json_value_free(v);
}

/* Every escape, \u to UTF-8, surrogate pairs, raw UTF-8 and embedded NUL. */
static void test_string_escapes(void **state)
{
	struct json_value *v;

	(void)state;
	v = parse_ok("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t\"");
	assert_true(json_is(v, JSON_STRING));
	assert_string_equal(v->str, "q\" b\\ s/ \b\f\n\r\t");
	assert_int_equal(v->len, strlen(v->str));
	json_value_free(v);
	v = parse_ok("\"\\u0041\\u00e9\\u20AC\\uD83D\\uDE00\\uDBFF\\uDFFF\"");
	assert_string_equal(v->str, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF");
	json_value_free(v);
	v = parse_ok("\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
	assert_string_equal(v->str, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
	json_value_free(v);
	v = parse_ok("\"a\\u0000b\"");
	assert_int_equal(v->len, 3);
	assert_memory_equal(v->str, "a\0b", 4);
	json_value_free(v);
	v = parse_ok("\"\"");
	assert_int_equal(v->len, 0);
	assert_string_equal(v->str, "");
	json_value_free(v);
}

/* A manifest-shaped document through every lookup helper. */
static void test_lookups(void **state)
{
	static const char doc[] =
		"{\"vin\": \"WVWZZZ1JZXW000001\", \"clean\": false, \"n\": 2016,\n"
		" \"x\": 1.5, \"modules\": [{\"id\": \"ECU\"}, {\"id\": \"BCM\"}], \"e\": {}}";
	struct json_value *v = parse_ok(doc);
	const struct json_value *mods;
	long long n = 0;
	bool b = true;

	assert_true(json_is(v, JSON_OBJECT));
	assert_int_equal(json_count(v), 6);
	assert_string_equal(json_get_str(v, "vin"), "WVWZZZ1JZXW000001");
	assert_null(json_get_str(v, "clean"));
	assert_null(json_get_str(v, "nope"));
	assert_int_equal(json_get_bool(v, "clean", &b), 0);
	assert_false(b);
	assert_int_equal(json_get_bool(v, "vin", &b), -1);
	assert_int_equal(json_get_int(v, "n", &n), 0);
	assert_int_equal(n, 2016);
	assert_int_equal(json_get_int(v, "x", &n), -1);
	assert_int_equal(json_get_int(v, "vin", &n), -1);
	mods = json_get(v, "modules");
	assert_true(json_is(mods, JSON_ARRAY));
	assert_int_equal(json_count(mods), 2);
	assert_string_equal(json_get_str(json_at(mods, 1), "id"), "BCM");
	assert_null(json_at(mods, 2));
	assert_null(json_at(v, 0));
	assert_null(json_get(mods, "id"));
	assert_int_equal(json_count(json_get(v, "e")), 0);
	assert_true(json_is(json_get(v, "e"), JSON_OBJECT));
	assert_int_equal(json_count(json_get(v, "n")), 0);
	assert_false(json_is(NULL, JSON_NULL));
	assert_string_equal(json_type_name(JSON_ARRAY), "array");
	assert_string_equal(json_type_name(JSON_STRING), "string");
	json_value_free(v);
	json_value_free(NULL);
}

/* One malformed document and the message it must produce. */
struct bad_case {
	const char *text;
	const char *why;
};

/* Each malformed document is refused with the right reason. */
static void test_malformed(void **state)
{
	static const struct bad_case cases[] = {
		{ "", "unexpected end of input" },
		{ "   ", "unexpected end of input" },
		{ "{", "string key expected in object" },
		{ "[1,]", "unexpected character" },
		{ "[1 2]", "',' or ']' expected in array" },
		{ "{\"a\":1,}", "string key expected in object" },
		{ "{\"a\" 1}", "':' expected after key" },
		{ "{1:2}", "string key expected in object" },
		{ "{\"a\":1 \"b\":2}", "',' or '}' expected in object" },
		{ "{\"a\":1,\"b\":2,\"a\":3}", "duplicate key in object" },
		{ "01", "unexpected data after the value" },
		{ "1.", "digits expected after the decimal point" },
		{ ".5", "unexpected character" },
		{ "-", "invalid number" },
		{ "+1", "unexpected character" },
		{ "1e", "digits expected in the exponent" },
		{ "1e999", "number out of range" },
		{ "NaN", "unexpected character" },
		{ "tru", "invalid literal" },
		{ "nulls", "unexpected data after the value" },
		{ "'a'", "unexpected character" },
		{ "[1] // c", "unexpected data after the value" },
		{ "\"abc", "unterminated string" },
		{ "\"ab\\", "unterminated string" },
		{ "\"a\tb\"", "control character in string" },
		{ "\"\\x41\"", "invalid escape" },
		{ "\"\\u12G4\"", "bad hex digit in \\u escape" },
		{ "\"\\u12\"", "truncated \\u escape" },
		{ "\"\\u1", "truncated \\u escape" },
		{ "\"\\uD800\"", "high surrogate without its low half" },
		{ "\"\\uD800\\u0041\"", "high surrogate without its low half" },
		{ "\"\\uDC00\"", "lone low surrogate in \\u escape" },
		{ "\"\xC0\xAF\"", "invalid UTF-8 in string" },
		{ "\"\xED\xA0\x80\"", "invalid UTF-8 in string" },
		{ "\"\xE2\x82\"", "invalid UTF-8 in string" },
		{ "\"\xF5\x80\x80\x80\"", "invalid UTF-8 in string" },
		{ "\xEF\xBB\xBF{}", "unexpected character" },
	};
	struct error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		parse_bad(cases[i].text, strlen(cases[i].text), NULL, &e);
		if (strstr(e.text, cases[i].why) == NULL)
			fail_msg("'%s': got '%s', want '%s'", cases[i].text, e.text, cases[i].why);
	}
	parse_bad("[1,\0]", 5, NULL, &e); /* a NUL byte is not whitespace */
	assert_non_null(strstr(e.text, "byte 3"));
}

/* Errors name the line, the column and the byte offset. */
static void test_error_place(void **state)
{
	static const char doc[] = "{\n  \"a\": [1,\n    2,,\n  ]\n}";
	struct error e;

	(void)state;
	parse_bad(doc, strlen(doc), NULL, &e);
	assert_string_equal(e.text, "JSON line 3, column 7 (byte 19): unexpected character");
	parse_bad("[\"x\"] }", 7, NULL, &e);
	assert_string_equal(e.text,
			    "JSON line 1, column 7 (byte 6): unexpected data after the value");
}

/* Writes "[[[...1...]]]" nested depth levels deep into b. */
static void nested(struct buf *b, int depth)
{
	int i;

	buf_reset(b);
	for (i = 0; i < depth; i++)
		buf_putc(b, '[');
	buf_putc(b, '1');
	for (i = 0; i < depth; i++)
		buf_putc(b, ']');
}

/* Depth 64 is the ceiling; size, string length and value count are capped. */
static void test_limits(void **state)
{
	struct json_limits lim = { .max_depth = 3 };
	struct json_value *v = NULL;
	struct error e;
	struct buf b = { 0 };

	(void)state;
	nested(&b, 64);
	assert_int_equal(json_parse((char *)b.data, b.len, NULL, &v, &e), 0);
	json_value_free(v);
	nested(&b, 65);
	parse_bad((char *)b.data, b.len, NULL, &e);
	assert_non_null(strstr(e.text, "(byte 64): nesting too deep"));
	nested(&b, 100000); /* no stack exhaustion either */
	parse_bad((char *)b.data, b.len, NULL, &e);
	assert_non_null(strstr(e.text, "nesting too deep"));
	nested(&b, 4);
	parse_bad((char *)b.data, b.len, &lim, &e);
	nested(&b, 3);
	assert_int_equal(json_parse((char *)b.data, b.len, &lim, &v, &e), 0);
	json_value_free(v);
	lim = (struct json_limits){ .max_string = 4 };
	assert_int_equal(json_parse("\"abcd\"", 6, &lim, &v, &e), 0);
	json_value_free(v);
	parse_bad("\"abcde\"", 7, &lim, &e);
	assert_non_null(strstr(e.text, "string too long"));
	parse_bad("{\"abcde\":1}", 11, &lim, &e);
	assert_non_null(strstr(e.text, "string too long"));
	lim = (struct json_limits){ .max_size = 8 };
	parse_bad("[1,2,3,4]", 9, &lim, &e);
	assert_non_null(strstr(e.text, "more than the limit of 8"));
	lim = (struct json_limits){ .max_nodes = 4 };
	assert_int_equal(json_parse("[1,2,3]", 7, &lim, &v, &e), 0);
	json_value_free(v);
	parse_bad("[1,2,3,4]", 9, &lim, &e);
	assert_non_null(strstr(e.text, "too many values"));
	buf_free(&b);
}

/* A parsed document written back through the writer reads the same. */
static void test_write_back(void **state)
{
	static const char doc[] = "{\"a\":[1,-2,true,false,null,\"x\\n\\u00e9\"],\"b\":{\"c\":2.5},"
				  "\"d\":[],\"e\":{}}";
	struct json_value *v = parse_ok(doc);
	struct buf out = { 0 };
	struct json j;

	(void)state;
	json_init(&j, &out, false);
	json_write_value(&j, v);
	assert_string_equal(buf_str(&out), "{\"a\":[1,-2,true,false,null,\"x\\n\xC3\xA9\"],"
					   "\"b\":{\"c\":2.5},\"d\":[],\"e\":{}}");
	json_value_free(v);
	buf_free(&out);
}

/* Numbers read the same under a locale whose decimal point is a comma. */
static void test_locale(void **state)
{
	static const char *const names[] = { "de_DE.UTF-8", "fr_FR.UTF-8", "de_DE", "C.UTF-8" };
	struct json_value *v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (setlocale(LC_NUMERIC, names[i]) != NULL)
			break;
	v = parse_ok("[2.5, 1e2]");
	assert_true(v->items[0]->num == 2.5);
	assert_true(v->items[1]->num == 100.0);
	json_value_free(v);
	setlocale(LC_NUMERIC, "C");
}

/* Runs the JSON reader tests as one group. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_error_place),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_write_back),
		cmocka_unit_test(test_locale),
	};

	return cmocka_run_group_tests_name("json_parse", tests, NULL, NULL);
}
