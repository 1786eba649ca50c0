/* test_dtc.c: trouble code text, hex, parsing, status words and the
 * generic description table. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "diag/dtc.h"

/* Formats a 2-byte code and returns it in a static buffer. */
static const char *obd_text(uint16_t code)
{
	static char out[DTC_TEXT_MAX];

	dtc_format_obd(code, out);
	return out;
}

/* The two top bits pick P/C/B/U; the next two the first digit. */
static void test_format_obd_boundaries(void **state)
{
	(void)state;
	assert_string_equal(obd_text(0x0143), "P0143");
	assert_string_equal(obd_text(0x4123), "C0123");
	assert_string_equal(obd_text(0x8123), "B0123");
	assert_string_equal(obd_text(0xC123), "U0123");
	assert_string_equal(obd_text(0x1234), "P1234");
	assert_string_equal(obd_text(0xD000), "U1000");
	assert_string_equal(obd_text(0x0000), "P0000");
	assert_string_equal(obd_text(0x3FFF), "P3FFF");
	assert_string_equal(obd_text(0x4000), "C0000");
	assert_string_equal(obd_text(0x7FFF), "C3FFF");
	assert_string_equal(obd_text(0xBFFF), "B3FFF");
	assert_string_equal(obd_text(0xFFFF), "U3FFF");
	assert_string_equal(obd_text(0x2ABC), "P2ABC");
}

/* A 3-byte UDS code: 2-byte text, dash, failure type; or the parts. */
static void test_format_uds(void **state)
{
	char out[DTC_TEXT_MAX], text[DTC_TEXT_MAX], ftb[3];

	(void)state;
	dtc_format_uds(0x01431B, out);
	assert_string_equal(out, "P0143-1B");
	dtc_format_uds(0xC15500, out);
	assert_string_equal(out, "U0155-00");
	dtc_format_uds(0x9A0171, out);
	assert_string_equal(out, "B1A01-71");
	dtc_format_uds_parts(0x43210F, text, ftb);
	assert_string_equal(text, "C0321");
	assert_string_equal(ftb, "0F");
	dtc_format_uds(0xFF01431B, out); /* only the low three bytes count */
	assert_string_equal(out, "P0143-1B");
}

/* Hex forms of 2- and 3-byte codes. */
static void test_format_hex(void **state)
{
	char out[DTC_HEX_MAX];

	(void)state;
	dtc_format_hex(0x0143, 2, out);
	assert_string_equal(out, "0143");
	dtc_format_hex(0xC155, 2, out);
	assert_string_equal(out, "C155");
	dtc_format_hex(0x01431B, 3, out);
	assert_string_equal(out, "01431B");
	dtc_format_hex(0x00000A, 3, out);
	assert_string_equal(out, "00000A");
}

/* Text back to codes, both sizes, any case; bad text is refused. */
static void test_parse(void **state)
{
	uint32_t code = 0;
	size_t bytes = 0;
	struct error e;

	(void)state;
	assert_int_equal(dtc_parse("P0143", &code, &bytes, &e), 0);
	assert_int_equal(code, 0x0143);
	assert_int_equal(bytes, 2);
	assert_int_equal(dtc_parse("u1000", &code, &bytes, &e), 0);
	assert_int_equal(code, 0xD000);
	assert_int_equal(dtc_parse("B0123-1b", &code, &bytes, &e), 0);
	assert_int_equal(code, 0x81231B);
	assert_int_equal(bytes, 3);
	assert_int_equal(dtc_parse("C3FFF", &code, &bytes, &e), 0);
	assert_int_equal(code, 0x7FFF);
	assert_int_equal(dtc_parse("X0143", &code, &bytes, &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "X0143"));
	assert_int_equal(dtc_parse("P4143", &code, &bytes, &e), -ERR_ARG);
	assert_int_equal(dtc_parse("P014", &code, &bytes, &e), -ERR_ARG);
	assert_int_equal(dtc_parse("P01G3", &code, &bytes, &e), -ERR_ARG);
	assert_int_equal(dtc_parse("P0143-", &code, &bytes, &e), -ERR_ARG);
	assert_int_equal(dtc_parse("P0143+1B", &code, &bytes, &e), -ERR_ARG);
	assert_int_equal(dtc_parse("P0143-1B2", &code, &bytes, &e), -ERR_ARG);
	assert_int_equal(dtc_parse("", &code, &bytes, &e), -ERR_ARG);
}

/* Formatting and parsing agree over every 2-byte code. */
static void test_round_trip(void **state)
{
	char out[DTC_TEXT_MAX];
	uint32_t code, c;
	size_t bytes;
	struct error e;

	(void)state;
	for (c = 0; c <= 0xFFFF; c++) {
		dtc_format_obd((uint16_t)c, out);
		assert_int_equal(dtc_parse(out, &code, &bytes, &e), 0);
		assert_int_equal(code, c);
	}
}

/* Generic blocks per SAE J2012; manufacturer blocks are not. */
static void test_generic(void **state)
{
	(void)state;
	assert_true(dtc_is_generic(0x0420));  /* P0420 */
	assert_true(dtc_is_generic(0x2187));  /* P2187 */
	assert_true(dtc_is_generic(0x3400));  /* P3400 */
	assert_false(dtc_is_generic(0x1234)); /* P1234 */
	assert_false(dtc_is_generic(0x3000)); /* P3000 */
	assert_true(dtc_is_generic(0xC155));  /* U0155 */
	assert_false(dtc_is_generic(0xD000)); /* U1000 */
	assert_false(dtc_is_generic(0x9A01)); /* B1A01 */
	assert_true(dtc_is_generic(0x4123));  /* C0123 */
}

/* Status bits in short words, most important first. */
static void test_status_words(void **state)
{
	char out[200];
	size_t len;

	(void)state;
	len = dtc_status_words(0x8D, out, sizeof out);
	assert_string_equal(out, "failed, confirmed, pending, MIL");
	assert_int_equal(len, strlen(out));
	dtc_status_words(0x00, out, sizeof out);
	assert_string_equal(out, "none");
	dtc_status_words(0x08, out, sizeof out);
	assert_string_equal(out, "confirmed");
	dtc_status_words(0x50, out, sizeof out);
	assert_string_equal(out, "not tested this cycle, not tested since clear");
	dtc_status_words(0xFF, out, sizeof out);
	assert_string_equal(out, "failed, confirmed, pending, MIL, failed this cycle, "
				 "failed since clear, not tested this cycle, not tested since clear");
	assert_string_equal(dtc_status_word(7), "MIL");
	assert_string_equal(dtc_status_word(1), "failed this cycle");
	assert_string_equal(dtc_status_word(8), "?");
}

/* Status bits by their ISO 14229-1 names, in bit order. */
static void test_status_names(void **state)
{
	static const char *const names[8] = {
		"testFailed",
		"testFailedThisOperationCycle",
		"pendingDTC",
		"confirmedDTC",
		"testNotCompletedSinceLastClear",
		"testFailedSinceLastClear",
		"testNotCompletedThisOperationCycle",
		"warningIndicatorRequested",
	};
	char out[300];
	unsigned bit;

	(void)state;
	for (bit = 0; bit < 8; bit++) {
		assert_string_equal(dtc_status_name(bit), names[bit]);
		dtc_status_names((uint8_t)(1u << bit), out, sizeof out);
		assert_string_equal(out, names[bit]);
	}
	dtc_status_names(0x89, out, sizeof out);
	assert_string_equal(out, "testFailed, confirmedDTC, warningIndicatorRequested");
}

/* A short buffer is cut, NUL-terminated, and the full length reported. */
static void test_status_truncated(void **state)
{
	char out[8];

	(void)state;
	memset(out, 'x', sizeof out);
	assert_int_equal(dtc_status_words(0x8D, out, sizeof out),
			 strlen("failed, confirmed, pending, MIL"));
	assert_string_equal(out, "failed,");
	assert_int_equal(dtc_status_words(0x01, NULL, 0), strlen("failed"));
}

/* Known generic codes have their text; others have none. */
static void test_descriptions(void **state)
{
	(void)state;
	assert_string_equal(dtc_description(0x0420), "Catalyst System Efficiency Below Threshold "
						     "(Bank 1)");
	assert_string_equal(dtc_description(0x0171), "System too Lean (Bank 1)");
	assert_string_equal(dtc_description(0x0172), "System too Rich (Bank 1)");
	assert_string_equal(dtc_description(0x0300), "Random/Multiple Cylinder Misfire Detected");
	assert_string_equal(dtc_description(0x0308), "Cylinder 8 Misfire Detected");
	assert_string_equal(dtc_description(0x0401), "Exhaust Gas Recirculation Flow Insufficient "
						     "Detected");
	assert_string_equal(dtc_description(0x0455), "Evaporative Emission Control System Leak "
						     "Detected (gross leak)");
	assert_string_equal(dtc_description(0x0562), "System Voltage Low");
	assert_string_equal(dtc_description(0x0563), "System Voltage High");
	assert_string_equal(dtc_description(0x0100), "Mass or Volume Air Flow Circuit Malfunction");
	assert_null(dtc_description(0x1234));
	assert_null(dtc_description(0x0000));
	assert_null(dtc_description(0xC155));
	assert_null(dtc_description(0x0999));
}

/* The 2-byte code of a decimal-looking P0 number (0420 -> 0x0420). */
static uint16_t p0(unsigned n)
{
	return (uint16_t)((n / 100) << 8 | ((n / 10) % 10) << 4 | n % 10);
}

/* The table is large, sorted, unique, generic and every entry is found. */
static void test_description_table(void **state)
{
	unsigned c, found = 0, evap = 0;

	(void)state;
	assert_true(dtc_description_count() >= 150);
	for (c = 0; c <= 0xFFFF; c++) {
		const char *t = dtc_description((uint16_t)c);
		if (t == NULL)
			continue;
		found++;
		assert_true(dtc_is_generic((uint16_t)c));
		assert_true(strlen(t) > 5);
		if (c >= 0x0440 && c <= 0x0456)
			evap++;
	}
	assert_int_equal(found, dtc_description_count());
	assert_int_equal(evap, 17); /* P0440-P0456: 17 codes */
	for (c = 100; c <= 126; c++) /* the whole P0100-P0126 run */
		assert_non_null(dtc_description(p0(c)));
	for (c = 300; c <= 308; c++)
		assert_non_null(dtc_description(p0(c)));
	assert_int_equal(p0(420), 0x0420);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_obd_boundaries),
		cmocka_unit_test(test_format_uds),
		cmocka_unit_test(test_format_hex),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_generic),
		cmocka_unit_test(test_status_words),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_status_truncated),
		cmocka_unit_test(test_descriptions),
		cmocka_unit_test(test_description_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
