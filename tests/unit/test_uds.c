/* test_uds.c: UDS negative-response names, request encoders byte for
 * byte, reply decoders (malformed and short replies included), the client
 * over a scripted transport (P2/P2* timing, 0x78 waits and limits,
 * keep-alive, security access, transfers), and ISO-TP reassembly of
 * replies. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "diag/uds.h"
#include "isotp/isotp.h"
#include "util/hex.h"

/* Every NRC of ISO 14229-1 table A.1 by name. */
static void test_nrc_names(void **state)
{
	static const struct {
		uint8_t nrc;
		const char *name;
	} names[] = {
		{ 0x00, "positiveResponse" },
		{ 0x10, "generalReject" },
		{ 0x11, "serviceNotSupported" },
		{ 0x12, "subFunctionNotSupported" },
		{ 0x13, "incorrectMessageLengthOrInvalidFormat" },
		{ 0x14, "responseTooLong" },
		{ 0x21, "busyRepeatRequest" },
		{ 0x22, "conditionsNotCorrect" },
		{ 0x24, "requestSequenceError" },
		{ 0x25, "noResponseFromSubnetComponent" },
		{ 0x26, "failurePreventsExecutionOfRequestedAction" },
		{ 0x31, "requestOutOfRange" },
		{ 0x33, "securityAccessDenied" },
		{ 0x34, "authenticationRequired" },
		{ 0x35, "invalidKey" },
		{ 0x36, "exceededNumberOfAttempts" },
		{ 0x37, "requiredTimeDelayNotExpired" },
		{ 0x50, "certificateVerificationFailedInvalidTimePeriod" },
		{ 0x51, "certificateVerificationFailedInvalidSignature" },
		{ 0x52, "certificateVerificationFailedInvalidChainOfTrust" },
		{ 0x53, "certificateVerificationFailedInvalidType" },
		{ 0x54, "certificateVerificationFailedInvalidFormat" },
		{ 0x55, "certificateVerificationFailedInvalidContent" },
		{ 0x56, "certificateVerificationFailedInvalidScope" },
		{ 0x57, "certificateVerificationFailedInvalidCertificateRevoked" },
		{ 0x58, "ownershipVerificationFailed" },
		{ 0x59, "challengeCalculationFailed" },
		{ 0x5A, "settingAccessRightsFailed" },
		{ 0x5B, "sessionKeyCreationDerivationFailed" },
		{ 0x5C, "configurationDataUsageFailed" },
		{ 0x5D, "deAuthenticationFailed" },
		{ 0x70, "uploadDownloadNotAccepted" },
		{ 0x71, "transferDataSuspended" },
		{ 0x72, "generalProgrammingFailure" },
		{ 0x73, "wrongBlockSequenceCounter" },
		{ 0x78, "requestCorrectlyReceivedResponsePending" },
		{ 0x7E, "subFunctionNotSupportedInActiveSession" },
		{ 0x7F, "serviceNotSupportedInActiveSession" },
		{ 0x81, "rpmTooHigh" },
		{ 0x82, "rpmTooLow" },
		{ 0x83, "engineIsRunning" },
		{ 0x84, "engineIsNotRunning" },
		{ 0x85, "engineRunTimeTooLow" },
		{ 0x86, "temperatureTooHigh" },
		{ 0x87, "temperatureTooLow" },
		{ 0x88, "vehicleSpeedTooHigh" },
		{ 0x89, "vehicleSpeedTooLow" },
		{ 0x8A, "throttlePedalTooHigh" },
		{ 0x8B, "throttlePedalTooLow" },
		{ 0x8C, "transmissionRangeNotInNeutral" },
		{ 0x8D, "transmissionRangeNotInGear" },
		{ 0x8F, "brakeSwitchesNotClosed" },
		{ 0x90, "shifterLeverNotInPark" },
		{ 0x91, "torqueConverterClutchLocked" },
		{ 0x92, "voltageTooHigh" },
		{ 0x93, "voltageTooLow" },
		{ 0x94, "resourceTemporarilyNotAvailable" },
	};
	size_t i;
	unsigned c, named = 0;

	(void)state;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		assert_string_equal(uds_nrc_name(names[i].nrc), names[i].name);
	for (c = 0; c < 256; c++)
		if (strcmp(uds_nrc_name((uint8_t)c), "unknownNegativeResponse") != 0)
			named++;
	/* the table, 0x38-0x4F and 0xF0-0xFE; nothing else has a name */
	assert_int_equal(named, sizeof names / sizeof names[0] + 24 + 15);
}

/* Ranges the standard reserves get their range name; unknown codes say so. */
static void test_nrc_ranges(void **state)
{
	(void)state;
	assert_string_equal(uds_nrc_name(0x38), "reservedByExtendedDataLinkSecurity");
	assert_string_equal(uds_nrc_name(0x40), "reservedByExtendedDataLinkSecurity");
	assert_string_equal(uds_nrc_name(0x4F), "reservedByExtendedDataLinkSecurity");
	assert_string_equal(uds_nrc_name(0xF0), "vehicleManufacturerSpecificConditionsNotCorrect");
	assert_string_equal(uds_nrc_name(0xF3), "vehicleManufacturerSpecificConditionsNotCorrect");
	assert_string_equal(uds_nrc_name(0xFE), "vehicleManufacturerSpecificConditionsNotCorrect");
	assert_string_equal(uds_nrc_name(0x01), "unknownNegativeResponse");
	assert_string_equal(uds_nrc_name(0x5E), "unknownNegativeResponse");
	assert_string_equal(uds_nrc_name(0x8E), "unknownNegativeResponse");
	assert_string_equal(uds_nrc_name(0xFF), "unknownNegativeResponse");
}

/* Service names, OBD modes included; DTC format names. */
static void test_service_names(void **state)
{
	(void)state;
	assert_string_equal(uds_service_name(0x10), "DiagnosticSessionControl");
	assert_string_equal(uds_service_name(0x19), "ReadDTCInformation");
	assert_string_equal(uds_service_name(0x22), "ReadDataByIdentifier");
	assert_string_equal(uds_service_name(0x2E), "WriteDataByIdentifier");
	assert_string_equal(uds_service_name(0x27), "SecurityAccess");
	assert_string_equal(uds_service_name(0x36), "TransferData");
	assert_string_equal(uds_service_name(0x85), "ControlDTCSetting");
	assert_string_equal(uds_service_name(0x01), "OBD current data");
	assert_string_equal(uds_service_name(0x0A), "OBD permanent DTCs");
	assert_string_equal(uds_service_name(0x99), "unknown service");
	assert_string_equal(uds_dtc_format_name(0x01), "ISO_14229-1_DTCFormat");
	assert_string_equal(uds_dtc_format_name(0x00), "SAE_J2012-DA_DTCFormat_00");
	assert_string_equal(uds_dtc_format_name(0x04), "SAE_J2012-DA_DTCFormat_04");
	assert_string_equal(uds_dtc_format_name(0x09), "unknown DTC format");
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

/* --- Encoders and decoders --- */

/* Decodes hex text into a buffer; the test fails on bad text. */
static size_t hx(const char *text, uint8_t *out, size_t cap)
{
	long n = hex_decode(text, out, cap);

	assert_true(n >= 0);
	return (size_t)n;
}

/* Fails unless an encoder wrote exactly the hex bytes. */
static void check_req(int n, const uint8_t *out, const char *want, int line)
{
	uint8_t w[64];
	size_t wn = hx(want, w, sizeof w);

	if (n != (int)wn || memcmp(out, w, wn) != 0)
		fail_msg("line %d: request of %d bytes differs from %s", line, n, want);
}
#define assert_req(n, out, want) check_req((n), (out), (want), __LINE__)

/* Session, reset, clear, tester present and DTC setting requests. */
static void test_enc_simple_services(void **state)
{
	uint8_t o[16];
	struct error e;

	(void)state;
	assert_req(uds_enc_session(o, sizeof o, UDS_SESSION_EXTENDED, false, &e), o, "10 03");
	assert_req(uds_enc_session(o, sizeof o, UDS_SESSION_PROGRAMMING, true, &e), o, "10 82");
	assert_int_equal(uds_enc_session(o, sizeof o, 0x00, false, &e), -ERR_ARG);
	assert_int_equal(uds_enc_session(o, sizeof o, 0x83, false, &e), -ERR_ARG);
	assert_int_equal(uds_enc_session(o, 1, 0x03, false, &e), -ERR_ARG);
	assert_req(uds_enc_reset(o, sizeof o, UDS_RESET_HARD, false, &e), o, "11 01");
	assert_req(uds_enc_reset(o, sizeof o, UDS_RESET_SOFT, true, &e), o, "11 83");
	assert_req(uds_enc_clear_dtcs(o, sizeof o, UDS_GROUP_ALL, &e), o, "14 FF FF FF");
	assert_req(uds_enc_clear_dtcs(o, sizeof o, 0x000100, &e), o, "14 00 01 00");
	assert_int_equal(uds_enc_clear_dtcs(o, sizeof o, 0x1000000, &e), -ERR_ARG);
	assert_req(uds_enc_tester_present(o, sizeof o, false, &e), o, "3E 00");
	assert_req(uds_enc_tester_present(o, sizeof o, true, &e), o, "3E 80");
	assert_req(uds_enc_dtc_setting(o, sizeof o, UDS_DTC_SETTING_OFF, NULL, 0, false, &e), o,
		   "85 02");
	assert_req(uds_enc_dtc_setting(o, sizeof o, UDS_DTC_SETTING_ON, (const uint8_t *)"\xFF\xFF"
				       "\xFF", 3, true, &e), o, "85 81 FF FF FF");
	assert_req(uds_enc_comm_control(o, sizeof o, UDS_COMM_DISABLE_RX_TX, UDS_COMM_NORMAL, 0,
					false, &e), o, "28 03 01");
	assert_req(uds_enc_comm_control(o, sizeof o, UDS_COMM_ENABLE_RX_TX, UDS_COMM_ALL, 0, true,
					&e), o, "28 80 03");
	assert_req(uds_enc_comm_control(o, sizeof o, 0x04, UDS_COMM_NORMAL, 0x1234, false, &e), o,
		   "28 04 01 12 34");
}

/* ReadDTCInformation requests per sub-function. */
static void test_enc_read_dtc(void **state)
{
	uint8_t o[16];
	struct error e;

	(void)state;
	assert_req(uds_enc_dtc_by_mask(o, sizeof o, UDS_DTC_COUNT_BY_MASK, 0xFF, &e), o, "19 01 FF");
	assert_req(uds_enc_dtc_by_mask(o, sizeof o, UDS_DTC_BY_MASK, 0x09, &e), o, "19 02 09");
	assert_int_equal(uds_enc_dtc_by_mask(o, sizeof o, 0x04, 0x09, &e), -ERR_ARG);
	assert_req(uds_enc_dtc_record(o, sizeof o, UDS_DTC_SNAPSHOT, 0x01431B, 0x01, &e), o,
		   "19 04 01 43 1B 01");
	assert_req(uds_enc_dtc_record(o, sizeof o, UDS_DTC_EXT_DATA, 0xC15500, 0xFF, &e), o,
		   "19 06 C1 55 00 FF");
	assert_int_equal(uds_enc_dtc_record(o, sizeof o, 0x02, 0x01431B, 1, &e), -ERR_ARG);
	assert_int_equal(uds_enc_dtc_record(o, sizeof o, 0x04, 0x1000000, 1, &e), -ERR_ARG);
	assert_int_equal(uds_enc_dtc_record(o, 5, 0x04, 0x01431B, 1, &e), -ERR_ARG);
	assert_req(uds_enc_dtc_supported(o, sizeof o, &e), o, "19 0A");
}

/* DID reads and writes, memory reads with their format identifier. */
static void test_enc_data(void **state)
{
	const uint16_t dids[3] = { 0xF190, 0xF18C, 0x0100 };
	struct uds_mem m = { 0x00123456, 0x0100, 0, 0 };
	uint8_t o[80];
	uint16_t many[UDS_DIDS_MAX + 1] = { 0 };
	struct error e;

	(void)state;
	assert_req(uds_enc_read_dids(o, sizeof o, dids, 1, &e), o, "22 F1 90");
	assert_req(uds_enc_read_dids(o, sizeof o, dids, 3, &e), o, "22 F1 90 F1 8C 01 00");
	assert_int_equal(uds_enc_read_dids(o, sizeof o, dids, 0, &e), -ERR_ARG);
	assert_int_equal(uds_enc_read_dids(o, sizeof o, many, UDS_DIDS_MAX + 1, &e), -ERR_ARG);
	assert_int_equal(uds_enc_read_dids(o, 4, dids, 2, &e), -ERR_ARG);
	assert_req(uds_enc_write_did(o, sizeof o, 0xF198, (const uint8_t *)"\x01\x02", 2, &e), o,
		   "2E F1 98 01 02");
	assert_int_equal(uds_enc_write_did(o, sizeof o, 0xF198, NULL, 0, &e), -ERR_ARG);
	/* widths from the values: address 3 bytes, size 2 bytes: ALFID 0x23 */
	assert_req(uds_enc_read_memory(o, sizeof o, &m, &e), o, "23 23 12 34 56 01 00");
	m.addr_bytes = 4;
	m.size_bytes = 4;
	assert_req(uds_enc_read_memory(o, sizeof o, &m, &e), o, "23 44 00 12 34 56 00 00 01 00");
	m.addr_bytes = 2; /* 0x123456 does not fit in 2 bytes */
	assert_int_equal(uds_enc_read_memory(o, sizeof o, &m, &e), -ERR_ARG);
	assert_string_equal(e.text, "address 0x123456 does not fit in 2 bytes");
	m.addr_bytes = 5;
	assert_int_equal(uds_enc_read_memory(o, sizeof o, &m, &e), -ERR_ARG);
	m.addr_bytes = 0;
	m.size = 0;
	assert_int_equal(uds_enc_read_memory(o, sizeof o, &m, &e), -ERR_ARG);
	assert_int_equal(uds_alfid(4, 4), 0x44);
	assert_int_equal(uds_alfid(3, 2), 0x23);
	assert_int_equal(uds_width(0), 1);
	assert_int_equal(uds_width(0xFF), 1);
	assert_int_equal(uds_width(0x100), 2);
	assert_int_equal(uds_width(0xFFFFFF), 3);
	assert_int_equal(uds_width(0x1000000), 4);
}

/* Security access levels: odd for the seed, even for the key. */
static void test_enc_security(void **state)
{
	const uint8_t key[4] = { 0xEE, 0xDD, 0xCC, 0xBB };
	uint8_t o[16];
	struct error e;

	(void)state;
	assert_req(uds_enc_seed_request(o, sizeof o, 0x01, NULL, 0, &e), o, "27 01");
	assert_req(uds_enc_seed_request(o, sizeof o, 0x11, key, 1, &e), o, "27 11 EE");
	assert_int_equal(uds_enc_seed_request(o, sizeof o, 0x02, NULL, 0, &e), -ERR_ARG);
	assert_int_equal(uds_enc_seed_request(o, sizeof o, 0x7F, NULL, 0, &e), -ERR_ARG);
	assert_req(uds_enc_send_key(o, sizeof o, 0x02, key, 4, &e), o, "27 02 EE DD CC BB");
	assert_int_equal(uds_enc_send_key(o, sizeof o, 0x03, key, 4, &e), -ERR_ARG);
	assert_int_equal(uds_enc_send_key(o, sizeof o, 0x00, key, 4, &e), -ERR_ARG);
	assert_int_equal(uds_enc_send_key(o, sizeof o, 0x02, key, 0, &e), -ERR_ARG);
	assert_int_equal(uds_enc_send_key(o, 5, 0x02, key, 4, &e), -ERR_ARG);
}

/* Routine control, download, upload, transfer and exit requests. */
static void test_enc_flash(void **state)
{
	const struct uds_mem m = { 0x00080000, 0x00020000, 4, 4 };
	const struct uds_mem small = { 0x4000, 0x80, 0, 0 };
	const uint8_t opt[2] = { 0x01, 0x02 };
	uint8_t o[32];
	struct error e;

	(void)state;
	assert_req(uds_enc_routine(o, sizeof o, UDS_ROUTINE_START, 0xFF00, opt, 2, &e), o,
		   "31 01 FF 00 01 02");
	assert_req(uds_enc_routine(o, sizeof o, UDS_ROUTINE_RESULTS, 0x0202, NULL, 0, &e), o,
		   "31 03 02 02");
	assert_int_equal(uds_enc_routine(o, sizeof o, 0x04, 0x0202, NULL, 0, &e), -ERR_ARG);
	assert_int_equal(uds_enc_routine(o, sizeof o, 0x01, 0x0202, NULL, 3, &e), -ERR_ARG);
	assert_req(uds_enc_request_download(o, sizeof o, 0x00, &m, &e), o,
		   "34 00 44 00 08 00 00 00 02 00 00");
	assert_req(uds_enc_request_download(o, sizeof o, 0x11, &small, &e), o, "34 11 12 40 00 80");
	assert_req(uds_enc_request_upload(o, sizeof o, 0x00, &small, &e), o, "35 00 12 40 00 80");
	assert_int_equal(uds_enc_request_upload(o, 5, 0x00, &small, &e), -ERR_ARG);
	assert_req(uds_enc_transfer_data(o, sizeof o, 0x01, opt, 2, &e), o, "36 01 01 02");
	assert_req(uds_enc_transfer_data(o, sizeof o, 0x00, NULL, 0, &e), o, "36 00");
	assert_req(uds_enc_transfer_exit(o, sizeof o, NULL, 0, &e), o, "37");
	assert_req(uds_enc_transfer_exit(o, sizeof o, opt, 2, &e), o, "37 01 02");
}

/* The block sequence counter runs 01..FF and wraps to 00. */
static void test_block_counter(void **state)
{
	uint8_t seq = 0x01;
	unsigned i;

	(void)state;
	assert_int_equal(uds_next_seq(0x01), 0x02);
	assert_int_equal(uds_next_seq(0xFE), 0xFF);
	assert_int_equal(uds_next_seq(0xFF), 0x00);
	assert_int_equal(uds_next_seq(0x00), 0x01);
	for (i = 0; i < 255; i++)
		seq = uds_next_seq(seq);
	assert_int_equal(seq, 0x00); /* 01 + 255 steps: FF then 00 */
}

/* 0x50 gives P2 in ms and P2* in 10 ms units; a bare reply the defaults. */
static void test_dec_session(void **state)
{
	struct uds_timing tm;
	uint8_t r[16];
	size_t n;
	struct error e;

	(void)state;
	n = hx("50 03 00 32 01 F4", r, sizeof r);
	assert_int_equal(uds_dec_session(r, n, 0x03, &tm, &e), 0);
	assert_int_equal(tm.session, 0x03);
	assert_true(tm.has_timing);
	assert_int_equal(tm.p2_ms, 50);       /* 0x0032 = 50 ms */
	assert_int_equal(tm.p2star_ms, 5000); /* 0x01F4 = 500 * 10 ms */
	n = hx("50 02 00 19 00 C8", r, sizeof r);
	assert_int_equal(uds_dec_session(r, n, 0x02, &tm, &e), 0);
	assert_int_equal(tm.p2_ms, 25);       /* 0x0019 = 25 ms */
	assert_int_equal(tm.p2star_ms, 2000); /* 0x00C8 = 200 * 10 ms */
	n = hx("50 03 FF FF FF FF", r, sizeof r);
	assert_int_equal(uds_dec_session(r, n, 0x83, &tm, &e), 0);
	assert_int_equal(tm.p2_ms, 65535);
	assert_int_equal(tm.p2star_ms, 655350);
	n = hx("50 01", r, sizeof r);
	assert_int_equal(uds_dec_session(r, n, 0x01, &tm, &e), 0);
	assert_false(tm.has_timing);
	assert_int_equal(tm.p2_ms, UDS_P2_DEFAULT_MS);
	assert_int_equal(tm.p2star_ms, UDS_P2STAR_DEFAULT_MS);
	n = hx("50 03 00 32", r, sizeof r);
	assert_int_equal(uds_dec_session(r, n, 0x03, &tm, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "session reply of 4 bytes: expected 2, or 6 with P2 and P2*");
	n = hx("50 03 00 32 01 F4 00", r, sizeof r);
	assert_int_equal(uds_dec_session(r, n, 0x03, &tm, &e), -ERR_PROTOCOL);
	n = hx("50 02 00 32 01 F4", r, sizeof r);
	assert_int_equal(uds_dec_session(r, n, 0x03, &tm, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "DiagnosticSessionControl reply names session 02, asked for 03");
	n = hx("7F 10 22", r, sizeof r);
	assert_int_equal(uds_dec_session(r, n, 0x03, &tm, &e), -ERR_NEGATIVE);
	assert_int_equal(e.detail, 0x22);
	assert_string_equal(e.text, "DiagnosticSessionControl refused: conditionsNotCorrect (0x22)");
	n = hx("51 03", r, sizeof r);
	assert_int_equal(uds_dec_session(r, n, 0x03, &tm, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "reply to DiagnosticSessionControl starts with 0x51, not 0x50");
	assert_int_equal(uds_dec_session(r, 0, 0x03, &tm, &e), -ERR_PROTOCOL);
	n = hx("50", r, sizeof r);
	assert_int_equal(uds_dec_session(r, n, 0x03, &tm, &e), -ERR_PROTOCOL);
}

/* Replies of fixed shape: reset, clear, key, control, write, tester present. */
static void test_dec_fixed(void **state)
{
	uint8_t r[16], pd = 0;
	size_t n;
	struct error e;

	(void)state;
	n = hx("51 01", r, sizeof r);
	assert_int_equal(uds_dec_reset(r, n, 0x01, &pd, &e), 0);
	assert_int_equal(pd, 0xFF);
	n = hx("51 04 0A", r, sizeof r);
	assert_int_equal(uds_dec_reset(r, n, 0x04, &pd, &e), 0);
	assert_int_equal(pd, 10);
	n = hx("51 01 00", r, sizeof r);
	assert_int_equal(uds_dec_reset(r, n, 0x01, &pd, &e), -ERR_PROTOCOL);
	n = hx("51 04", r, sizeof r);
	assert_int_equal(uds_dec_reset(r, n, 0x04, &pd, &e), -ERR_PROTOCOL);
	n = hx("54", r, sizeof r);
	assert_int_equal(uds_dec_clear_dtcs(r, n, &e), 0);
	n = hx("54 00", r, sizeof r);
	assert_int_equal(uds_dec_clear_dtcs(r, n, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "ClearDiagnosticInformation reply of 2 bytes, expected 1");
	n = hx("67 02", r, sizeof r);
	assert_int_equal(uds_dec_send_key(r, n, 0x02, &e), 0);
	n = hx("67 04", r, sizeof r);
	assert_int_equal(uds_dec_send_key(r, n, 0x02, &e), -ERR_PROTOCOL);
	n = hx("68 03", r, sizeof r);
	assert_int_equal(uds_dec_comm_control(r, n, 0x03, &e), 0);
	assert_int_equal(uds_dec_comm_control(r, n, 0x83, &e), 0);
	assert_int_equal(uds_dec_comm_control(r, n, 0x01, &e), -ERR_PROTOCOL);
	n = hx("6E F1 98", r, sizeof r);
	assert_int_equal(uds_dec_write_did(r, n, 0xF198, &e), 0);
	assert_int_equal(uds_dec_write_did(r, n, 0xF199, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "WriteDataByIdentifier reply names DID F198, asked for F199");
	assert_int_equal(uds_dec_write_did(r, 2, 0xF198, &e), -ERR_PROTOCOL);
	n = hx("7E 00", r, sizeof r);
	assert_int_equal(uds_dec_tester_present(r, n, &e), 0);
	n = hx("7E 80", r, sizeof r);
	assert_int_equal(uds_dec_tester_present(r, n, &e), -ERR_PROTOCOL);
	n = hx("C5 02", r, sizeof r);
	assert_int_equal(uds_dec_dtc_setting(r, n, 0x02, &e), 0);
	assert_int_equal(uds_dec_dtc_setting(r, n, 0x01, &e), -ERR_PROTOCOL);
	n = hx("7F 85 7F", r, sizeof r);
	assert_int_equal(uds_dec_dtc_setting(r, n, 0x02, &e), -ERR_NEGATIVE);
	assert_int_equal(e.detail, 0x7F);
}

/* Count, list and supported-DTC replies of 0x19. */
static void test_dec_dtc_lists(void **state)
{
	struct uds_dtc_count c;
	struct uds_dtc d[4];
	uint8_t r[32], avail = 0;
	size_t n, count = 9;
	struct error e;

	(void)state;
	n = hx("59 01 FF 01 00 03", r, sizeof r);
	assert_int_equal(uds_dec_dtc_count(r, n, &c, &e), 0);
	assert_int_equal(c.avail_mask, 0xFF);
	assert_int_equal(c.format, 0x01);
	assert_int_equal(c.count, 3);
	assert_int_equal(uds_dec_dtc_count(r, n - 1, &c, &e), -ERR_PROTOCOL);
	n = hx("59 02 01 00 00 03", r, sizeof r);
	assert_int_equal(uds_dec_dtc_count(r, n, &c, &e), -ERR_PROTOCOL);

	n = hx("59 02 7F 01 43 1B 09 C1 55 00 2F", r, sizeof r);
	assert_int_equal(uds_dec_dtc_list(r, n, 0x02, &avail, d, 4, &count, &e), 0);
	assert_int_equal(avail, 0x7F);
	assert_int_equal(count, 2);
	assert_int_equal(d[0].code, 0x01431B);
	assert_int_equal(d[0].status, 0x09);
	assert_int_equal(d[1].code, 0xC15500);
	assert_int_equal(d[1].status, 0x2F);
	assert_int_equal(uds_dec_dtc_list(r, n, 0x02, &avail, d, 1, &count, &e), -ERR_NOMEM);
	assert_int_equal(count, 0);
	assert_int_equal(uds_dec_dtc_list(r, n - 1, 0x02, &avail, d, 4, &count, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "DTC list of 7 bytes is not whole 4-byte records");
	assert_int_equal(uds_dec_dtc_list(r, n, 0x0A, &avail, d, 4, &count, &e), -ERR_PROTOCOL);
	n = hx("59 0A FF", r, sizeof r);
	assert_int_equal(uds_dec_dtc_list(r, n, 0x0A, &avail, d, 4, &count, &e), 0);
	assert_int_equal(count, 0);
	assert_int_equal(uds_dec_dtc_list(r, 2, 0x0A, &avail, d, 4, &count, &e), -ERR_PROTOCOL);
}

/* Snapshot records: DIDs split by the lengths the caller knows. */
static void test_dec_snapshot(void **state)
{
	static const struct uds_len_map lens[2] = { { 0xF40C, 2 }, { 0xF40D, 1 } };
	static struct uds_dtc_records rec;
	uint8_t r[64];
	size_t n;
	struct error e;

	(void)state;
	n = hx("59 04 01 43 1B 09  01 02 F4 0C 1A F8 F4 0D 64  02 01 F4 0D 50", r, sizeof r);
	assert_int_equal(uds_dec_dtc_snapshot(r, n, lens, 2, &rec, &e), 0);
	assert_int_equal(rec.dtc.code, 0x01431B);
	assert_int_equal(rec.dtc.status, 0x09);
	assert_int_equal(rec.count, 3);
	assert_int_equal(rec.items[0].record, 1);
	assert_int_equal(rec.items[0].id, 0xF40C);
	assert_int_equal(rec.items[0].len, 2);
	assert_memory_equal(rec.items[0].data, "\x1A\xF8", 2);
	assert_int_equal(rec.items[1].id, 0xF40D);
	assert_int_equal(rec.items[1].data[0], 0x64);
	assert_int_equal(rec.items[2].record, 2);
	assert_int_equal(rec.items[2].data[0], 0x50);
	/* no records stored for the DTC */
	assert_int_equal(uds_dec_dtc_snapshot(r, 6, lens, 2, &rec, &e), 0);
	assert_int_equal(rec.count, 0);
	/* a DID of unknown length cannot be split */
	assert_int_equal(uds_dec_dtc_snapshot(r, n, lens, 1, &rec, &e), -ERR_UNSUPPORTED);
	assert_string_equal(e.text, "snapshot DID F40D has no known length");
	/* cut inside the data, inside a DID, after a record number */
	assert_int_equal(uds_dec_dtc_snapshot(r, n - 1, lens, 2, &rec, &e), -ERR_PROTOCOL);
	assert_int_equal(uds_dec_dtc_snapshot(r, 9, lens, 2, &rec, &e), -ERR_PROTOCOL);
	assert_int_equal(uds_dec_dtc_snapshot(r, 7, lens, 2, &rec, &e), -ERR_PROTOCOL);
	assert_int_equal(uds_dec_dtc_snapshot(r, 5, lens, 2, &rec, &e), -ERR_PROTOCOL);
	/* a count of 0 means "identifiers until the end" */
	n = hx("59 04 01 43 1B 09  05 00 F4 0C 00 10 F4 0D 20", r, sizeof r);
	assert_int_equal(uds_dec_dtc_snapshot(r, n, lens, 2, &rec, &e), 0);
	assert_int_equal(rec.count, 2);
	assert_int_equal(rec.items[1].record, 5);
}

/* Extended data records: lengths by record number, or the rest. */
static void test_dec_ext_data(void **state)
{
	static const struct uds_len_map lens[2] = { { 0x01, 1 }, { 0x02, 2 } };
	static struct uds_dtc_records rec;
	uint8_t r[32];
	size_t n;
	struct error e;

	(void)state;
	n = hx("59 06 01 43 1B 09 01 05 02 00 10", r, sizeof r);
	assert_int_equal(uds_dec_dtc_ext_data(r, n, lens, 2, &rec, &e), 0);
	assert_int_equal(rec.count, 2);
	assert_int_equal(rec.items[0].record, 0x01);
	assert_int_equal(rec.items[0].data[0], 0x05);
	assert_int_equal(rec.items[1].record, 0x02);
	assert_int_equal(rec.items[1].len, 2);
	assert_memory_equal(rec.items[1].data, "\x00\x10", 2);
	assert_int_equal(uds_dec_dtc_ext_data(r, n - 1, lens, 2, &rec, &e), -ERR_PROTOCOL);
	assert_int_equal(uds_dec_dtc_ext_data(r, n, lens, 1, &rec, &e), -ERR_UNSUPPORTED);
	n = hx("59 06 01 43 1B 09 01 05 06", r, sizeof r);
	assert_int_equal(uds_dec_dtc_ext_data(r, n, NULL, 0, &rec, &e), 0);
	assert_int_equal(rec.count, 1);
	assert_int_equal(rec.items[0].len, 2);
	n = hx("59 06 01 43 1B 09 01", r, sizeof r);
	assert_int_equal(uds_dec_dtc_ext_data(r, n, NULL, 0, &rec, &e), -ERR_PROTOCOL);
	n = hx("59 04 01 43 1B 09", r, sizeof r);
	assert_int_equal(uds_dec_dtc_ext_data(r, n, NULL, 0, &rec, &e), -ERR_PROTOCOL);
}

/* Several DIDs in one reply, split by expected lengths; left-out DIDs
 * are skipped, foreign or reordered ones refused. */
static void test_dec_read_dids(void **state)
{
	static const struct uds_len_map want[3] = { { 0xF190, 3 }, { 0xF18C, 2 }, { 0x0100, 1 } };
	const struct uds_len_map rest[1] = { { 0xF190, UDS_LEN_REST } };
	struct uds_item items[4];
	uint8_t r[32];
	size_t n, count = 9;
	struct error e;

	(void)state;
	n = hx("62 F1 90 41 42 43 F1 8C 00 07 01 00 09", r, sizeof r);
	assert_int_equal(uds_dec_read_dids(r, n, want, 3, items, 4, &count, &e), 0);
	assert_int_equal(count, 3);
	assert_int_equal(items[0].id, 0xF190);
	assert_memory_equal(items[0].data, "ABC", 3);
	assert_int_equal(items[1].id, 0xF18C);
	assert_int_equal(items[1].len, 2);
	assert_int_equal(items[2].data[0], 0x09);
	n = hx("62 F1 90 41 42 43 01 00 07", r, sizeof r); /* F18C left out */
	assert_int_equal(uds_dec_read_dids(r, n, want, 3, items, 4, &count, &e), 0);
	assert_int_equal(count, 2);
	assert_int_equal(items[1].id, 0x0100);
	n = hx("62 01 00 07 F1 90 41 42 43", r, sizeof r);
	assert_int_equal(uds_dec_read_dids(r, n, want, 3, items, 4, &count, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "reply carries DID F190, which was not asked for at this place");
	n = hx("62 F1 90 41 42", r, sizeof r);
	assert_int_equal(uds_dec_read_dids(r, n, want, 3, items, 4, &count, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "DID F190 needs 3 bytes, the reply has 2 left");
	n = hx("62 F1 90 41 42 43 F1", r, sizeof r);
	assert_int_equal(uds_dec_read_dids(r, n, want, 3, items, 4, &count, &e), -ERR_PROTOCOL);
	n = hx("62 F1 90 41 42 43 44 45", r, sizeof r);
	assert_int_equal(uds_dec_read_dids(r, n, rest, 1, items, 4, &count, &e), 0);
	assert_int_equal(items[0].len, 5);
	assert_int_equal(uds_dec_read_dids(r, 2, rest, 1, items, 4, &count, &e), -ERR_PROTOCOL);
	n = hx("62 F1 90 41 42 43 F1 8C 00 07", r, sizeof r);
	assert_int_equal(uds_dec_read_dids(r, n, want, 3, items, 1, &count, &e), -ERR_NOMEM);
}

/* Memory, seed, routine and transfer replies. */
static void test_dec_data_replies(void **state)
{
	const uint8_t *p = NULL;
	uint8_t r[32];
	size_t n, len = 0;
	struct error e;

	(void)state;
	n = hx("63 01 02 03 04", r, sizeof r);
	assert_int_equal(uds_dec_read_memory(r, n, 4, &p, &len, &e), 0);
	assert_int_equal(len, 4);
	assert_ptr_equal(p, r + 1);
	assert_int_equal(uds_dec_read_memory(r, n, 5, &p, &len, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "memory read returned 4 bytes, asked for 5");
	n = hx("67 01 11 22 33 44", r, sizeof r);
	assert_int_equal(uds_dec_seed(r, n, 0x01, &p, &len, &e), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(p, "\x11\x22\x33\x44", 4);
	assert_int_equal(uds_dec_seed(r, n, 0x03, &p, &len, &e), -ERR_PROTOCOL);
	assert_int_equal(uds_dec_seed(r, 2, 0x01, &p, &len, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "seed reply for level 01 carries no seed");
	n = hx("71 01 FF 00 00", r, sizeof r);
	assert_int_equal(uds_dec_routine(r, n, 0x01, 0xFF00, &p, &len, &e), 0);
	assert_int_equal(len, 1);
	assert_int_equal(p[0], 0x00);
	assert_int_equal(uds_dec_routine(r, 4, 0x01, 0xFF00, &p, &len, &e), 0);
	assert_int_equal(len, 0);
	assert_int_equal(uds_dec_routine(r, n, 0x01, 0xFF01, &p, &len, &e), -ERR_PROTOCOL);
	assert_int_equal(uds_dec_routine(r, n, 0x03, 0xFF00, &p, &len, &e), -ERR_PROTOCOL);
	assert_int_equal(uds_dec_routine(r, 3, 0x01, 0xFF00, &p, &len, &e), -ERR_PROTOCOL);
	n = hx("76 01", r, sizeof r);
	assert_int_equal(uds_dec_transfer_data(r, n, 0x01, &p, &len, &e), 0);
	assert_int_equal(len, 0);
	assert_int_equal(uds_dec_transfer_data(r, n, 0x02, &p, &len, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "TransferData reply names block sequence counter 01, "
				    "asked for 02");
	n = hx("76 05 AA BB", r, sizeof r);
	assert_int_equal(uds_dec_transfer_data(r, n, 0x05, &p, &len, &e), 0);
	assert_int_equal(len, 2);
	n = hx("77 12 34", r, sizeof r);
	assert_int_equal(uds_dec_transfer_exit(r, n, &p, &len, &e), 0);
	assert_int_equal(len, 2);
	assert_int_equal(uds_dec_transfer_exit(r, 1, &p, &len, &e), 0);
	assert_int_equal(len, 0);
}

/* maxNumberOfBlockLength: its width in the high nibble, then the value. */
static void test_dec_block_length(void **state)
{
	uint8_t r[32];
	size_t n, max = 0;
	struct error e;

	(void)state;
	n = hx("74 20 0F FA", r, sizeof r);
	assert_int_equal(uds_dec_request_download(r, n, &max, &e), 0);
	assert_int_equal(max, 0x0FFA); /* 4090 bytes per 0x36 request */
	n = hx("74 40 00 00 10 02", r, sizeof r);
	assert_int_equal(uds_dec_request_download(r, n, &max, &e), 0);
	assert_int_equal(max, 4098);
	n = hx("75 10 82", r, sizeof r);
	assert_int_equal(uds_dec_request_upload(r, n, &max, &e), 0);
	assert_int_equal(max, 0x82);
	n = hx("74 80 FF FF FF FF FF FF FF FF", r, sizeof r);
	assert_int_equal(uds_dec_request_download(r, n, &max, &e), 0);
	assert_int_equal(max, 0xFFFFFFFFu); /* clamped */
	n = hx("74 20 0F", r, sizeof r);
	assert_int_equal(uds_dec_request_download(r, n, &max, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "RequestDownload reply announces a 2-byte block length but "
				    "carries 1");
	n = hx("74 00 0F", r, sizeof r);
	assert_int_equal(uds_dec_request_download(r, n, &max, &e), -ERR_PROTOCOL);
	n = hx("74 10 02", r, sizeof r);
	assert_int_equal(uds_dec_request_download(r, n, &max, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "RequestDownload reply allows blocks of 2 bytes: no room for "
				    "data");
	n = hx("74 20", r, sizeof r);
	assert_int_equal(uds_dec_request_download(r, n, &max, &e), -ERR_PROTOCOL);
	n = hx("75 10 82", r, sizeof r);
	assert_int_equal(uds_dec_request_download(r, n, &max, &e), -ERR_PROTOCOL);
	n = hx("7F 34 70", r, sizeof r);
	assert_int_equal(uds_dec_request_download(r, n, &max, &e), -ERR_NEGATIVE);
	assert_int_equal(e.detail, 0x70);
}

/* --- The client over a scripted transport --- */

#define FAKE_MAX 24

/* A transport that plays an ECU's replies in order and records what the
 * client sent and how long it was willing to wait each time. */
struct fake {
	const char *replies[FAKE_MAX]; /* hex; "-" no reply; NULL end of script */
	int delays[FAKE_MAX];          /* ms the clock moves before each reply */
	size_t next;
	uint8_t sent[FAKE_MAX][300];
	size_t sent_len[FAKE_MAX];
	size_t nsent;
	int waits[FAKE_MAX];
	size_t nwaits;
	int64_t clock;
	bool can_send; /* offers sending without a reply */
	size_t quiet;  /* requests sent that way */
};

/* Records a request. */
static void fake_record(struct fake *f, const uint8_t *req, size_t n)
{
	assert_true(f->nsent < FAKE_MAX && n <= sizeof f->sent[0]);
	memcpy(f->sent[f->nsent], req, n);
	f->sent_len[f->nsent++] = n;
}

/* Plays the next reply, or a timeout that uses up the whole wait. */
static int fake_deliver(struct fake *f, int timeout_ms, struct isotp_msg *reply,
			struct error *e)
{
	const char *r = f->next < FAKE_MAX ? f->replies[f->next] : NULL;

	assert_true(f->nwaits < FAKE_MAX);
	f->waits[f->nwaits++] = timeout_ms;
	if (r == NULL || strcmp(r, "-") == 0) {
		f->clock += timeout_ms;
		if (r)
			f->next++;
		return error_set(e, ERR_TIMEOUT, "no reply from 7E8");
	}
	f->clock += f->delays[f->next++];
	reply->id = 0x7E8;
	reply->len = hx(r, reply->data, sizeof reply->data);
	return 0;
}

/* Transport request: record and answer. */
static int fake_request(void *ctx, const struct can_target *t, const uint8_t *req, size_t n,
			int timeout_ms, struct isotp_msg *reply, struct error *e)
{
	(void)t;
	fake_record(ctx, req, n);
	return fake_deliver(ctx, timeout_ms, reply, e);
}

/* Transport receive: the next reply. */
static int fake_receive(void *ctx, const struct can_target *t, int timeout_ms,
			struct isotp_msg *reply, struct error *e)
{
	(void)t;
	return fake_deliver(ctx, timeout_ms, reply, e);
}

/* Transport send without a reply, when the fake offers it. */
static int fake_send(void *ctx, const struct can_target *t, const uint8_t *req, size_t n,
		     struct error *e)
{
	struct fake *f = ctx;

	(void)t;
	if (!f->can_send)
		return error_set(e, ERR_UNSUPPORTED, "cannot send without a reply");
	fake_record(f, req, n);
	f->quiet++;
	return 0;
}

/* Transport clock. */
static int64_t fake_now(void *ctx)
{
	return ((struct fake *)ctx)->clock;
}

static const struct uds_transport fake_ops = { fake_request, fake_receive, fake_send, NULL,
					       fake_now };
static const struct uds_target ecu = { "engine", { 0x7E0, 0x7E8, false } };
static const struct uds_target bcm = { "body", { 0x70E, 0x778, false } };

/* A client over the fake with a 100 ms link margin. */
static struct uds *fake_client(struct fake *f)
{
	struct uds *u = uds_new_transport(&fake_ops, f);

	assert_non_null(u);
	uds_set_link_margin(u, 100);
	return u;
}

/* Fails unless request i of the fake was exactly the hex bytes. */
static void check_sent(const struct fake *f, size_t i, const char *want, int line)
{
	uint8_t w[80];
	size_t n = hx(want, w, sizeof w);

	if (i >= f->nsent || f->sent_len[i] != n || memcmp(f->sent[i], w, n) != 0)
		fail_msg("line %d: request %zu is not %s", line, i, want);
}
#define assert_sent(f, i, want) check_sent((f), (i), (want), __LINE__)

/* The session's P2/P2* are kept per target and time the next waits. */
static void test_client_session_timing(void **state)
{
	struct fake f = { .replies = { "50 03 00 19 01 F4", "7F 22 78", "62 F1 90 01" } };
	struct uds *u = fake_client(&f);
	struct uds_timing tm;
	uint8_t out[8];
	size_t len;
	struct error e;

	(void)state;
	uds_get_timing(u, &ecu, &tm);
	assert_int_equal(tm.session, UDS_SESSION_DEFAULT);
	assert_int_equal(tm.p2_ms, 50);
	assert_int_equal(uds_session(u, &ecu, UDS_SESSION_EXTENDED, &tm, &e), 0);
	assert_sent(&f, 0, "10 03");
	assert_int_equal(f.waits[0], 50 + 100); /* default P2 + margin */
	assert_int_equal(tm.p2_ms, 25);         /* 0x0019 */
	assert_int_equal(tm.p2star_ms, 5000);   /* 0x01F4 * 10 */
	uds_get_timing(u, &ecu, &tm);
	assert_int_equal(tm.session, UDS_SESSION_EXTENDED);
	assert_true(tm.has_timing);
	assert_int_equal(tm.p2_ms, 25);
	assert_int_equal(uds_read_did(u, &ecu, 0xF190, out, sizeof out, &len, &e), 0);
	assert_int_equal(f.waits[1], 25 + 100);   /* the session's P2 + margin */
	assert_int_equal(f.waits[2], 5000 + 100); /* after 0x78: P2* + margin */
	assert_int_equal(len, 1);
	assert_int_equal(uds_pending_count(u), 1);
	uds_get_timing(u, &bcm, &tm); /* another target keeps the defaults */
	assert_int_equal(tm.session, UDS_SESSION_DEFAULT);
	assert_false(tm.has_timing);
	assert_int_equal(tm.p2star_ms, 5000);
	uds_free(u);
}

/* 0x78 replies are waited out and counted; too many is a timeout. */
static void test_client_pending(void **state)
{
	struct fake f = { .replies = { "7F 31 78", "7F 31 78", "71 01 FF 00 00",
				       "7F 31 78", "7F 31 78", "71 01 FF 00 00" } };
	struct uds_opts o = { .max_pending = 1 };
	struct uds *u = fake_client(&f);
	uint8_t status[4];
	size_t len;
	struct error e;

	(void)state;
	assert_int_equal(uds_routine(u, &ecu, UDS_ROUTINE_START, 0xFF00, NULL, 0, NULL, status,
				     sizeof status, &len, &e), 0);
	assert_int_equal(uds_pending_count(u), 2);
	assert_int_equal(len, 1);
	assert_int_equal(status[0], 0x00);
	assert_int_equal(uds_routine(u, &ecu, UDS_ROUTINE_START, 0xFF00, NULL, 0, &o, status,
				     sizeof status, &len, &e), -ERR_TIMEOUT);
	assert_string_equal(e.text, "routine FF00: engine: RoutineControl still pending after 1 "
				    "replies");
	assert_int_equal(uds_pending_count(u), 4);
	uds_free(u);
}

/* The overall limit bounds every wait and ends a 0x78 storm. */
static void test_client_overall_limit(void **state)
{
	struct fake f = { .replies = { "7F 14 78", "7F 14 78", "7F 14 78", "54" },
			  .delays = { 10, 4000, 4000, 10 } };
	struct uds_opts o = { .timeout_ms = 6000 };
	struct uds *u = fake_client(&f);
	struct error e;

	(void)state;
	assert_int_equal(uds_clear_dtcs(u, &ecu, UDS_GROUP_ALL, &o, &e), -ERR_TIMEOUT);
	assert_sent(&f, 0, "14 FF FF FF");
	assert_int_equal(f.waits[0], 150);  /* P2 50 + margin 100 */
	assert_int_equal(f.waits[1], 5100); /* P2* 5000 + margin, 5990 left */
	assert_int_equal(f.waits[2], 1990); /* 6000 - 4010 elapsed */
	assert_int_equal(f.nwaits, 3);      /* at 8010 ms nothing is left to wait */
	assert_string_equal(e.text, "clearing DTCs: engine: ClearDiagnosticInformation gave no "
				    "final answer within the limit (3 pending replies)");
	uds_free(u);
}

/* A long operation passes with a long limit; the default would cut it. */
static void test_client_long_erase(void **state)
{
	struct fake f = { .replies = { "7F 31 78", "7F 31 78", "7F 31 78", "7F 31 78", "7F 31 78",
				       "71 01 FF 00 00" },
			  .delays = { 10, 4900, 4900, 4900, 4900, 4900 } };
	struct uds_opts o = { .timeout_ms = 60000 };
	struct uds *u = fake_client(&f);
	uint8_t status[4];
	size_t len;
	struct error e;

	(void)state;
	assert_int_equal(uds_routine(u, &ecu, UDS_ROUTINE_START, 0xFF00, (const uint8_t *)"\x44",
				     1, &o, status, sizeof status, &len, &e), 0);
	assert_sent(&f, 0, "31 01 FF 00 44");
	assert_int_equal(f.clock, 10 + 5 * 4900);
	f.next = 0;
	f.clock = 0;
	f.nwaits = 0;
	/* default limit: P2 + margin + 3 (P2* + margin) = 150 + 15300 = 15450 ms */
	assert_int_equal(uds_routine(u, &ecu, UDS_ROUTINE_START, 0xFF00, NULL, 0, NULL, status,
				     sizeof status, &len, &e), -ERR_TIMEOUT);
	assert_int_equal(f.waits[4], 15450 - (10 + 3 * 4900));
	uds_free(u);
}

/* A negative reply names the module, the service and the NRC. */
static void test_client_negative(void **state)
{
	struct fake f = { .replies = { "7F 22 31", "-", "62 F1 91 00" } };
	struct uds *u = fake_client(&f);
	uint8_t out[8];
	size_t len;
	struct error e;

	(void)state;
	assert_int_equal(uds_read_did(u, &ecu, 0xF190, out, sizeof out, &len, &e), -ERR_NEGATIVE);
	assert_int_equal(e.detail, 0x31);
	assert_string_equal(e.text, "reading DID F190: engine refused ReadDataByIdentifier (0x22): "
				    "requestOutOfRange (0x31)");
	assert_int_equal(uds_read_did(u, &ecu, 0xF190, out, sizeof out, &len, &e), -ERR_TIMEOUT);
	assert_string_equal(e.text, "reading DID F190: engine: ReadDataByIdentifier: no reply "
				    "from 7E8");
	assert_int_equal(uds_read_did(u, &ecu, 0xF190, out, sizeof out, &len, &e), -ERR_PROTOCOL);
	uds_free(u);
}

/* With suppress, no reply is success and a negative reply still fails. */
static void test_client_suppress(void **state)
{
	struct fake f = { .replies = { "-", "-", "7F 28 22", "7F 85 78", "C5 02" } };
	struct uds *u = fake_client(&f);
	struct error e;

	(void)state;
	assert_int_equal(uds_tester_present(u, &ecu, true, &e), 0);
	assert_sent(&f, 0, "3E 80");
	assert_int_equal(uds_comm_control(u, &ecu, UDS_COMM_DISABLE_RX_TX, UDS_COMM_NORMAL, true,
					  &e), 0);
	assert_sent(&f, 1, "28 83 01");
	assert_int_equal(uds_comm_control(u, &ecu, UDS_COMM_DISABLE_RX_TX, UDS_COMM_NORMAL, true,
					  &e), -ERR_NEGATIVE);
	assert_int_equal(e.detail, 0x22);
	/* a pending reply to a suppressed request ends in the positive one */
	assert_int_equal(uds_dtc_setting(u, &ecu, UDS_DTC_SETTING_OFF, true, &e), 0);
	assert_sent(&f, 3, "85 82");
	assert_int_equal(f.next, 5);
	uds_free(u);
}

/* Keep-alive: every 2 s per target in a non-default session; 3E 00 with
 * its reply until the transport can send 3E 80 without one. */
static void test_client_keepalive(void **state)
{
	struct fake f = { .replies = { "50 03 00 32 01 F4", "7E 00", "51 01" } };
	struct uds *u = fake_client(&f);
	struct error e;

	(void)state;
	assert_int_equal(uds_keepalive_due_ms(u, 0), -1);
	assert_int_equal(uds_session(u, &ecu, UDS_SESSION_EXTENDED, NULL, &e), 0);
	assert_int_equal(uds_keepalive_due_ms(u, 500), 1500);
	assert_int_equal(uds_keepalive(u, 1999, &e), 0);
	assert_int_equal(f.nsent, 1);
	assert_int_equal(uds_keepalive_due_ms(u, 2500), 0);
	f.clock = 2000;
	assert_int_equal(uds_keepalive(u, 2000, &e), 0);
	assert_int_equal(f.nsent, 2);
	assert_sent(&f, 1, "3E 00");
	assert_int_equal(uds_keepalive_due_ms(u, 2000), 2000);
	assert_int_equal(uds_keepalive(u, 3000, &e), 0); /* not due again yet */
	assert_int_equal(f.nsent, 2);
	f.can_send = true;
	f.clock = 4000;
	assert_int_equal(uds_keepalive(u, 4000, &e), 0);
	assert_int_equal(f.nsent, 3);
	assert_sent(&f, 2, "3E 80");
	assert_int_equal(f.quiet, 1);
	assert_int_equal(f.next, 2); /* no reply was consumed */
	assert_int_equal(uds_reset(u, &ecu, UDS_RESET_HARD, &e), 0);
	assert_sent(&f, 3, "11 01");
	assert_int_equal(uds_keepalive_due_ms(u, 9000), -1);
	assert_int_equal(uds_keepalive(u, 9000, &e), 0);
	assert_int_equal(f.nsent, 4);
	uds_free(u);
}

/* Keep-alive failures are reported and the other targets still served. */
static void test_client_keepalive_failure(void **state)
{
	struct fake f = { .replies = { "50 03", "50 02 00 32 01 F4", "-", "7E 00" } };
	struct uds *u = fake_client(&f);
	struct error e;

	(void)state;
	assert_int_equal(uds_session(u, &ecu, UDS_SESSION_EXTENDED, NULL, &e), 0);
	assert_int_equal(uds_session(u, &bcm, UDS_SESSION_PROGRAMMING, NULL, &e), 0);
	f.clock = 5000;
	assert_int_equal(uds_keepalive(u, 5000, &e), -ERR_TIMEOUT);
	assert_string_equal(e.text, "keeping the session open: engine: TesterPresent: no reply "
				    "from 7E8");
	assert_int_equal(f.nsent, 4);
	assert_sent(&f, 3, "3E 00");
	uds_free(u);
}

/* Key computed by XOR with 0xFF, as a script would. */
static int xor_key(void *arg, uint8_t level, const uint8_t *seed, size_t n, uint8_t *key,
		   size_t *keylen, struct error *e)
{
	size_t i;

	(void)e;
	*(int *)arg += level;
	if (n > *keylen)
		return error_set(e, ERR_SCRIPT, "seed too long");
	for (i = 0; i < n; i++)
		key[i] = seed[i] ^ 0xFF;
	*keylen = n;
	return 0;
}

/* A key function that fails. */
static int broken_key(void *arg, uint8_t level, const uint8_t *seed, size_t n, uint8_t *key,
		      size_t *keylen, struct error *e)
{
	(void)arg, (void)level, (void)seed, (void)n, (void)key, (void)keylen;
	return error_set(e, ERR_SCRIPT, "vag.lua:12: attempt to index a nil value");
}

/* Seed at the odd level, key at the even one; a zero seed means open. */
static void test_client_security(void **state)
{
	struct fake f = { .replies = { "67 11 11 22 33 44", "67 12", "67 11 00 00 00 00",
				       "67 01 AB", "7F 27 35", "67 01 AB" } };
	struct uds *u = fake_client(&f);
	bool open = true;
	int calls = 0;
	struct error e;

	(void)state;
	assert_int_equal(uds_security_access(u, &ecu, 0x11, xor_key, &calls, &open, &e), 0);
	assert_false(open);
	assert_int_equal(calls, 0x11);
	assert_sent(&f, 0, "27 11");
	assert_sent(&f, 1, "27 12 EE DD CC BB");
	assert_int_equal(uds_security_access(u, &ecu, 0x11, xor_key, &calls, &open, &e), 0);
	assert_true(open);
	assert_int_equal(f.nsent, 3);
	assert_int_equal(calls, 0x11);
	assert_int_equal(uds_security_access(u, &ecu, 0x01, xor_key, &calls, &open, &e),
			 -ERR_NEGATIVE);
	assert_int_equal(e.detail, 0x35);
	assert_sent(&f, 4, "27 02 54");
	assert_int_equal(uds_security_access(u, &ecu, 0x01, broken_key, NULL, NULL, &e),
			 -ERR_SCRIPT);
	assert_string_equal(e.text, "engine: computing the key for level 01: vag.lua:12: attempt "
				    "to index a nil value");
	assert_int_equal(f.nsent, 6);
	assert_int_equal(uds_security_access(u, &ecu, 0x02, xor_key, &calls, &open, &e), -ERR_ARG);
	assert_int_equal(f.nsent, 6);
	uds_free(u);
}

/* Download: block length from 0x74, counter 01.. wrapping FF -> 00. */
static void test_client_download(void **state)
{
	struct fake f = { .replies = { "74 20 01 02", "76 01", "76 FF", "76 00", "76 05", "77" } };
	const struct uds_mem m = { 0x00080000, 0x00001000, 4, 4 };
	struct uds *u = fake_client(&f);
	static uint8_t block[300];
	struct uds_transfer x;
	struct error e;

	(void)state;
	assert_int_equal(uds_request_download(u, &ecu, 0x00, &m, &x, &e), 0);
	assert_sent(&f, 0, "34 00 44 00 08 00 00 00 00 10 00");
	assert_int_equal(x.max_block, 0x102); /* 258: SID + counter + 256 data bytes */
	assert_int_equal(uds_transfer_chunk(&x), 256);
	assert_int_equal(x.seq, 0x01);
	memset(block, 0x5A, sizeof block);
	assert_int_equal(uds_transfer_data(u, &ecu, &x, block, 256, NULL, &e), 0);
	assert_int_equal(f.sent_len[1] > 0, 1);
	assert_int_equal(f.sent[1][0], 0x36);
	assert_int_equal(f.sent[1][1], 0x01);
	assert_int_equal(x.seq, 0x02);
	assert_int_equal(x.left, 0x1000 - 256);
	assert_int_equal(uds_transfer_data(u, &ecu, &x, block, 257, NULL, &e), -ERR_ARG);
	x.seq = 0xFF;
	assert_int_equal(uds_transfer_data(u, &ecu, &x, block, 4, NULL, &e), 0);
	assert_sent(&f, 2, "36 FF 5A 5A 5A 5A");
	assert_int_equal(x.seq, 0x00);
	assert_int_equal(uds_transfer_data(u, &ecu, &x, block, 1, NULL, &e), 0);
	assert_sent(&f, 3, "36 00 5A");
	assert_int_equal(x.seq, 0x01);
	assert_int_equal(uds_transfer_data(u, &ecu, &x, block, 1, NULL, &e), -ERR_PROTOCOL);
	assert_int_equal(x.seq, 0x01); /* a wrong echo does not advance */
	assert_int_equal(x.blocks, 3);
	assert_int_equal(uds_transfer_exit(u, &ecu, NULL, 0, NULL, 0, NULL, &e), 0);
	assert_sent(&f, 5, "37");
	uds_free(u);
}

/* The sent block is the counter plus the data, byte for byte. */
static void test_client_download_bytes(void **state)
{
	struct fake f = { .replies = { "74 10 08", "76 01" } };
	const struct uds_mem m = { 0x1000, 0x10, 0, 0 };
	struct uds *u = fake_client(&f);
	const uint8_t data[6] = { 1, 2, 3, 4, 5, 6 };
	struct uds_transfer x;
	struct error e;

	(void)state;
	assert_int_equal(uds_request_download(u, &ecu, 0x11, &m, &x, &e), 0);
	assert_sent(&f, 0, "34 11 12 10 00 10");
	assert_int_equal(uds_transfer_chunk(&x), 6);
	assert_int_equal(uds_transfer_data(u, &ecu, &x, data, 6, NULL, &e), 0);
	assert_sent(&f, 1, "36 01 01 02 03 04 05 06");
	uds_free(u);
}

/* Upload: blocks arrive with their counter; no more than announced. */
static void test_client_upload(void **state)
{
	struct fake f = { .replies = { "75 10 06", "76 01 AA BB CC DD", "76 02 EE FF",
				       "76 03 00", "77 12 34" } };
	const struct uds_mem m = { 0x2000, 6, 0, 0 };
	struct uds *u = fake_client(&f);
	uint8_t out[8], rec[4];
	struct uds_transfer x;
	size_t len;
	struct error e;

	(void)state;
	assert_int_equal(uds_request_upload(u, &ecu, 0x00, &m, &x, &e), 0);
	assert_sent(&f, 0, "35 00 12 20 00 06");
	assert_int_equal(uds_transfer_upload(u, &ecu, &x, out, sizeof out, &len, &e), 0);
	assert_sent(&f, 1, "36 01");
	assert_int_equal(len, 4);
	assert_memory_equal(out, "\xAA\xBB\xCC\xDD", 4);
	assert_int_equal(uds_transfer_upload(u, &ecu, &x, out, sizeof out, &len, &e), 0);
	assert_int_equal(len, 2);
	assert_int_equal(x.left, 0);
	assert_int_equal(uds_transfer_upload(u, &ecu, &x, out, sizeof out, &len, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "engine: upload block 03 of 1 bytes with 0 left");
	assert_int_equal(uds_transfer_exit(u, &ecu, NULL, 0, rec, sizeof rec, &len, &e), 0);
	assert_int_equal(len, 2);
	assert_memory_equal(rec, "\x12\x34", 2);
	uds_free(u);
}

/* Several DIDs in one request; memory reads of the asked size. */
static void test_client_reads(void **state)
{
	struct fake f = { .replies = { "62 F1 90 41 42 43 01 00 07", "63 DE AD", "63 DE" } };
	static const struct uds_len_map dids[3] = { { 0xF190, 3 }, { 0xF18C, 2 }, { 0x0100, 1 } };
	const struct uds_mem m = { 0x8000, 2, 0, 0 };
	static struct uds_dids_reply r;
	struct uds *u = fake_client(&f);
	uint8_t out[4];
	size_t len;
	struct error e;

	(void)state;
	assert_int_equal(uds_read_dids(u, &ecu, dids, 3, &r, &e), 0);
	assert_sent(&f, 0, "22 F1 90 F1 8C 01 00");
	assert_int_equal(r.count, 2);
	assert_int_equal(r.items[1].id, 0x0100);
	assert_int_equal(r.items[1].data[0], 0x07);
	assert_int_equal(uds_read_memory(u, &ecu, &m, out, sizeof out, &len, &e), 0);
	assert_sent(&f, 1, "23 12 80 00 02");
	assert_int_equal(len, 2);
	assert_memory_equal(out, "\xDE\xAD", 2);
	assert_int_equal(uds_read_memory(u, &ecu, &m, out, sizeof out, &len, &e), -ERR_PROTOCOL);
	uds_free(u);
}

/* DTC reads through the client. */
static void test_client_dtcs(void **state)
{
	struct fake f = { .replies = { "59 01 FF 01 00 02", "59 02 FF 01 43 1B 09 C1 55 00 2F",
				       "59 0A FF 01 43 1B 00",
				       "59 04 01 43 1B 09 01 01 F4 0D 64",
				       "59 06 01 43 1B 09 01 05" } };
	static const struct uds_len_map lens[1] = { { 0xF40D, 1 } };
	static struct uds_dtc_reply rep;
	struct uds *u = fake_client(&f);
	struct uds_dtc_count c;
	struct uds_dtc d[4];
	uint8_t avail;
	size_t count;
	struct error e;

	(void)state;
	assert_int_equal(uds_dtc_count(u, &ecu, 0xFF, &c, &e), 0);
	assert_sent(&f, 0, "19 01 FF");
	assert_int_equal(c.count, 2);
	assert_int_equal(uds_dtcs_by_mask(u, &ecu, 0x08, &avail, d, 4, &count, &e), 0);
	assert_sent(&f, 1, "19 02 08");
	assert_int_equal(count, 2);
	assert_int_equal(d[1].code, 0xC15500);
	assert_int_equal(uds_supported_dtcs(u, &ecu, &avail, d, 4, &count, &e), 0);
	assert_sent(&f, 2, "19 0A");
	assert_int_equal(count, 1);
	assert_int_equal(uds_dtc_snapshot(u, &ecu, 0x01431B, 0xFF, lens, 1, &rep, &e), 0);
	assert_sent(&f, 3, "19 04 01 43 1B FF");
	assert_int_equal(rep.rec.count, 1);
	assert_int_equal(rep.rec.items[0].data[0], 0x64);
	assert_int_equal(uds_dtc_ext_data(u, &ecu, 0x01431B, 0x01, NULL, 0, &rep, &e), 0);
	assert_sent(&f, 4, "19 06 01 43 1B 01");
	assert_int_equal(rep.rec.items[0].data[0], 0x05);
	uds_free(u);
}

/* Writes, resets and the other fixed-reply services through the client. */
static void test_client_fixed(void **state)
{
	struct fake f = { .replies = { "6E F1 98", "6E F1 99", "68 00", "C5 01", "7E 00",
				       "51 03" } };
	struct uds *u = fake_client(&f);
	struct error e;

	(void)state;
	assert_int_equal(uds_write_did(u, &ecu, 0xF198, (const uint8_t *)"\x01", 1, &e), 0);
	assert_sent(&f, 0, "2E F1 98 01");
	assert_int_equal(uds_write_did(u, &ecu, 0xF198, (const uint8_t *)"\x01", 1, &e),
			 -ERR_PROTOCOL);
	assert_int_equal(uds_comm_control(u, &ecu, 0x00, 0x03, false, &e), 0);
	assert_int_equal(uds_dtc_setting(u, &ecu, 0x01, false, &e), 0);
	assert_sent(&f, 3, "85 01");
	assert_int_equal(uds_tester_present(u, &ecu, false, &e), 0);
	assert_int_equal(uds_reset(u, &ecu, UDS_RESET_HARD, &e), -ERR_PROTOCOL);
	uds_free(u);
}

/* A transport without functional requests says so; empty requests are refused. */
static void test_client_functional(void **state)
{
	struct isotp_msg replies[2];
	struct fake f = { .replies = { NULL } };
	struct uds *u = fake_client(&f);
	size_t count = 7;
	struct error e;

	(void)state;
	assert_int_equal(uds_request_functional(u, 0x7DF, false, (const uint8_t *)"\x01\x00", 2,
						100, replies, 2, &count, &e), -ERR_UNSUPPORTED);
	assert_int_equal(count, 0);
	assert_int_equal(uds_request(u, &ecu, (const uint8_t *)"", 0, NULL, 0, &count, &e),
			 -ERR_ARG);
	uds_free(u);
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
		cmocka_unit_test(test_enc_simple_services),
		cmocka_unit_test(test_enc_read_dtc),
		cmocka_unit_test(test_enc_data),
		cmocka_unit_test(test_enc_security),
		cmocka_unit_test(test_enc_flash),
		cmocka_unit_test(test_block_counter),
		cmocka_unit_test(test_dec_session),
		cmocka_unit_test(test_dec_fixed),
		cmocka_unit_test(test_dec_dtc_lists),
		cmocka_unit_test(test_dec_snapshot),
		cmocka_unit_test(test_dec_ext_data),
		cmocka_unit_test(test_dec_read_dids),
		cmocka_unit_test(test_dec_data_replies),
		cmocka_unit_test(test_dec_block_length),
		cmocka_unit_test(test_client_session_timing),
		cmocka_unit_test(test_client_pending),
		cmocka_unit_test(test_client_overall_limit),
		cmocka_unit_test(test_client_long_erase),
		cmocka_unit_test(test_client_negative),
		cmocka_unit_test(test_client_suppress),
		cmocka_unit_test(test_client_keepalive),
		cmocka_unit_test(test_client_keepalive_failure),
		cmocka_unit_test(test_client_security),
		cmocka_unit_test(test_client_download),
		cmocka_unit_test(test_client_download_bytes),
		cmocka_unit_test(test_client_upload),
		cmocka_unit_test(test_client_reads),
		cmocka_unit_test(test_client_dtcs),
		cmocka_unit_test(test_client_fixed),
		cmocka_unit_test(test_client_functional),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
