/* test_limits.c: limits on what outside input can make the console do:
 * draining a talking adapter stops at a cap, the transcript tap sees only
 * bytes that were really written, and a storm of response-pending replies
 * inside one adapter reply never pushes out the answer behind it. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "adapter/adapter.h"
#include "isotp/isotp.h"
#include "link/link.h"
#include "sim/sim.h"

/* Counts the bytes a tap saw in each direction. */
struct tap_count {
	size_t tx, rx;
};

/* Link tap that counts bytes. */
static void count_tap(void *arg, enum link_dir dir, const uint8_t *data, size_t n)
{
	struct tap_count *c = arg;

	(void)data;
	if (dir == LINK_TX)
		c->tx += n;
	else
		c->rx += n;
}

/* A drain discards at most LINK_DRAIN_MAX bytes, however many wait. */
static void test_drain_cap(void **state)
{
	static uint8_t chunk[4096];
	struct link *a, *b;
	struct error e;
	size_t sent = 0;
	long first, second;

	(void)state;
	assert_int_equal(link_pair(&a, &b, "limits", &e), 0);
	memset(chunk, 'A', sizeof chunk);
	while (sent < LINK_DRAIN_MAX + 8192 && link_write(b, chunk, sizeof chunk, 200, &e) == 0)
		sent += sizeof chunk;
	assert_true(sent > LINK_DRAIN_MAX);
	first = link_drain(a);
	assert_true(first >= LINK_DRAIN_MAX && first < LINK_DRAIN_MAX + 256);
	second = link_drain(a);
	assert_int_equal((size_t)(first + second), sent);
	link_close(a);
	link_close(b);
}

/* A write that fails (the other end is gone) is not in the transcript. */
static void test_tap_sees_written_bytes(void **state)
{
	struct tap_count c = { 0, 0 };
	struct link *a, *b;
	struct error e;

	(void)state;
	assert_int_equal(link_pair(&a, &b, "limits", &e), 0);
	link_set_tap(a, count_tap, &c);
	assert_int_equal(link_write(a, "ATZ\r", 4, 200, &e), 0);
	assert_int_equal(c.tx, 4);
	link_close(b);
	assert_true(link_write(a, "0100\r", 5, 200, &e) < 0);
	assert_int_equal(e.kind, ERR_EOF);
	assert_int_equal(c.tx, 4);
	link_close(a);
}

/* Twenty 0x78 replies and the answer arrive in one adapter reply: the
 * answer is among the queued messages, no listening past the prompt. */
static void test_pending_storm(void **state)
{
	static const uint8_t req[] = { 0x22, 0xF1, 0x90 };
	const struct can_target t = { 0x7E0, 0x7E8, false };
	static struct isotp_msg m;
	struct isotp_stats st;
	struct sim_thread *sim;
	struct adapter *ad;
	struct isotp *tp;
	struct link *l;
	struct error e;
	int pending = 0;

	(void)state;
	if (sim_spawn("demo,faults=pending:20", &l, &sim, &e) < 0)
		fail_msg("%s", e.text);
	ad = adapter_new(l);
	if (adapter_init(ad, &e) < 0)
		fail_msg("%s", e.text);
	tp = isotp_new(ad);
	assert_int_equal(isotp_request(tp, &t, req, sizeof req, 5000, &m, &e), 0);
	while (m.len == 3 && m.data[0] == 0x7F && m.data[2] == 0x78) {
		pending++;
		if (isotp_receive(tp, &t, 5000, &m, &e) < 0)
			fail_msg("after %d pending replies: %s", pending, e.text);
	}
	assert_true(pending > 0);
	assert_int_equal(m.len, 20);
	assert_memory_equal(m.data, "\x62\xF1\x90OBDDEMO0SIM000001", 20);
	isotp_get_stats(tp, &st);
	assert_int_equal(st.listens, 0);
	isotp_free(tp);
	adapter_free(ad);
	link_close(l);
	sim_thread_stop(sim);
}

/* Runs the tests. */
int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drain_cap),
		cmocka_unit_test(test_tap_sees_written_bytes),
		cmocka_unit_test(test_pending_storm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
