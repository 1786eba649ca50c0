/* test_util.c: SHA-256 against FIPS 180-4 vectors, the JSON writer, hex
 * parsing, error records and the growable buffer. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/json.h"
#include "util/sha256.h"

/* The FIPS 180-4 example vectors, and a multi-block input fed in pieces. */
static void test_sha256_vectors(void **state)
{
	char hex[65];
	struct sha256 s;
	uint8_t d[32];
	size_t i;

	(void)state;
	sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	sha256_init(&s);
	for (i = 0; i < 1000000 / 100; i++)
		sha256_update(&s, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 100);
	sha256_final(&s, d);
	sha256_to_hex(d, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Nested objects and arrays with escaping, compact form. */
static void test_json_compact(void **state)
{
	struct buf b = { 0 };
	struct json j;

	(void)state;
	json_init(&j, &b, false);
	json_obj_begin(&j);
	json_kv_str(&j, "vin", "OBD\"1\\\n");
	json_key(&j, "modules");
	json_arr_begin(&j);
	json_obj_begin(&j);
	json_kv_int(&j, "tx", 2016);
	json_kv_bool(&j, "present", true);
	json_key(&j, "reason");
	json_str(&j, NULL);
	json_obj_end(&j);
	json_int(&j, -5);
	json_arr_end(&j);
	json_key(&j, "empty");
	json_arr_begin(&j);
	json_arr_end(&j);
	json_obj_end(&j);
	assert_string_equal(buf_str(&b), "{\"vin\":\"OBD\\\"1\\\\\\n\",\"modules\":[{\"tx\":2016,"
					 "\"present\":true,\"reason\":null},-5],\"empty\":[]}");
	buf_free(&b);
}

/* Control bytes become \u escapes; invalid UTF-8 becomes U+FFFD; valid stays. */
static void test_json_strings(void **state)
{
	struct buf b = { 0 };
	struct json j;

	(void)state;
	json_init(&j, &b, false);
	json_arr_begin(&j);
	json_strn(&j, "a\x01\x7f", 3);
	json_str(&j, "\xff\xc3(");
	json_str(&j, "caf\xc3\xa9");
	json_num(&j, 12.5);
	json_arr_end(&j);
	assert_string_equal(buf_str(&b), "[\"a\\u0001\\u007f\",\"\\ufffd\\ufffd(\",\"caf\xc3\xa9\",12.5]");
	buf_free(&b);
}

/* Pretty output indents by two spaces and ends with a newline. */
static void test_json_pretty(void **state)
{
	struct buf b = { 0 };
	struct json j;

	(void)state;
	json_init(&j, &b, true);
	json_obj_begin(&j);
	json_key(&j, "a");
	json_arr_begin(&j);
	json_int(&j, 1);
	json_int(&j, 2);
	json_arr_end(&j);
	json_obj_end(&j);
	assert_string_equal(buf_str(&b), "{\n  \"a\": [\n    1,\n    2\n  ]\n}\n");
	buf_free(&b);
}

/* Hex decoding accepts spaces, refuses bad digits, odd counts and overflow. */
static void test_hex(void **state)
{
	uint8_t out[4];
	char text[16];

	(void)state;
	assert_int_equal(hex_decode("0A ff 10", out, sizeof out), 3);
	assert_memory_equal(out, "\x0a\xff\x10", 3);
	assert_int_equal(hex_decode("0G", out, sizeof out), -1);
	assert_int_equal(hex_decode("ABC", out, sizeof out), -1);
	assert_int_equal(hex_decode("0102030405", out, sizeof out), -1);
	hex_encode((const uint8_t *)"\x2e\x06\x01", 3, text);
	assert_string_equal(text, "2E0601");
	hex_encode_sep((const uint8_t *)"\x7f\x22", 2, ' ', text);
	assert_string_equal(text, "7F 22");
}

/* Numbers: decimal and 0x hex, with limits and no signs or junk. */
static void test_parse_uint(void **state)
{
	unsigned long v;

	(void)state;
	assert_int_equal(parse_uint("38400", 16000000, &v), 0);
	assert_int_equal(v, 38400);
	assert_int_equal(parse_uint("0x7E0", 0x7FF, &v), 0);
	assert_int_equal(v, 0x7E0);
	assert_int_equal(parse_uint("0x800", 0x7FF, &v), -1);
	assert_int_equal(parse_uint("-1", 10, &v), -1);
	assert_int_equal(parse_uint("12x", 100, &v), -1);
	assert_int_equal(parse_uint("", 100, &v), -1);
	assert_int_equal(parse_uint("0x", 100, &v), -1);
}

/* Errors carry a kind, wrap with context, and map to exit codes. */
static void test_error(void **state)
{
	struct error e;

	(void)state;
	assert_int_equal(error_set(&e, ERR_TIMEOUT, "no answer from %03X", 0x778), -ERR_TIMEOUT);
	assert_int_equal(error_wrap(&e, "reading DID %04X", 0xF190), -ERR_TIMEOUT);
	assert_string_equal(e.text, "reading DID F190: no answer from 778");
	assert_int_equal(error_exit_code(&e), 1);
	error_set(&e, ERR_ARG, "x");
	assert_int_equal(error_exit_code(&e), 2);
	error_set(&e, ERR_OPEN, "x");
	assert_int_equal(error_exit_code(&e), 3);
	error_clear(&e);
	assert_int_equal(error_exit_code(&e), 0);
	assert_string_equal(error_kind_name(ERR_NEGATIVE), "negative response");
}

/* A buffer refuses to grow past its limit and keeps its contents. */
static void test_buf_limit(void **state)
{
	struct buf b = { .limit = 8 };

	(void)state;
	assert_int_equal(buf_puts(&b, "1234"), 0);
	assert_int_equal(buf_printf(&b, "%d", 5678), 0);
	assert_int_equal(buf_putc(&b, '9'), -1);
	assert_string_equal(buf_str(&b), "12345678");
	buf_consume(&b, 6);
	assert_string_equal(buf_str(&b), "78");
	buf_free(&b);
}

/* The temporary names of atomic writes, told from ordinary names. */
static void test_temp_name(void **state)
{
	(void)state;
	assert_true(fs_is_temp_name("journal.tmp.4242"));
	assert_true(fs_is_temp_name("09-0601.bin.tmp.7"));
	assert_true(fs_is_temp_name("a.tmp.b.tmp.12"));
	assert_false(fs_is_temp_name("journal"));
	assert_false(fs_is_temp_name("journal.tmp."));
	assert_false(fs_is_temp_name("journal.tmp.12x"));
	assert_false(fs_is_temp_name(".tmp.12"));
	assert_false(fs_is_temp_name("notes.tmp"));
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors), cmocka_unit_test(test_json_compact),
		cmocka_unit_test(test_json_strings),   cmocka_unit_test(test_json_pretty),
		cmocka_unit_test(test_hex),            cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_error),          cmocka_unit_test(test_buf_limit),
		cmocka_unit_test(test_temp_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
