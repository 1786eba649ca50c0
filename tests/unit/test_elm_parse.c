/* test_elm_parse.c: unit tests of the ELM327/STN reply parser, fed with the
 * byte sequences real adapters and clones send. */
#include "config.h"
#include "adapter/elm_parse.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Length of a string literal, NUL bytes inside it included. */
#define LIT(s) (const uint8_t *)(s), (sizeof(s) - 1)

/* Formats: headers off; 11-bit headers; 29-bit headers. */
static const struct elm_format fmt_plain = { false, false };
static const struct elm_format fmt_h11 = { true, false };
static const struct elm_format fmt_h29 = { true, true };

/* Asserts frame i of r has the given ID, index and bytes. */
static void check_frame(const struct elm_reply *r, size_t i, uint32_t id, int index,
			const uint8_t *data, size_t len)
{
	assert_true(i < r->nframes);
	assert_int_equal(r->frames[i].id, id);
	assert_int_equal(r->frames[i].index, index);
	assert_int_equal(r->frames[i].len, len);
	assert_memory_equal(r->frames[i].data, data, len);
}

/* Parses a data reply given as a C string (no NULs inside). */
static void parse_str(const char *cmd, const char *raw, const struct elm_format *fmt,
		      struct elm_reply *r)
{
	elm_parse_data(cmd, (const uint8_t *)raw, strlen(raw), fmt, r);
}

/* Asserts r is garbage naming text and carries no frames. */
static void check_garbage(const struct elm_reply *r, const char *text)
{
	assert_int_equal(r->status, ELM_GARBAGE);
	assert_int_equal(r->nframes, 0);
	assert_int_equal(r->msg_len, -1);
	assert_string_equal(r->text, text);
}

/* The prompt is found past the last '>'; none gives 0. */
static void test_find_prompt(void **state)
{
	(void)state;
	assert_int_equal(elm_find_prompt(LIT("")), 0);
	assert_int_equal(elm_find_prompt(LIT("NO DATA\r\r")), 0);
	assert_int_equal(elm_find_prompt(LIT("OK\r\r>")), 5);
	assert_int_equal(elm_find_prompt(LIT(">OK\r\r>\r")), 6);
	assert_int_equal(elm_find_prompt(NULL, 4), 0);
}

/* Junk is removed in place and the count accumulates. */
static void test_strip_junk(void **state)
{
	uint8_t buf[] = { 0xFC, 'O', 0x00, 'K', 0xFF, '\r', 0x80, '>' };
	size_t dropped = 2;
	size_t n;

	(void)state;
	n = elm_strip_junk(buf, sizeof buf, &dropped);
	assert_int_equal(n, 4);
	assert_memory_equal(buf, "OK\r>", 4);
	assert_int_equal(dropped, 6);
	assert_int_equal(elm_strip_junk(buf, n, NULL), 4);
}

/* Every status word maps, ignoring case and surrounding spaces. */
static void test_status_of_line(void **state)
{
	int code = -1;

	(void)state;
	assert_int_equal(elm_status_of_line("OK", NULL), ELM_OK);
	assert_int_equal(elm_status_of_line("  ok  ", NULL), ELM_OK);
	assert_int_equal(elm_status_of_line("?", NULL), ELM_UNKNOWN_COMMAND);
	assert_int_equal(elm_status_of_line("No Data", NULL), ELM_NO_DATA);
	assert_int_equal(elm_status_of_line("CAN ERROR", NULL), ELM_CAN_ERROR);
	assert_int_equal(elm_status_of_line("BUFFER FULL", NULL), ELM_BUFFER_FULL);
	assert_int_equal(elm_status_of_line("BUS BUSY", NULL), ELM_BUS_BUSY);
	assert_int_equal(elm_status_of_line("BUS ERROR", NULL), ELM_BUS_ERROR);
	assert_int_equal(elm_status_of_line("DATA ERROR", NULL), ELM_DATA_ERROR);
	assert_int_equal(elm_status_of_line("<DATA ERROR", NULL), ELM_DATA_ERROR);
	assert_int_equal(elm_status_of_line("<RX ERROR", NULL), ELM_RX_ERROR);
	assert_int_equal(elm_status_of_line("STOPPED", NULL), ELM_STOPPED);
	assert_int_equal(elm_status_of_line("UNABLE TO CONNECT", NULL), ELM_UNABLE_TO_CONNECT);
	assert_int_equal(elm_status_of_line("LV RESET", NULL), ELM_LV_RESET);
	assert_int_equal(elm_status_of_line("ACT ALERT", NULL), ELM_ACT_ALERT);
	assert_int_equal(elm_status_of_line("LP ALERT", NULL), ELM_LP_ALERT);
	assert_int_equal(elm_status_of_line("FC RX TIMEOUT", NULL), ELM_FC_RX_TIMEOUT);
	assert_int_equal(elm_status_of_line("OUT OF MEMORY", NULL), ELM_OUT_OF_MEMORY);
	assert_int_equal(elm_status_of_line("UART RX OVERFLOW", NULL), ELM_UART_OVERFLOW);
	assert_int_equal(elm_status_of_line("BUS INIT: ...OK", NULL), ELM_OK);
	assert_int_equal(elm_status_of_line("BUS INIT: ...ERROR", NULL), ELM_BUS_INIT_ERROR);
	assert_int_equal(elm_status_of_line("BUS INIT: ERROR", NULL), ELM_BUS_INIT_ERROR);
	assert_int_equal(elm_status_of_line("BUS INIT: STOPPED", NULL), ELM_BUS_INIT_ERROR);
	assert_int_equal(elm_status_of_line("ERR94", &code), ELM_ERR_CODE);
	assert_int_equal(code, 94);
	assert_int_equal(elm_status_of_line("err9A", &code), ELM_ERR_CODE);
	assert_int_equal(code, 0x9A);
}

/* Near misses of status words are garbage and leave err_code alone. */
static void test_status_of_line_garbage(void **state)
{
	int code = 7;

	(void)state;
	assert_int_equal(elm_status_of_line("", &code), ELM_GARBAGE);
	assert_int_equal(elm_status_of_line(NULL, &code), ELM_GARBAGE);
	assert_int_equal(elm_status_of_line("OKAY", &code), ELM_GARBAGE);
	assert_int_equal(elm_status_of_line("NO  DATA", &code), ELM_GARBAGE);
	assert_int_equal(elm_status_of_line("NODATA", &code), ELM_GARBAGE);
	assert_int_equal(elm_status_of_line("??", &code), ELM_GARBAGE);
	assert_int_equal(elm_status_of_line("ERR9", &code), ELM_GARBAGE);
	assert_int_equal(elm_status_of_line("ERR945", &code), ELM_GARBAGE);
	assert_int_equal(elm_status_of_line("ERRXY", &code), ELM_GARBAGE);
	assert_int_equal(elm_status_of_line("SEARCHING...", &code), ELM_GARBAGE);
	assert_int_equal(elm_status_of_line("7E8 03 41 0D 00", &code), ELM_GARBAGE);
	assert_int_equal(code, 7);
}

/* Names use the adapter's words; errors are told from answers. */
static void test_status_name_and_error(void **state)
{
	(void)state;
	assert_string_equal(elm_status_name(ELM_NO_DATA), "NO DATA");
	assert_string_equal(elm_status_name(ELM_CAN_ERROR), "CAN ERROR");
	assert_string_equal(elm_status_name(ELM_UNKNOWN_COMMAND), "? (unknown command)");
	assert_string_equal(elm_status_name(ELM_GARBAGE), "unrecognised reply");
	assert_string_equal(elm_status_name(ELM_INCOMPLETE), "no prompt");
	assert_string_equal(elm_status_name(ELM_UART_OVERFLOW), "UART RX OVERFLOW");
	for (int st = ELM_OK; st <= ELM_INCOMPLETE; st++) {
		bool answer = st == ELM_OK || st == ELM_DATA || st == ELM_TEXT ||
			      st == ELM_EMPTY || st == ELM_NO_DATA;

		assert_non_null(elm_status_name((enum elm_status)st));
		assert_true(strlen(elm_status_name((enum elm_status)st)) > 0);
		assert_int_equal(elm_status_is_error((enum elm_status)st), !answer);
	}
}

/* ATS0 ATH1: a 20-byte VIN answer as three raw ISO-TP frames. */
static void test_h11_nospace_multiframe(void **state)
{
	static const uint8_t ff[] = { 0x10, 0x14, 0x62, 0xF1, 0x90, 0x57, 0x56, 0x5A };
	static const uint8_t cf1[] = { 0x21, 0x5A, 0x5A, 0x31, 0x4B, 0x5A, 0x44, 0x57 };
	static const uint8_t cf2[] = { 0x22, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30 };
	struct elm_reply r;

	(void)state;
	elm_parse_data("22F190", LIT("7E8101462F19057565A\r7E8215A5A314B5A4457\r7E82230303030303030\r\r>"),
		       &fmt_h11, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.nframes, 3);
	check_frame(&r, 0, 0x7E8, -1, ff, sizeof ff);
	check_frame(&r, 1, 0x7E8, -1, cf1, sizeof cf1);
	check_frame(&r, 2, 0x7E8, -1, cf2, sizeof cf2);
	assert_false(r.truncated);
	assert_false(r.searching);
	assert_int_equal(r.msg_len, -1);
	assert_int_equal(r.junk, 0);
	assert_string_equal(r.text, "");
}

/* ATE1 ATS1 ATH1: the echo is dropped, spaced bytes are read. */
static void test_h11_spaces_echo(void **state)
{
	static const uint8_t sf[] = { 0x03, 0x41, 0x0D, 0x32 };
	struct elm_reply r;

	(void)state;
	parse_str("010D", "010D\r7E8 03 41 0D 32 \r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, 0x7E8, -1, sf, sizeof sf);
}

/* The echo is matched ignoring case and spaces; only the first line. */
static void test_echo_matching(void **state)
{
	static const uint8_t sf[] = { 0x02, 0x7E, 0x00 };
	struct elm_reply r;

	(void)state;
	parse_str("3e 00", "3E00\r7E8 02 7E 00\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, 0x7E8, -1, sf, sizeof sf);
	/* Only the first line can be the echo: a repeat of it is data. */
	parse_str("027E00", "027E00\r027E00\r\r>", &fmt_plain, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, ELM_ID_NONE, -1, (const uint8_t *)"\x02\x7E\x00", 3);
	/* No command given: nothing is dropped. */
	parse_str(NULL, "41 0D 32\r\r>", &fmt_plain, &r);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, ELM_ID_NONE, -1, (const uint8_t *)"\x41\x0D\x32", 3);
}

/* 29-bit IDs, with spaces (four ID bytes) and without. */
static void test_h29_spaces_and_not(void **state)
{
	static const uint8_t nrc[] = { 0x03, 0x7F, 0x22, 0x78 };
	static const uint8_t pos[] = { 0x05, 0x62, 0xF1, 0x8C, 0x41, 0x42 };
	struct elm_reply r;

	(void)state;
	parse_str("22F18C", "18 DA F1 10 03 7F 22 78 \r18 DA F1 10 05 62 F1 8C 41 42 \r\r>", &fmt_h29, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.nframes, 2);
	check_frame(&r, 0, 0x18DAF110, -1, nrc, sizeof nrc);
	check_frame(&r, 1, 0x18DAF110, -1, pos, sizeof pos);
	parse_str("22F18C", "18DAF110037F2278\r18DAF1100562F18C4142\r\r>", &fmt_h29, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.nframes, 2);
	check_frame(&r, 0, 0x18DAF110, -1, nrc, sizeof nrc);
	check_frame(&r, 1, 0x18DAF110, -1, pos, sizeof pos);
}

/* A reply printed in another layout than the format says is garbage. */
static void test_format_mismatch(void **state)
{
	struct elm_reply r;

	(void)state;
	parse_str("22F18C", "18 DA F1 10 03 7F 22 78\r\r>", &fmt_h11, &r);
	check_garbage(&r, "18 DA F1 10 03 7F 22 78");
	parse_str("22F18C", "18DAF110037F2278\r\r>", &fmt_h11, &r);
	check_garbage(&r, "18DAF110037F2278");
	parse_str("010D", "7E8 03 41 0D 32\r\r>", &fmt_h29, &r);
	check_garbage(&r, "7E8 03 41 0D 32");
	parse_str("010D", "7E803410D32\r\r>", &fmt_h29, &r);
	check_garbage(&r, "7E803410D32");
	parse_str("010D", "7E8 03 41 0D 32\r\r>", &fmt_plain, &r);
	check_garbage(&r, "7E8 03 41 0D 32");
	parse_str("010D", "41 0D 32\r\r>", &fmt_h11, &r);
	check_garbage(&r, "41 0D 32");
	/* IDs out of range: an 11-bit ID above 7FF, a 29-bit one above 1FFFFFFF. */
	parse_str("010D", "8E8 03 41 0D 32\r\r>", &fmt_h11, &r);
	check_garbage(&r, "8E8 03 41 0D 32");
	parse_str("010D", "38 DA F1 10 03 41 0D 32\r\r>", &fmt_h29, &r);
	check_garbage(&r, "38 DA F1 10 03 41 0D 32");
}

/* Spaces inside a field (not between bytes) make a line garbage. */
static void test_misplaced_spaces(void **state)
{
	struct elm_reply r;

	(void)state;
	parse_str("010D", "7 E8 03 41 0D 32\r\r>", &fmt_h11, &r);
	check_garbage(&r, "7 E8 03 41 0D 32");
	parse_str("010D", "7E8 0 34 10D 32\r\r>", &fmt_h11, &r);
	check_garbage(&r, "7E8 0 34 10D 32");
	parse_str("010D", "4 10D 32\r\r>", &fmt_plain, &r);
	check_garbage(&r, "4 10D 32");
	/* ATD1 (DLC shown) is not a layout the parser accepts. */
	parse_str("010D", "7E8 4 03 41 0D 32\r\r>", &fmt_h11, &r);
	check_garbage(&r, "7E8 4 03 41 0D 32");
}

/* ATH0: bytes only, with and without spaces; IDs are ELM_ID_NONE. */
static void test_headers_off(void **state)
{
	static const uint8_t pids[] = { 0x41, 0x00, 0xBE, 0x3F, 0xA8, 0x13 };
	struct elm_reply r;

	(void)state;
	parse_str("0100", "41 00 BE 3F A8 13 \r\r>", &fmt_plain, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, ELM_ID_NONE, -1, pids, sizeof pids);
	assert_int_equal(r.msg_len, -1);
	parse_str("0100", "4100BE3FA813\r\r>", &fmt_plain, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, ELM_ID_NONE, -1, pids, sizeof pids);
	/* A NULL format means headers off. */
	parse_str("0100", "4100BE3FA813\r\r>", NULL, &r);
	assert_int_equal(r.status, ELM_DATA);
	check_frame(&r, 0, ELM_ID_NONE, -1, pids, sizeof pids);
}

/* ATL1: CR LF line ends; empty lines are skipped. */
static void test_linefeeds(void **state)
{
	static const uint8_t a[] = { 0x06, 0x41, 0x00, 0xBE, 0x3F, 0xA8, 0x13 };
	struct elm_reply r;

	(void)state;
	parse_str("0100", "0100\r\n7E8 06 41 00 BE 3F A8 13 \r\n\r\n>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, 0x7E8, -1, a, sizeof a);
	parse_str("0100", "\n\n7E8064100BE3FA813\n\n>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, 0x7E8, -1, a, sizeof a);
}

/* ATH0 multi-line: length line, then "N:" lines, with and without spaces. */
static void test_headerless_multiline(void **state)
{
	static const uint8_t l0[] = { 0x49, 0x02, 0x01, 0x31, 0x44, 0x34 };
	static const uint8_t l1[] = { 0x47, 0x50, 0x30, 0x30, 0x52, 0x35, 0x35 };
	static const uint8_t l2[] = { 0x42, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36 };
	struct elm_reply r;

	(void)state;
	parse_str("0902", "0902\r014\r0: 49 02 01 31 44 34 \r1: 47 50 30 30 52 35 35 \r"
		  "2: 42 31 32 33 34 35 36 \r\r>", &fmt_plain, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.msg_len, 0x14);
	assert_int_equal(r.nframes, 3);
	check_frame(&r, 0, ELM_ID_NONE, 0, l0, sizeof l0);
	check_frame(&r, 1, ELM_ID_NONE, 1, l1, sizeof l1);
	check_frame(&r, 2, ELM_ID_NONE, 2, l2, sizeof l2);
	parse_str("0902", "014\r0:490201314434\r1:47503030523535\r2:42313233343536\r\r>", &fmt_plain, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.msg_len, 20);
	assert_int_equal(r.nframes, 3);
	check_frame(&r, 0, ELM_ID_NONE, 0, l0, sizeof l0);
	check_frame(&r, 1, ELM_ID_NONE, 1, l1, sizeof l1);
	check_frame(&r, 2, ELM_ID_NONE, 2, l2, sizeof l2);
}

/* A response-pending frame may precede the length line; padding is allowed. */
static void test_headerless_pending_then_multiline(void **state)
{
	static const uint8_t pend[] = { 0x7F, 0x22, 0x78 };
	static const uint8_t l0[] = { 0x62, 0xF1, 0x90, 0x57, 0x56, 0x5A };
	static const uint8_t l1[] = { 0x5A, 0x5A, 0x31, 0x4B, 0x5A, 0xAA, 0xAA };
	struct elm_reply r;

	(void)state;
	parse_str("22F190", "7F2278\r00B\r0:62F19057565A\r1:5A5A314B5AAAAA\r\r>", &fmt_plain, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.msg_len, 11);
	assert_int_equal(r.nframes, 3);
	check_frame(&r, 0, ELM_ID_NONE, -1, pend, sizeof pend);
	check_frame(&r, 1, ELM_ID_NONE, 0, l0, sizeof l0);
	check_frame(&r, 2, ELM_ID_NONE, 1, l1, sizeof l1);
}

/* Lost or misplaced lines of a headerless multi-line reply are garbage. */
static void test_headerless_multiline_broken(void **state)
{
	struct elm_reply r;

	(void)state;
	/* Line 1 lost (a clone's UART overflowed). */
	parse_str("0902", "014\r0:490201314434\r2:42313233343536\r\r>", &fmt_plain, &r);
	check_garbage(&r, "2:42313233343536");
	/* Last line lost: too few bytes for the length. */
	parse_str("0902", "014\r0:490201314434\r1:47503030523535\r\r>", &fmt_plain, &r);
	check_garbage(&r, "multi-line length mismatch");
	/* One line more than the length needs. */
	parse_str("0902", "00A\r0:490201314434\r1:47503030523535\r2:42313233343536\r\r>", &fmt_plain, &r);
	check_garbage(&r, "multi-line length mismatch");
	/* A length line with nothing after it. */
	parse_str("0902", "014\r\r>", &fmt_plain, &r);
	check_garbage(&r, "multi-line length mismatch");
	/* "N:" lines without a length line. */
	parse_str("0902", "0:490201314434\r1:47503030523535\r\r>", &fmt_plain, &r);
	check_garbage(&r, "0:490201314434");
	/* A second length line. */
	parse_str("0902", "014\r0:490201314434\r008\r\r>", &fmt_plain, &r);
	check_garbage(&r, "008");
	/* A length below 8 is no ISO-TP first frame. */
	parse_str("0902", "005\r0:4902013144\r\r>", &fmt_plain, &r);
	check_garbage(&r, "005");
	/* An "N:" line of 8 bytes. */
	parse_str("0902", "014\r0:4902013144343536\r\r>", &fmt_plain, &r);
	check_garbage(&r, "0:4902013144343536");
	/* An empty "N:" line. */
	parse_str("0902", "014\r0:\r\r>", &fmt_plain, &r);
	check_garbage(&r, "0:");
	/* "N:" lines are not valid with headers on. */
	parse_str("0902", "0: 49 02 01 31 44 34\r\r>", &fmt_h11, &r);
	check_garbage(&r, "0: 49 02 01 31 44 34");
}

/* Two ECUs answer one functional request: both IDs are kept in order. */
static void test_several_ecus(void **state)
{
	static const uint8_t ecm[] = { 0x06, 0x41, 0x00, 0xBE, 0x3F, 0xA8, 0x13 };
	static const uint8_t tcm[] = { 0x06, 0x41, 0x00, 0x98, 0x18, 0x80, 0x01 };
	struct elm_reply r;

	(void)state;
	parse_str("0100", "7E8 06 41 00 BE 3F A8 13 \r7E9 06 41 00 98 18 80 01 \r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.nframes, 2);
	check_frame(&r, 0, 0x7E8, -1, ecm, sizeof ecm);
	check_frame(&r, 1, 0x7E9, -1, tcm, sizeof tcm);
}

/* No prompt: INCOMPLETE, what arrived is still parsed. */
static void test_missing_prompt(void **state)
{
	static const uint8_t sf[] = { 0x03, 0x41, 0x0D, 0x32 };
	struct elm_reply r;

	(void)state;
	parse_str("010D", "7E8 03 41 0D 32 \r", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_INCOMPLETE);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, 0x7E8, -1, sf, sizeof sf);
	assert_true(elm_status_is_error(r.status));
	parse_str("010D", "", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_INCOMPLETE);
	assert_int_equal(r.nframes, 0);
	elm_parse_data("010D", NULL, 10, &fmt_h11, &r);
	assert_int_equal(r.status, ELM_INCOMPLETE);
	assert_int_equal(r.nframes, 0);
}

/* A stale prompt (and the stale reply before it) is ignored. */
static void test_stale_prompt(void **state)
{
	static const uint8_t sf[] = { 0x03, 0x41, 0x0D, 0x32 };
	struct elm_reply r;

	(void)state;
	parse_str("010D", "NO DATA\r\r>010D\r7E8 03 41 0D 32 \r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, 0x7E8, -1, sf, sizeof sf);
	parse_str("010D", ">7E8 03 41 0D 32 \r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_DATA);
	check_frame(&r, 0, 0x7E8, -1, sf, sizeof sf);
	/* Two stale prompts, and text after the last prompt. */
	parse_str("010D", "OK\r\r>>7E8 03 41 0D 32\r\r>HELLO", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, 0x7E8, -1, sf, sizeof sf);
	/* The stale prompt is the only one before the real reply's: empty. */
	parse_str("010D", "7E8 03 41 0D 32\r\r>>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_EMPTY);
	assert_int_equal(r.nframes, 0);
}

/* Nothing but the prompt (and maybe the echo) is an empty reply. */
static void test_empty(void **state)
{
	struct elm_reply r;

	(void)state;
	parse_str("010D", ">", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_EMPTY);
	assert_int_equal(r.nframes, 0);
	assert_string_equal(r.text, "");
	parse_str("010D", "010D\r\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_EMPTY);
	assert_false(elm_status_is_error(r.status));
}

/* Plain status replies to a data request. */
static void test_plain_statuses(void **state)
{
	struct elm_reply r;

	(void)state;
	parse_str("010D", "010D\rNO DATA\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_NO_DATA);
	assert_string_equal(r.text, "NO DATA");
	assert_int_equal(r.nframes, 0);
	parse_str("01 0D 00 00 00 00 00 00 00", "?\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_UNKNOWN_COMMAND);
	assert_string_equal(r.text, "?");
	parse_str("010D", "OK\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_OK);
	parse_str("010D", "CAN ERROR\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_CAN_ERROR);
	assert_string_equal(r.text, "CAN ERROR");
	parse_str("010D", "STOPPED\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_STOPPED);
	parse_str("010D", "<RX ERROR\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_RX_ERROR);
	assert_string_equal(r.text, "<RX ERROR");
	parse_str("STPX", "FC RX TIMEOUT\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_FC_RX_TIMEOUT);
	parse_str("010D", "lv reset\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_LV_RESET);
	assert_string_equal(r.text, "lv reset");
}

/* A status after frames: the frames are kept, the first status wins and
 * later lines are not interpreted. */
static void test_status_after_frames(void **state)
{
	static const uint8_t ff[] = { 0x10, 0x14, 0x62, 0xF1, 0x90, 0x57, 0x56, 0x5A };
	struct elm_reply r;

	(void)state;
	parse_str("22F190", "7E8 10 14 62 F1 90 57 56 5A\rCAN ERROR\rBUS BUSY\r7E8 21\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_CAN_ERROR);
	assert_string_equal(r.text, "CAN ERROR");
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, 0x7E8, -1, ff, sizeof ff);
	assert_false(r.truncated);
	/* A status line after a garbage line does not rescue the reply. */
	parse_str("22F190", "7E8 10 14 62 F1 90 57 56 5A\rHELLO\rNO DATA\r\r>", &fmt_h11, &r);
	check_garbage(&r, "HELLO");
}

/* BUFFER FULL glued to a frame: the whole bytes before it are kept. */
static void test_buffer_full_glued(void **state)
{
	static const uint8_t cf[] = { 0x21, 0x47, 0x50, 0x30 };
	static const uint8_t cut[] = { 0x21, 0x47, 0x50 };
	struct elm_reply r;

	(void)state;
	parse_str("22F190", "7E8 21 47 50 30BUFFER FULL\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_BUFFER_FULL);
	assert_true(r.truncated);
	assert_string_equal(r.text, "7E8 21 47 50 30BUFFER FULL");
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, 0x7E8, -1, cf, sizeof cf);
	/* ATS0: the 'B' must not be read as a hex digit of the half byte "3". */
	parse_str("22F190", "7E82147503BUFFER FULL\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_BUFFER_FULL);
	assert_true(r.truncated);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, 0x7E8, -1, cut, sizeof cut);
	/* Spaces on, a half byte before the status. */
	parse_str("22F190", "7E8 21 47 50 3BUFFER FULL\r\r>", &fmt_h11, &r);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, 0x7E8, -1, cut, sizeof cut);
}

/* A glued status with too little before it for a frame keeps no frame;
 * non-hex text before it is garbage. */
static void test_glued_status_edges(void **state)
{
	static const uint8_t ff[] = { 0x10, 0x14, 0x62, 0xF1, 0x90, 0x57, 0x56, 0x5A };
	static const uint8_t one[] = { 0x57 };
	struct elm_reply r;

	(void)state;
	parse_str("22F190", "7E8 10 14 62 F1 90 57 56 5A\r7E8 2BUFFER FULL\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_BUFFER_FULL);
	assert_true(r.truncated);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, 0x7E8, -1, ff, sizeof ff);
	parse_str("22F190", "7EBUFFER FULL\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_BUFFER_FULL);
	assert_int_equal(r.nframes, 0);
	parse_str("22F190", "HELLOBUFFER FULL\r\r>", &fmt_h11, &r);
	check_garbage(&r, "HELLOBUFFER FULL");
	parse_str("22F190", "7E8 21 47 50 30 31 32 33 34 35BUFFER FULL\r\r>", &fmt_h11, &r);
	check_garbage(&r, "7E8 21 47 50 30 31 32 33 34 35BUFFER FULL");
	/* Headerless, glued to an "N:" line. */
	parse_str("0902", "014\r0:490201314434\r1:575BUFFER FULL\r\r>", &fmt_plain, &r);
	assert_int_equal(r.status, ELM_BUFFER_FULL);
	assert_int_equal(r.msg_len, 20);
	assert_int_equal(r.nframes, 2);
	check_frame(&r, 1, ELM_ID_NONE, 1, one, sizeof one);
}

/* <RX ERROR and <DATA ERROR appended to a frame; STOPPED cutting a line. */
static void test_error_glued(void **state)
{
	static const uint8_t sf[] = { 0x03, 0x41, 0x0D, 0x32 };
	struct elm_reply r;

	(void)state;
	parse_str("010D", "7E8 03 41 0D 32 <RX ERROR\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_RX_ERROR);
	assert_true(r.truncated);
	assert_string_equal(r.text, "7E8 03 41 0D 32 <RX ERROR");
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, 0x7E8, -1, sf, sizeof sf);
	parse_str("010D", "7E803410D32<DATA ERROR\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_DATA_ERROR);
	assert_true(r.truncated);
	check_frame(&r, 0, 0x7E8, -1, sf, sizeof sf);
	parse_str("010D", "7E8 03 41 0D 32STOPPED\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_STOPPED);
	check_frame(&r, 0, 0x7E8, -1, sf, sizeof sf);
}

/* ERR94 (fatal CAN error) stores its code. */
static void test_err94(void **state)
{
	struct elm_reply r;

	(void)state;
	parse_str("010D", "010D\rERR94\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_ERR_CODE);
	assert_int_equal(r.err_code, 94);
	assert_string_equal(r.text, "ERR94");
	assert_true(elm_status_is_error(r.status));
	parse_str("010D", "NO DATA\r\r>", &fmt_h11, &r);
	assert_int_equal(r.err_code, 0);
}

/* SEARCHING... before data after ATSP0; glued to UNABLE TO CONNECT. */
static void test_searching(void **state)
{
	static const uint8_t a[] = { 0x41, 0x00, 0xBE, 0x3F, 0xA8, 0x13 };
	struct elm_reply r;

	(void)state;
	parse_str("0100", "0100\rSEARCHING...\r41 00 BE 3F A8 13 \r\r>", &fmt_plain, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_true(r.searching);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, ELM_ID_NONE, -1, a, sizeof a);
	parse_str("0100", "SEARCHING...UNABLE TO CONNECT\r\r>", &fmt_plain, &r);
	assert_int_equal(r.status, ELM_UNABLE_TO_CONNECT);
	assert_true(r.searching);
	assert_string_equal(r.text, "UNABLE TO CONNECT");
	parse_str("0100", "SEARCHING...\r\r>", &fmt_plain, &r);
	assert_int_equal(r.status, ELM_EMPTY);
	assert_true(r.searching);
}

/* BUS INIT: ...OK is no error; any other BUS INIT line is. */
static void test_bus_init(void **state)
{
	static const uint8_t a[] = { 0x41, 0x00, 0xBE, 0x3F, 0xA8, 0x13 };
	struct elm_reply r;

	(void)state;
	parse_str("0100", "BUS INIT: ...OK\r41 00 BE 3F A8 13 \r\r>", &fmt_plain, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, ELM_ID_NONE, -1, a, sizeof a);
	parse_str("0100", "SEARCHING...\rBUS INIT: ...ERROR\r\r>", &fmt_plain, &r);
	assert_int_equal(r.status, ELM_BUS_INIT_ERROR);
	assert_string_equal(r.text, "BUS INIT: ...ERROR");
	assert_true(r.searching);
	parse_str("0100", "BUS INIT: STOPPED\r\r>", &fmt_plain, &r);
	assert_int_equal(r.status, ELM_BUS_INIT_ERROR);
	assert_string_equal(r.text, "BUS INIT: STOPPED");
}

/* Junk bytes (0xFC after ATZ, NULs, 0xFF) are dropped and counted. */
static void test_junk_bytes(void **state)
{
	static const uint8_t sf[] = { 0x03, 0x41, 0x0D, 0x32 };
	struct elm_reply r;

	(void)state;
	elm_parse_data("010D", LIT("\xFC\x00\x00" "010D\r7E8 03\x00 41 0D\xFF 32\r\r\x00>"), &fmt_h11, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.junk, 6);
	assert_int_equal(r.nframes, 1);
	check_frame(&r, 0, 0x7E8, -1, sf, sizeof sf);
	/* Junk before a stale prompt is counted too. */
	elm_parse_data("010D", LIT("\xFC\xFC>\x80NO DATA\r\r>"), &fmt_h11, &r);
	assert_int_equal(r.status, ELM_NO_DATA);
	assert_int_equal(r.junk, 3);
}

/* Text that is neither data nor a status is garbage, never data. */
static void test_garbage_text(void **state)
{
	struct elm_reply r;

	(void)state;
	parse_str("010D", "HELLO WORLD\r\r>", &fmt_h11, &r);
	check_garbage(&r, "HELLO WORLD");
	assert_true(elm_status_is_error(r.status));
	parse_str("010D", "7E8 1G 22\r\r>", &fmt_h11, &r);
	check_garbage(&r, "7E8 1G 22");
	/* Garbage after good frames throws them away too. */
	parse_str("010D", "7E8 03 41 0D 32\r7E9 03 41 0D ZZ\r\r>", &fmt_h11, &r);
	check_garbage(&r, "7E9 03 41 0D ZZ");
	/* A reset banner instead of data. */
	parse_str("010D", "ELM327 v1.5\r\r>", &fmt_plain, &r);
	check_garbage(&r, "ELM327 v1.5");
	/* Control characters are not stripped: they spoil the line. */
	parse_str("010D", "41 0D\x01 32\r\r>", &fmt_plain, &r);
	check_garbage(&r, "41 0D\x01 32");
}

/* Odd digit counts are garbage, with headers and without. */
static void test_odd_digits(void **state)
{
	struct elm_reply r;

	(void)state;
	parse_str("010D", "7E803410D3\r\r>", &fmt_h11, &r);
	check_garbage(&r, "7E803410D3");
	parse_str("010D", "410D3\r\r>", &fmt_plain, &r);
	check_garbage(&r, "410D3");
	parse_str("010D", "41 0D 3\r\r>", &fmt_plain, &r);
	check_garbage(&r, "41 0D 3");
	/* One digit lost from the last consecutive frame (3 + 15 digits). */
	parse_str("22F190", "7E8101462F19057565A\r7E8215A5A5A314B5A\r7E8224457303030303\r\r>", &fmt_h11, &r);
	check_garbage(&r, "7E8224457303030303");
	parse_str("010D", "18DAF1100341\r18DAF110034\r\r>", &fmt_h29, &r);
	check_garbage(&r, "18DAF110034");
}

/* Frames of 0 or more than 8 data bytes are rejected. */
static void test_frame_sizes(void **state)
{
	static const uint8_t eight[] = { 0x10, 0x14, 0x62, 0xF1, 0x90, 0x57, 0x56, 0x5A };
	struct elm_reply r;

	(void)state;
	parse_str("22F190", "7E8 10 14 62 F1 90 57 56 5A\r\r>", &fmt_h11, &r);
	assert_int_equal(r.status, ELM_DATA);
	check_frame(&r, 0, 0x7E8, -1, eight, sizeof eight);
	parse_str("22F190", "7E8 10 14 62 F1 90 57 56 5A 5A\r\r>", &fmt_h11, &r);
	check_garbage(&r, "7E8 10 14 62 F1 90 57 56 5A 5A");
	parse_str("22F190", "7E81014 62F19057565A5A\r\r>", &fmt_h11, &r);
	check_garbage(&r, "7E81014 62F19057565A5A");
	parse_str("22F190", "18DAF110101462F19057565A5A\r\r>", &fmt_h29, &r);
	check_garbage(&r, "18DAF110101462F19057565A5A");
	parse_str("22F190", "10 14 62 F1 90 57 56 5A 5A\r\r>", &fmt_plain, &r);
	check_garbage(&r, "10 14 62 F1 90 57 56 5A 5A");
	parse_str("22F190", "7E8\r\r>", &fmt_h11, &r);
	check_garbage(&r, "7E8");
	parse_str("22F190", "18 DA F1 10\r\r>", &fmt_h29, &r);
	check_garbage(&r, "18 DA F1 10");
}

/* Overlong lines, more than ELM_MAX_FRAMES frames and megabytes of junk
 * are handled without overflow. */
static void test_too_long_input(void **state)
{
	static const char frame[] = "7E8 03 41 0D 32\r";
	static const uint8_t sf[] = { 0x03, 0x41, 0x0D, 0x32 };
	size_t fl = sizeof frame - 1, nf = ELM_MAX_FRAMES + 5, n = 1 << 20;
	uint8_t *buf = malloc(n + nf * fl + 2);
	struct elm_reply r;

	(void)state;
	assert_non_null(buf);
	memset(buf, 'A', n);
	buf[n] = '>';
	elm_parse_data("010D", buf, n + 1, &fmt_h11, &r);
	check_garbage(&r, "line too long");
	for (size_t i = 0; i < nf; i++)
		memcpy(buf + i * fl, frame, fl);
	buf[nf * fl] = '>';
	elm_parse_data("010D", buf, nf * fl + 1, &fmt_h11, &r);
	check_garbage(&r, "too many frames");
	elm_parse_data("010D", buf, ELM_MAX_FRAMES * fl, &fmt_h11, &r);
	assert_int_equal(r.status, ELM_INCOMPLETE);
	assert_int_equal(r.nframes, ELM_MAX_FRAMES);
	check_frame(&r, ELM_MAX_FRAMES - 1, 0x7E8, -1, sf, sizeof sf);
	memset(buf, 0xFF, n);
	memcpy(buf + n, frame, fl);
	buf[n + fl] = '>';
	elm_parse_data("010D", buf, n + fl + 1, &fmt_h11, &r);
	assert_int_equal(r.status, ELM_DATA);
	assert_int_equal(r.junk, n);
	check_frame(&r, 0, 0x7E8, -1, sf, sizeof sf);
	free(buf);
}

/* ATI with echo: the version string is the text. */
static void test_text_version(void **state)
{
	struct elm_reply r;

	(void)state;
	elm_parse_text("ATI", LIT("ATI\rELM327 v2.2\r\r>"), &r);
	assert_int_equal(r.status, ELM_TEXT);
	assert_string_equal(r.text, "ELM327 v2.2");
	assert_int_equal(r.nframes, 0);
	/* ATZ on a clone: 0xFC junk, blank lines, echo. */
	elm_parse_text("ATZ", LIT("\xFC" "ATZ\r\r\rELM327 v1.5\r\r>"), &r);
	assert_int_equal(r.status, ELM_TEXT);
	assert_string_equal(r.text, "ELM327 v1.5");
	assert_int_equal(r.junk, 1);
}

/* ATRV: the voltage as text, CR LF line ends. */
static void test_text_voltage(void **state)
{
	struct elm_reply r;

	(void)state;
	elm_parse_text("ATRV", LIT("12.6V\r\n\r\n>"), &r);
	assert_int_equal(r.status, ELM_TEXT);
	assert_string_equal(r.text, "12.6V");
	assert_false(elm_status_is_error(r.status));
}

/* Several text lines are joined by '\n'; a status among them is text. */
static void test_text_multiline(void **state)
{
	struct elm_reply r;

	(void)state;
	elm_parse_text("AT@1", LIT("AT@1\rOBDII to RS232\r  Interpreter \r\r>"), &r);
	assert_int_equal(r.status, ELM_TEXT);
	assert_string_equal(r.text, "OBDII to RS232\nInterpreter");
	elm_parse_text("ATZ", LIT("OK\rELM327 v1.5\r\r>"), &r);
	assert_int_equal(r.status, ELM_TEXT);
	assert_string_equal(r.text, "OK\nELM327 v1.5");
}

/* A lone status line answers an AT command with that status. */
static void test_text_status(void **state)
{
	struct elm_reply r;

	(void)state;
	elm_parse_text("ATE0", LIT("ATE0\rOK\r\r>"), &r);
	assert_int_equal(r.status, ELM_OK);
	assert_string_equal(r.text, "OK");
	elm_parse_text("ATFC SH 7E0", LIT("?\r\r>"), &r);
	assert_int_equal(r.status, ELM_UNKNOWN_COMMAND);
	elm_parse_text("ATMA", LIT("STOPPED\r\r>"), &r);
	assert_int_equal(r.status, ELM_STOPPED);
	elm_parse_text("ATFI", LIT("BUS INIT: ...OK\r\r>"), &r);
	assert_int_equal(r.status, ELM_OK);
	elm_parse_text("ATSP6", LIT("ERR94\r\r>"), &r);
	assert_int_equal(r.status, ELM_ERR_CODE);
	assert_int_equal(r.err_code, 94);
}

/* Text edge cases: empty, echo only, no prompt, stale prompt, overflow. */
static void test_text_edges(void **state)
{
	char big[3 * ELM_TEXT_MAX];
	struct elm_reply r;

	(void)state;
	elm_parse_text("ATE0", LIT(">"), &r);
	assert_int_equal(r.status, ELM_EMPTY);
	assert_string_equal(r.text, "");
	elm_parse_text("atrv", LIT("AT RV\r\r>"), &r);
	assert_int_equal(r.status, ELM_EMPTY);
	elm_parse_text("ATBRD 23", LIT("OK\r"), &r);
	assert_int_equal(r.status, ELM_INCOMPLETE);
	assert_string_equal(r.text, "OK");
	elm_parse_text("ATRV", LIT("OK\r\r>ATRV\r12.4V\r\r>"), &r);
	assert_int_equal(r.status, ELM_TEXT);
	assert_string_equal(r.text, "12.4V");
	memset(big, 'x', sizeof big - 2);
	big[sizeof big - 2] = '>';
	big[sizeof big - 1] = '\0';
	elm_parse_text("STDI", (const uint8_t *)big, strlen(big), &r);
	assert_int_equal(r.status, ELM_TEXT);
	assert_int_equal(strlen(r.text), ELM_TEXT_MAX - 1);
	assert_int_equal(r.text[0], 'x');
	elm_parse_text("STDI", (const uint8_t *)"x>", 2, NULL);
}

/* Runs every test in one group (one TAP plan). */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_prompt),
		cmocka_unit_test(test_strip_junk),
		cmocka_unit_test(test_status_of_line),
		cmocka_unit_test(test_status_of_line_garbage),
		cmocka_unit_test(test_status_name_and_error),
		cmocka_unit_test(test_h11_nospace_multiframe),
		cmocka_unit_test(test_h11_spaces_echo),
		cmocka_unit_test(test_echo_matching),
		cmocka_unit_test(test_h29_spaces_and_not),
		cmocka_unit_test(test_format_mismatch),
		cmocka_unit_test(test_misplaced_spaces),
		cmocka_unit_test(test_headers_off),
		cmocka_unit_test(test_linefeeds),
		cmocka_unit_test(test_headerless_multiline),
		cmocka_unit_test(test_headerless_pending_then_multiline),
		cmocka_unit_test(test_headerless_multiline_broken),
		cmocka_unit_test(test_several_ecus),
		cmocka_unit_test(test_missing_prompt),
		cmocka_unit_test(test_stale_prompt),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_plain_statuses),
		cmocka_unit_test(test_status_after_frames),
		cmocka_unit_test(test_buffer_full_glued),
		cmocka_unit_test(test_glued_status_edges),
		cmocka_unit_test(test_error_glued),
		cmocka_unit_test(test_err94),
		cmocka_unit_test(test_searching),
		cmocka_unit_test(test_bus_init),
		cmocka_unit_test(test_junk_bytes),
		cmocka_unit_test(test_garbage_text),
		cmocka_unit_test(test_odd_digits),
		cmocka_unit_test(test_frame_sizes),
		cmocka_unit_test(test_too_long_input),
		cmocka_unit_test(test_text_version),
		cmocka_unit_test(test_text_voltage),
		cmocka_unit_test(test_text_multiline),
		cmocka_unit_test(test_text_status),
		cmocka_unit_test(test_text_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
