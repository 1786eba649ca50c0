/* test_isotp.c: segmentation of long requests and flow-control decoding. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "isotp/isotp.h"

/* A 27-byte message becomes a first frame and three padded consecutive frames. */
static void test_segment_27(void **state)
{
	uint8_t msg[27], frames[8][8];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i + 1);
	n = isotp_segment(msg, sizeof msg, frames, 8);
	assert_int_equal(n, 4);
	assert_memory_equal(frames[0], "\x10\x1b\x01\x02\x03\x04\x05\x06", 8);
	assert_memory_equal(frames[1], "\x21\x07\x08\x09\x0a\x0b\x0c\x0d", 8);
	assert_memory_equal(frames[2], "\x22\x0e\x0f\x10\x11\x12\x13\x14", 8);
	assert_memory_equal(frames[3], "\x23\x15\x16\x17\x18\x19\x1a\x1b", 8);
}

/* Sequence numbers wrap F -> 0; the last frame is padded; 4095 bytes fit. */
static void test_segment_4095(void **state)
{
	static uint8_t msg[4095], frames[600][8];
	static struct isotp_rx rx;
	struct error e;
	size_t n, i;
	enum isotp_rx_result r = ISOTP_RX_MORE;

	(void)state;
	for (i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i * 7);
	n = isotp_segment(msg, sizeof msg, frames, 600);
	assert_int_equal(n, 1 + (4095 - 6 + 6) / 7);
	assert_int_equal(frames[0][0], 0x1F);
	assert_int_equal(frames[0][1], 0xFF);
	assert_int_equal(frames[15][0], 0x2F);
	assert_int_equal(frames[16][0], 0x20);
	isotp_rx_reset(&rx);
	for (i = 0; i < n; i++)
		r = isotp_rx_frame(&rx, frames[i], 8, &e);
	assert_int_equal(r, ISOTP_RX_DONE);
	assert_int_equal(rx.len, 4095);
	assert_memory_equal(rx.data, msg, 4095);
	assert_int_equal(frames[n - 1][7], ISOTP_PAD);
}

/* Messages that are not multi-frame, or too long, or too many frames: none. */
static void test_segment_limits(void **state)
{
	static uint8_t msg[4096], frames[4][8];

	(void)state;
	assert_int_equal(isotp_segment(msg, 7, frames, 4), 0);
	assert_int_equal(isotp_segment(msg, 4096, frames, 4), 0);
	assert_int_equal(isotp_segment(msg, 100, frames, 4), 0);
}

/* Flow control: clear to send, wait, overflow, and what is not FC. */
static void test_fc_decode(void **state)
{
	unsigned bs = 99, st = 99;

	(void)state;
	assert_int_equal(isotp_fc_decode((const uint8_t *)"\x30\x08\x14", 3, &bs, &st), 0);
	assert_int_equal(bs, 8);
	assert_int_equal(st, 20000);
	assert_int_equal(isotp_fc_decode((const uint8_t *)"\x31\x00\x00", 3, &bs, &st), 1);
	assert_int_equal(isotp_fc_decode((const uint8_t *)"\x32\x00\x00", 3, &bs, &st), 2);
	assert_int_equal(isotp_fc_decode((const uint8_t *)"\x33\x00\x00", 3, &bs, &st), -1);
	assert_int_equal(isotp_fc_decode((const uint8_t *)"\x21\x00\x00", 3, &bs, &st), -1);
	assert_int_equal(isotp_fc_decode((const uint8_t *)"\x30\x00", 2, &bs, &st), -1);
}

/* STmin: milliseconds up to 0x7F, 100..900 us for F1..F9, reserved = longest. */
static void test_stmin(void **state)
{
	(void)state;
	assert_int_equal(isotp_stmin_us(0x00), 0);
	assert_int_equal(isotp_stmin_us(0x7F), 127000);
	assert_int_equal(isotp_stmin_us(0xF1), 100);
	assert_int_equal(isotp_stmin_us(0xF9), 900);
	assert_int_equal(isotp_stmin_us(0x80), 127000);
	assert_int_equal(isotp_stmin_us(0xFA), 127000);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segment_27),     cmocka_unit_test(test_segment_4095),
		cmocka_unit_test(test_segment_limits), cmocka_unit_test(test_fc_decode),
		cmocka_unit_test(test_stmin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
