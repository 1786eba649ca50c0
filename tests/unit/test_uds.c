/* test_uds.c: UDS negative-response decoding, response checks, and ISO-TP
 * reassembly of replies. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "diag/uds.h"
#include "isotp/isotp.h"

/* NRC names follow ISO 14229-1 table A.1. */
static void test_nrc_names(void **state)
{
	(void)state;
	assert_string_equal(uds_nrc_name(0x10), "generalReject");
	assert_string_equal(uds_nrc_name(0x11), "serviceNotSupported");
	assert_string_equal(uds_nrc_name(0x12), "subFunctionNotSupported");
	assert_string_equal(uds_nrc_name(0x13), "incorrectMessageLengthOrInvalidFormat");
	assert_string_equal(uds_nrc_name(0x22), "conditionsNotCorrect");
	assert_string_equal(uds_nrc_name(0x31), "requestOutOfRange");
	assert_string_equal(uds_nrc_name(0x33), "securityAccessDenied");
	assert_string_equal(uds_nrc_name(0x35), "invalidKey");
	assert_string_equal(uds_nrc_name(0x36), "exceededNumberOfAttempts");
	assert_string_equal(uds_nrc_name(0x37), "requiredTimeDelayNotExpired");
	assert_string_equal(uds_nrc_name(0x73), "wrongBlockSequenceCounter");
	assert_string_equal(uds_nrc_name(0x78), "requestCorrectlyReceivedResponsePending");
	assert_string_equal(uds_nrc_name(0x7F), "serviceNotSupportedInActiveSession");
	assert_string_equal(uds_nrc_name(0x93), "voltageTooLow");
}

/* Ranges the standard reserves get their range name; unknown codes say so. */
static void test_nrc_ranges(void **state)
{
	(void)state;
	assert_string_equal(uds_nrc_name(0x40), "reservedByExtendedDataLinkSecurity");
	assert_string_equal(uds_nrc_name(0xF3), "vehicleManufacturerSpecificConditionsNotCorrect");
	assert_string_equal(uds_nrc_name(0x01), "unknownNegativeResponse");
	assert_string_equal(uds_nrc_name(0xFF), "unknownNegativeResponse");
}

/* Service names. */
static void test_service_names(void **state)
{
	(void)state;
	assert_string_equal(uds_service_name(0x22), "ReadDataByIdentifier");
	assert_string_equal(uds_service_name(0x2E), "WriteDataByIdentifier");
	assert_string_equal(uds_service_name(0x27), "SecurityAccess");
	assert_string_equal(uds_service_name(0x99), "unknown service");
}

/* A positive reply is SID + 0x40; a negative one 7F SID NRC. */
static void test_check_response(void **state)
{
	const uint8_t pos[] = { 0x62, 0xF1, 0x90, 'W' };
	const uint8_t neg[] = { 0x7F, 0x22, 0x31 };
	const uint8_t other_sid[] = { 0x7F, 0x2E, 0x31 };
	const uint8_t junk[] = { 0x50, 0x01 };
	uint8_t nrc = 0xAA;

	(void)state;
	assert_int_equal(uds_check_response(0x22, pos, sizeof pos, &nrc), 0);
	assert_int_equal(nrc, 0);
	assert_int_equal(uds_check_response(0x22, neg, sizeof neg, &nrc), -ERR_NEGATIVE);
	assert_int_equal(nrc, 0x31);
	assert_int_equal(uds_check_response(0x22, other_sid, sizeof other_sid, &nrc), -ERR_PROTOCOL);
	assert_int_equal(uds_check_response(0x22, junk, sizeof junk, &nrc), -ERR_PROTOCOL);
	assert_int_equal(uds_check_response(0x22, neg, 2, &nrc), -ERR_PROTOCOL);
	assert_int_equal(uds_check_response(0x22, pos, 0, &nrc), -ERR_PROTOCOL);
}

/* A single frame gives its payload, trimmed to the PCI length. */
static void test_isotp_single(void **state)
{
	static struct isotp_rx rx;
	const uint8_t f[8] = { 0x03, 0x7F, 0x22, 0x31, 0xAA, 0xAA, 0xAA, 0xAA };
	struct error e;

	(void)state;
	isotp_rx_reset(&rx);
	assert_int_equal(isotp_rx_frame(&rx, f, 8, &e), ISOTP_RX_DONE);
	assert_int_equal(rx.len, 3);
	assert_memory_equal(rx.data, f + 1, 3);
}

/* First frame plus consecutive frames rebuild a 20-byte reply exactly. */
static void test_isotp_multi(void **state)
{
	static struct isotp_rx rx;
	const uint8_t ff[8] = { 0x10, 0x14, 0x62, 0xF1, 0x90, 'W', 'V', 'W' };
	const uint8_t cf1[8] = { 0x21, 'Z', 'Z', 'Z', '1', 'K', 'Z', 'A' };
	const uint8_t cf2[8] = { 0x22, 'W', '0', '0', '0', '0', '0', '1' };
	struct error e;

	(void)state;
	isotp_rx_reset(&rx);
	assert_int_equal(isotp_rx_frame(&rx, ff, 8, &e), ISOTP_RX_MORE);
	assert_int_equal(isotp_rx_frame(&rx, cf1, 8, &e), ISOTP_RX_MORE);
	assert_int_equal(isotp_rx_frame(&rx, cf2, 8, &e), ISOTP_RX_DONE);
	assert_int_equal(rx.len, 20);
	assert_memory_equal(rx.data, "\x62\xF1\x90WVWZZZ1KZAW000001", 20);
}

/* A consecutive frame out of sequence is an error, not data. */
static void test_isotp_sequence_error(void **state)
{
	static struct isotp_rx rx;
	const uint8_t ff[8] = { 0x10, 0x14, 1, 2, 3, 4, 5, 6 };
	const uint8_t cf2[8] = { 0x22, 7, 8, 9, 10, 11, 12, 13 };
	struct error e;

	(void)state;
	isotp_rx_reset(&rx);
	assert_int_equal(isotp_rx_frame(&rx, ff, 8, &e), ISOTP_RX_MORE);
	assert_int_equal(isotp_rx_frame(&rx, cf2, 8, &e), ISOTP_RX_ERROR);
	assert_non_null(strstr(e.text, "out of sequence"));
}

/* Malformed frames: zero or overlong single-frame lengths, CF without FF. */
static void test_isotp_malformed(void **state)
{
	static struct isotp_rx rx;
	const uint8_t zero[8] = { 0x00, 1, 2, 3, 4, 5, 6, 7 };
	const uint8_t longer[4] = { 0x07, 1, 2, 3 };
	const uint8_t cf[8] = { 0x21, 1, 2, 3, 4, 5, 6, 7 };
	const uint8_t fc[3] = { 0x30, 0x00, 0x00 };
	const uint8_t short_ff[8] = { 0x10, 0x05, 1, 2, 3, 4, 5, 6 };
	struct error e;

	(void)state;
	isotp_rx_reset(&rx);
	assert_int_equal(isotp_rx_frame(&rx, zero, 8, &e), ISOTP_RX_ERROR);
	assert_int_equal(isotp_rx_frame(&rx, longer, 4, &e), ISOTP_RX_ERROR);
	assert_int_equal(isotp_rx_frame(&rx, cf, 8, &e), ISOTP_RX_ERROR);
	assert_int_equal(isotp_rx_frame(&rx, fc, 3, &e), ISOTP_RX_IGNORED);
	assert_int_equal(isotp_rx_frame(&rx, short_ff, 8, &e), ISOTP_RX_ERROR);
}

/* Sequence numbers wrap from F to 0 in long messages. */
static void test_isotp_wrap(void **state)
{
	static struct isotp_rx rx;
	uint8_t f[8];
	size_t total = 6 + 7 * 20, i;
	struct error e;
	enum isotp_rx_result r = ISOTP_RX_MORE;

	(void)state;
	isotp_rx_reset(&rx);
	f[0] = (uint8_t)(0x10 | (total >> 8));
	f[1] = (uint8_t)total;
	memset(f + 2, 0x11, 6);
	assert_int_equal(isotp_rx_frame(&rx, f, 8, &e), ISOTP_RX_MORE);
	for (i = 1; i <= 20; i++) {
		f[0] = (uint8_t)(0x20 | (i & 0x0F));
		memset(f + 1, (int)i, 7);
		r = isotp_rx_frame(&rx, f, 8, &e);
		assert_int_equal(r, i == 20 ? ISOTP_RX_DONE : ISOTP_RX_MORE);
	}
	assert_int_equal(rx.len, total);
	assert_int_equal(rx.data[6 + 7 * 15], 16);
	assert_int_equal(rx.data[total - 1], 20);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nrc_names),
		cmocka_unit_test(test_nrc_ranges),
		cmocka_unit_test(test_service_names),
		cmocka_unit_test(test_check_response),
		cmocka_unit_test(test_isotp_single),
		cmocka_unit_test(test_isotp_multi),
		cmocka_unit_test(test_isotp_sequence_error),
		cmocka_unit_test(test_isotp_malformed),
		cmocka_unit_test(test_isotp_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
