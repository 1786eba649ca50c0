/* test_sim_vehicle.c: the simulator's virtual ECUs at the message level:
 * requests go straight to sim_ecu_request() and a tap on the vehicle
 * records every reply with its delay; a few tests go through sim_input()
 * and check the adapter's exact output. The modelled time s->now_us and
 * the fault fields are set directly. */
#include "config.h"

#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/sim.h"
#include "sim/sim_internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/hex.h"

#define MS 1000ull       /* microseconds per millisecond */
#define REPLIES_MAX 64

/* A reply an ECU sent, as the tap saw it. */
struct reply {
	char ecu[16];
	uint64_t delay_us;
	uint8_t msg[SIM_MSG_MAX];
	size_t n;
};

/* Private $XDG_CONFIG_HOME (and scratch directory) for the whole group. */
static char tmp_home[PATH_MAX];
/* Replies of the last request. */
static struct reply replies[REPLIES_MAX];
static size_t nreplies;
/* Output of the last feed(). */
static struct buf output;

/* The tap: records a reply. */
static void tap(void *arg, const struct sim_ecu *ecu, uint64_t delay_us, const uint8_t *msg,
		size_t n)
{
	struct reply *r;

	(void)arg;
	assert_true(nreplies < REPLIES_MAX);
	assert_true(n <= SIM_MSG_MAX);
	r = &replies[nreplies++];
	snprintf(r->ecu, sizeof r->ecu, "%s", ecu->id);
	r->delay_us = delay_us;
	memcpy(r->msg, msg, n);
	r->n = n;
}

/* Removes one file or directory (for nftw). */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Group setup: a private, empty configuration directory. */
static int group_setup(void **state)
{
	(void)state;
	snprintf(tmp_home, sizeof tmp_home, "%s/obdcon-test-simveh-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmp_home) == NULL)
		return -1;
	return setenv("XDG_CONFIG_HOME", tmp_home, 1);
}

/* Group teardown: removes the directory. */
static int group_teardown(void **state)
{
	(void)state;
	buf_free(&output);
	return nftw(tmp_home, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A simulator of a vehicle with the tap on. */
static struct sim *vsim(const char *spec)
{
	struct error e = { 0 };
	struct sim *s = NULL;

	if (sim_create(spec, &s, &e) != 0)
		fail_msg("sim_create(\"%s\"): %s", spec, e.text);
	s->vehicle.tap = tap;
	return s;
}

/* The ECU named id (the test fails without it). */
static struct sim_ecu *ecu_of(struct sim *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->vehicle.necus; i++)
		if (strcmp(s->vehicle.ecus[i].id, id) == 0)
			return &s->vehicle.ecus[i];
	fail_msg("no ECU %s", id);
	return NULL;
}

/* Sends a request of n bytes to an ECU, physically addressed; returns
 * the number of replies. */
static size_t send_bin(struct sim *s, const char *ecu, const uint8_t *req, size_t n)
{
	nreplies = 0;
	sim_ecu_request(s, ecu_of(s, ecu), false, req, n);
	sim_bus_clear(&s->bus);
	return nreplies;
}

/* Sends a request given in hex. */
static size_t send_hex(struct sim *s, const char *ecu, const char *hexreq)
{
	uint8_t req[SIM_MSG_MAX];
	long n = hex_decode(hexreq, req, sizeof req);

	assert_true(n > 0);
	return send_bin(s, ecu, req, (size_t)n);
}

/* The hex text of reply i (static buffer, one at a time). */
static const char *reply_hex(size_t i)
{
	static char text[2 * SIM_MSG_MAX + 1];

	assert_true(i < nreplies);
	hex_encode(replies[i].msg, replies[i].n, text);
	return text;
}

/* Sends a request and checks the single immediate answer ("" = none). */
static void expect(struct sim *s, const char *ecu, const char *req, const char *want)
{
	size_t n = send_hex(s, ecu, req);

	if (want[0] == 0) {
		if (n != 0)
			fail_msg("%s -> %s: expected no answer, got %s", ecu, req, reply_hex(0));
		return;
	}
	if (n != 1)
		fail_msg("%s -> %s: expected one answer %s, got %zu", ecu, req, want, n);
	assert_string_equal(reply_hex(0), want);
	assert_int_equal(replies[0].delay_us, 0);
}

/* Sends a request and returns the single immediate answer's bytes. */
static const uint8_t *answer(struct sim *s, const char *ecu, const char *req, size_t *len)
{
	if (send_hex(s, ecu, req) != 1)
		fail_msg("%s -> %s: expected one answer, got %zu", ecu, req, nreplies);
	*len = replies[0].n;
	return replies[0].msg;
}

/* Rotates left by n (1..31). */
static uint32_t rol(uint32_t x, unsigned n)
{
	return x << n | x >> (32 - n);
}

/* Reverses the four bytes. */
static uint32_t swap32(uint32_t x)
{
	return x >> 24 | (x >> 8 & 0xFF00) | (x << 8 & 0xFF0000) | x << 24;
}

/* Keys of the profiles' algorithms, written out by hand. The demo's level
 * 1 (and the VW-style engine's level 3): xor, rol 3, add. */
static uint32_t key_demo_1(uint32_t s)
{
	return rol(s ^ 0x5A5A5A5A, 3) + 0x1234;
}

/* The demo engine's level 0x11: swap, xor, ror 7. */
static uint32_t key_demo_11(uint32_t s)
{
	return rol(swap32(s) ^ 0xC0FFEE00, 32 - 7);
}

/* The VW-style engine's level 0x11: add, swap, ror 5, not. */
static uint32_t key_vw_engine_11(uint32_t s)
{
	return ~rol(swap32(s + 0x0B16F00D), 32 - 5);
}

/* The VW-style central electrics' level 3: xor, rol 11, sub. */
static uint32_t key_vw_body_3(uint32_t s)
{
	return rol(s ^ 0x13572468, 11) - 0x0BAD;
}

/* The Ford-style engine's level 1 (3-byte seed and key): xor, rol 9, add. */
static uint32_t key_ford_pcm(uint32_t s)
{
	return (rol(s ^ 0x00A5C3E1, 9) + 0x00135799) & 0xFFFFFF;
}

/* The truck engine's level 5: rol 1, xor, swap, add. */
static uint32_t key_truck_5(uint32_t s)
{
	return swap32(rol(s, 1) ^ 0xDEADBEEF) + 0x100;
}

/* Requests the seed of a level and sends the key: the ECU unlocks. */
static void unlock(struct sim *s, const char *ecu, uint8_t level, uint32_t (*key)(uint32_t))
{
	char req[32], want[16];
	uint32_t seed = 0, k;
	size_t i, n, klen;
	const uint8_t *a;

	snprintf(req, sizeof req, "27%02X", level);
	a = answer(s, ecu, req, &n);
	assert_true(n >= 3 && n <= 6);
	assert_int_equal(a[0], 0x67);
	assert_int_equal(a[1], level);
	for (i = 2; i < n; i++)
		seed = seed << 8 | a[i];
	assert_int_not_equal(seed, 0);
	klen = n - 2;
	k = key(seed);
	snprintf(req, sizeof req, "27%02X", level + 1);
	for (i = 0; i < klen; i++)
		snprintf(req + 4 + 2 * i, 3, "%02X", (unsigned)(k >> (8 * (klen - 1 - i)) & 0xFF));
	snprintf(want, sizeof want, "67%02X", level + 1);
	expect(s, ecu, req, want);
}

/* Feeds text to the adapter; returns what it answered. */
static const char *feed(struct sim *s, const char *in)
{
	buf_reset(&output);
	sim_input(s, (const uint8_t *)in, strlen(in), &output);
	return buf_str(&output);
}

/* Writes a file under the private configuration directory. */
static void write_config(const char *rel, const char *text)
{
	char path[PATH_MAX + 128];
	struct error e = { 0 };
	char *slash;

	snprintf(path, sizeof path, "%s/obdcon/%s", tmp_home, rel);
	slash = strrchr(path, '/');
	*slash = 0;
	assert_int_equal(fs_mkdir_p(path, 0700, &e), 0);
	*slash = '/';
	assert_int_equal(fs_write_atomic(path, text, strlen(text), 0600, &e), 0);
}

/* Every vehicle loads; each ECU has its own identifiers and answers
 * F187, F189, F18C, F190, F191, F197 in one request; VINs cannot be real. */
static void test_profiles_identify(void **state)
{
	static const char *const vehicles[] = { "demo", "vw", "ford", "truck" };
	static const uint16_t ids[] = { 0xF187, 0xF189, 0xF18C, 0xF190, 0xF191, 0xF197 };
	size_t v, i, j, k, ext = 0;

	(void)state;
	for (v = 0; v < sizeof vehicles / sizeof vehicles[0]; v++) {
		struct sim *s = vsim(vehicles[v]);
		const char *vin = sim_vin(s);
		assert_int_equal(strlen(vin), 17);
		assert_non_null(strpbrk(v ? vin + 3 : vin, "IOQ")); /* ISO 3779: never in a real VIN */
		if (v > 0)
			assert_true(s->vehicle.necus >= 5);
		for (i = 0; i < s->vehicle.necus; i++) {
			struct sim_ecu *ecu = &s->vehicle.ecus[i];
			const uint8_t *a;
			size_t n, pos = 1;
			ext += ecu->ext;
			for (j = 0; j < i; j++)
				assert_true(s->vehicle.ecus[j].rx != ecu->rx &&
					    s->vehicle.ecus[j].tx != ecu->tx);
			a = answer(s, ecu->id, "22F187F189F18CF190F191F197", &n);
			assert_int_equal(a[0], 0x62);
			for (k = 0; k < 6; k++) {
				const struct sim_did *d = sim_ecu_did(ecu, ids[k]);
				assert_non_null(d);
				assert_true(pos + 2 + d->len <= n);
				assert_int_equal(a[pos] << 8 | a[pos + 1], ids[k]);
				assert_memory_equal(a + pos + 2, d->val, d->len);
				if (ids[k] == 0xF190)
					assert_memory_equal(a + pos + 2, vin, 17);
				pos += 2 + d->len;
			}
			assert_int_equal(pos, n);
		}
		sim_free(s);
	}
	assert_true(ext >= 5); /* the truck speaks 29-bit */
}

/* Sessions 01/02/03 with P2/P2* from the profile; unknown sessions,
 * programming only from the extended session, suppressed answers. */
static void test_sessions(void **state)
{
	struct sim *s = vsim("vw");

	(void)state;
	expect(s, "01", "1002", "7F1022"); /* programming_from_extended */
	expect(s, "01", "1003", "5003003201F4");
	expect(s, "01", "1002", "5002003201F4");
	expect(s, "01", "1001", "5001003201F4");
	expect(s, "01", "1004", "7F1012");
	expect(s, "01", "1000", "7F1012");
	expect(s, "01", "10", "7F1013");
	expect(s, "01", "100301", "7F1013");
	expect(s, "01", "1083", "");
	assert_int_equal(ecu_of(s, "01")->m.session, 3);
	sim_free(s);
	s = vsim("demo");
	expect(s, "09", "1003", "7F1012"); /* the demo's body knows session 1 only */
	expect(s, "09", "1001", "5001003201F4");
	sim_free(s);
	write_config("profiles/vehicles/p2.lua",
		     "return { id = 'p2', vin = 'SIMOOOOOOOOOOOOOO',\n"
		     "  ecus = { { id = 'x', tx = 0x7E0, rx = 0x7E8, p2_ms = 25, p2star_ms = 2000,\n"
		     "             sessions = { 1, 3, 0x4 } } } }\n");
	s = vsim("p2");
	expect(s, "x", "1003", "500300190" "0C8");
	expect(s, "x", "1004", "500400190" "0C8");
	expect(s, "x", "1002", "7F1012");
	sim_free(s);
}

/* S3: 5 s without a request drops to the default session and locks;
 * any request, TesterPresent with or without an answer, keeps it. */
static void test_s3_timeout(void **state)
{
	struct sim *s = vsim("vw");
	struct sim_ecu *body = ecu_of(s, "09");

	(void)state;
	expect(s, "09", "1003", "5003003201F4");
	unlock(s, "09", 0x03, key_vw_body_3);
	s->now_us += 4900 * MS;
	expect(s, "09", "3E80", "");
	s->now_us += 4900 * MS;
	expect(s, "09", "3E00", "7E00");
	s->now_us += 4999 * MS;
	expect(s, "09", "22F189", "62F18930373032");
	assert_int_equal(body->m.session, 3);
	assert_int_equal(body->m.sec.unlocked, 3);
	s->now_us += 5000 * MS;
	expect(s, "09", "22F189", "62F18930373032");
	assert_int_equal(body->m.session, 1);
	assert_int_equal(body->m.sec.unlocked, 0);
	expect(s, "09", "2703", "7F277F");
	sim_free(s);
}

/* Security access: seeds differ, the right key unlocks, a zero seed when
 * unlocked; sequence, length, level and session errors. */
static void test_security_unlock(void **state)
{
	struct sim *s = vsim("vw");
	uint32_t seed1, seed2;
	const uint8_t *a;
	char req[32];
	size_t n;

	(void)state;
	expect(s, "09", "2703", "7F277F"); /* not in the default session */
	expect(s, "09", "1003", "5003003201F4");
	expect(s, "09", "2705", "7F2712");
	expect(s, "09", "2700", "7F2712");
	expect(s, "09", "27", "7F2713");
	expect(s, "09", "270400000000", "7F2724"); /* no seed asked */
	a = answer(s, "09", "2703", &n);
	assert_int_equal(n, 6);
	seed1 = (uint32_t)a[2] << 24 | (uint32_t)a[3] << 16 | (uint32_t)a[4] << 8 | a[5];
	a = answer(s, "09", "2703", &n);
	assert_int_equal(n, 6);
	seed2 = (uint32_t)a[2] << 24 | (uint32_t)a[3] << 16 | (uint32_t)a[4] << 8 | a[5];
	assert_int_not_equal(seed1, seed2);
	expect(s, "09", "2704000000", "7F2713"); /* three bytes, four expected */
	snprintf(req, sizeof req, "2704%08X", (unsigned)key_vw_body_3(seed2));
	expect(s, "09", req, "6704");
	assert_int_equal(ecu_of(s, "09")->m.sec.unlocked, 3);
	expect(s, "09", "2703", "670300000000");
	/* the engine's programming level is for the programming session only */
	expect(s, "01", "1003", "5003003201F4");
	expect(s, "01", "2711", "7F277E");
	expect(s, "01", "1002", "5002003201F4");
	unlock(s, "01", 0x11, key_vw_engine_11);
	/* a two-byte seed: the transmission */
	expect(s, "02", "1003", "5003003201F4");
	a = answer(s, "02", "2703", &n);
	assert_int_equal(n, 4);
	seed1 = (uint32_t)a[2] << 8 | a[3];
	snprintf(req, sizeof req, "2704%04X", (unsigned)((seed1 * 0x9E37u ^ 0x7711u) & 0xFFFF));
	expect(s, "02", req, "6704");
	sim_free(s);
}

/* Three wrong keys: 0x35, 0x35, 0x36; then 0x37 until the lock-out has
 * passed; then the right key works again. */
static void test_security_lockout(void **state)
{
	struct sim *s = vsim("vw");
	const uint8_t *a;
	uint32_t seed;
	char req[32];
	size_t n, i;

	(void)state;
	expect(s, "09", "1003", "5003003201F4");
	for (i = 0; i < 3; i++) {
		a = answer(s, "09", "2703", &n);
		seed = (uint32_t)a[2] << 24 | (uint32_t)a[3] << 16 | (uint32_t)a[4] << 8 | a[5];
		snprintf(req, sizeof req, "2704%08X", (unsigned)(key_vw_body_3(seed) + 1));
		expect(s, "09", req, i < 2 ? "7F2735" : "7F2736");
	}
	expect(s, "09", "2703", "7F2737");
	expect(s, "09", req, "7F2724"); /* no seed given out */
	s->now_us += 4000 * MS;
	expect(s, "09", "3E80", "");
	expect(s, "09", "2703", "7F2737");
	s->now_us += 4000 * MS;
	expect(s, "09", "3E80", "");
	s->now_us += 1999 * MS;
	expect(s, "09", "2703", "7F2737");
	s->now_us += 1 * MS;
	unlock(s, "09", 0x03, key_vw_body_3);
	sim_free(s);
}

/* Builds "2E" DID + n bytes of value v as hex. */
static const char *write_req(uint16_t did, size_t n, uint8_t v)
{
	static char text[2 * 300 + 8];
	size_t i;

	snprintf(text, sizeof text, "2E%04X", did);
	for (i = 0; i < n && i < 300; i++)
		snprintf(text + 6 + 2 * i, 3, "%02X", v);
	return text;
}

/* Writes refused in the wrong session (0x31 for the DID, 0x7F for the
 * service), while locked (0x33), with the engine running (0x22), with the
 * wrong length (0x13); accepted when everything is right. */
static void test_write_refusals(void **state)
{
	struct sim *s = vsim("vw");
	uint8_t val[32];
	size_t len = 0;

	(void)state;
	expect(s, "09", write_req(0x0600, 30, 0x11), "7F2E31");
	expect(s, "09", "1003", "5003003201F4");
	expect(s, "09", write_req(0x0600, 30, 0x11), "7F2E33");
	unlock(s, "09", 0x03, key_vw_body_3);
	expect(s, "09", write_req(0x0600, 29, 0x11), "7F2E13");
	expect(s, "09", write_req(0x0600, 31, 0x11), "7F2E13");
	expect(s, "09", write_req(0xF190, 17, 0x41), "7F2E31");
	expect(s, "09", "2E06", "7F2E13");
	expect(s, "09", write_req(0x0600, 30, 0x11), "6E0600");
	assert_int_equal(sim_get_did(s, "09", 0x0600, val, sizeof val, &len), 0);
	assert_int_equal(len, 30);
	assert_int_equal(val[29], 0x11);
	/* the engine's coding needs the engine off */
	expect(s, "01", "1003", "5003003201F4");
	unlock(s, "01", 0x03, key_demo_1);
	expect(s, "01", write_req(0x0600, 10, 0x00), "7F2E22");
	sim_free(s);
	/* Ford-style: 0x2E itself is for the extended session only */
	s = vsim("ford");
	expect(s, "BCM", write_req(0xDE00, 8, 0x00), "7F2E7F");
	expect(s, "BCM", "1003", "5003003201F4");
	expect(s, "BCM", write_req(0xDE00, 8, 0x00), "7F2E33");
	sim_free(s);
	/* the demo's comfort coding: default session, no security */
	s = vsim("demo");
	expect(s, "09", "2E0601041E", "6E0601");
	sim_free(s);
}

/* Checks reply i: bytes (hex) and delay in milliseconds. */
static void check_reply(size_t i, const char *hexmsg, uint64_t delay_ms)
{
	assert_string_equal(reply_hex(i), hexmsg);
	assert_int_equal(replies[i].delay_us, delay_ms * MS);
}

/* A slow routine answers 0x78 at 0.8 x P2, then every 0.4 x P2*, then
 * its result when it ends; meanwhile the ECU is busy (0x21). */
static void test_response_pending(void **state)
{
	struct sim *s = vsim("demo");

	(void)state;
	expect(s, "01", "1002", "5002003201F4");
	unlock(s, "01", 0x11, key_demo_11);
	assert_int_equal(send_hex(s, "01", "3101FF00440000000000010000"), 2);
	check_reply(0, "7F3178", 40);
	check_reply(1, "7101FF0000", 1000);
	s->now_us += 500 * MS;
	expect(s, "01", "22F189", "7F2221");
	expect(s, "01", "3E80", "");
	s->now_us += 500 * MS;
	expect(s, "01", "22F189", "62F18932313330");
	/* the erased memory fails its checksum (200 ms for the whole memory) */
	assert_int_equal(send_hex(s, "01", "31010202"), 2);
	check_reply(0, "7F3178", 40);
	check_reply(1, "7101020201", 200);
	s->now_us += 200 * MS;
	expect(s, "01", "31030202", "7103020201");
	expect(s, "01", "3103FF00", "7F3124");
	sim_free(s);
	/* 1 MiB in 8 s: 0x78 at 40 ms, 2040, 4040, 6040, the answer at 8000 */
	s = vsim("vw,engine=off");
	expect(s, "01", "1003", "5003003201F4");
	expect(s, "01", "1002", "5002003201F4");
	unlock(s, "01", 0x11, key_vw_engine_11);
	assert_int_equal(send_hex(s, "01", "3101FF00440000000000100000"), 5);
	check_reply(0, "7F3178", 40);
	check_reply(1, "7F3178", 2040);
	check_reply(2, "7F3178", 4040);
	check_reply(3, "7F3178", 6040);
	check_reply(4, "7101FF0000", 8000);
	sim_free(s);
}

/* The pending:N fault: N 0x78 before every UDS answer, none for OBD-II
 * and none when the answer is suppressed; it adds to a slow routine's. */
static void test_pending_fault(void **state)
{
	struct sim *s = vsim("demo");

	(void)state;
	s->faults.pending = 2;
	assert_int_equal(send_hex(s, "09", "22F189"), 3);
	check_reply(0, "7F2278", 40);
	check_reply(1, "7F2278", 80);
	check_reply(2, "62F18930343530", 120);
	assert_int_equal(send_hex(s, "09", "1003"), 3);
	check_reply(2, "7F1012", 120);
	expect(s, "01", "010D", "410D00");
	expect(s, "09", "3E80", "");
	s->faults.pending = 1;
	assert_int_equal(send_hex(s, "01", "1002"), 2);
	check_reply(1, "5002003201F4", 80);
	s->faults.pending = 0;
	unlock(s, "01", 0x11, key_demo_11);
	s->faults.pending = 1;
	assert_int_equal(send_hex(s, "01", "3101FF00440000000000010000"), 3);
	check_reply(0, "7F3178", 40);
	check_reply(1, "7F3178", 80);
	check_reply(2, "7101FF0000", 1040);
	sim_free(s);
}

/* The silent@N fault: every ECU answers its first N requests only;
 * silent:ECU@N silences that ECU only. */
static void test_silent_fault(void **state)
{
	struct sim *s = vsim("demo");

	(void)state;
	s->faults.silent_after = 2;
	expect(s, "09", "3E00", "7E00");
	expect(s, "09", "3E00", "7E00");
	expect(s, "09", "3E00", "");
	expect(s, "09", "22F190", "");
	expect(s, "17", "3E00", "7E00");
	expect(s, "17", "3E00", "7E00");
	expect(s, "17", "3E00", "");
	sim_free(s);
	s = vsim("demo");
	s->faults.silent_after = 1;
	strcpy(s->faults.silent_ecu, "09");
	expect(s, "09", "3E00", "7E00");
	expect(s, "09", "3E00", "");
	expect(s, "17", "3E00", "7E00");
	expect(s, "17", "3E00", "7E00");
	expect(s, "17", "3E00", "7E00");
	sim_free(s);
}

/* 0x11: the answer, then silence for reset_ms, then the default session,
 * locked. A suppressed answer reboots too. */
static void test_reset(void **state)
{
	struct sim *s = vsim("vw");
	struct sim_ecu *body = ecu_of(s, "09");

	(void)state;
	expect(s, "09", "1003", "5003003201F4");
	unlock(s, "09", 0x03, key_vw_body_3);
	expect(s, "09", "1101", "5101");
	assert_int_equal(body->m.session, 1);
	assert_int_equal(body->m.sec.unlocked, 0);
	expect(s, "09", "3E00", "");
	s->now_us += 499 * MS;
	expect(s, "09", "3E00", "");
	s->now_us += 1 * MS;
	expect(s, "09", "3E00", "7E00");
	expect(s, "09", "1183", "");
	expect(s, "09", "3E00", "");
	s->now_us += 500 * MS;
	expect(s, "09", "1104", "7F1112");
	expect(s, "09", "11", "7F1113");
	/* with a pending fault the reboot starts after the answer */
	s->faults.pending = 1;
	assert_int_equal(send_hex(s, "09", "1103"), 2);
	check_reply(1, "5103", 80);
	s->faults.pending = 0;
	s->now_us += 579 * MS;
	expect(s, "09", "3E00", "");
	s->now_us += 1 * MS;
	expect(s, "09", "3E00", "7E00");
	/* the engine of this car takes 800 ms */
	expect(s, "01", "1101", "5101");
	s->now_us += 799 * MS;
	expect(s, "01", "3E00", "");
	s->now_us += 1 * MS;
	expect(s, "01", "3E00", "7E00");
	sim_free(s);
	/* the demo's central electrics knows no reset */
	s = vsim("demo");
	expect(s, "09", "1101", "7F1111");
	sim_free(s);
}

/* 0x19 sub-functions 01, 02, 04, 06, 0A; OBD-II modes 03, 07 and PID 01. */
static void test_dtc_read(void **state)
{
	struct sim *s = vsim("vw");

	(void)state;
	/* P0171 (017100, 2F), P0300 (030000, 24), P0420 (042000, 00, not stored) */
	expect(s, "01", "1901FF", "5901FF010002");
	expect(s, "01", "190108", "5901FF010001");
	expect(s, "01", "190208", "5902FF0171002F");
	expect(s, "01", "1902FF", "5902FF0171002F03000024");
	expect(s, "01", "190A", "590AFF0171002F0300002404200000");
	expect(s, "01", "190401710001", "59040171002F0103F4057BF40C0C80F4423700");
	expect(s, "01", "19040171 00FF", "59040171002F0103F4057BF40C0C80F4423700");
	expect(s, "01", "1904030000FF", "590403000024");
	expect(s, "01", "1904017100 02", "7F1931");
	expect(s, "01", "190412345601", "7F1931");
	expect(s, "01", "1906017100FF", "59060171002F01020205");
	expect(s, "01", "190601710002", "59060171002F0205");
	expect(s, "01", "190601710003", "7F1931");
	expect(s, "01", "1903", "7F1912");
	expect(s, "01", "1982FF", "7F1912");
	expect(s, "01", "19", "7F1913");
	expect(s, "01", "1901", "7F1913");
	expect(s, "01", "1904017100", "7F1913");
	expect(s, "01", "03", "43010171");
	expect(s, "01", "07", "470201710300");
	expect(s, "01", "0101", "410101076500");
	/* a DTC given as a number in the profile */
	expect(s, "09", "1902FF", "5902FF9A2E1509");
	sim_free(s);
}

/* 0x14: all or one DTC; status 0x50 after a clear; an active fault comes
 * back after returns_ms unless DTC setting is off; OBD-II mode 04 refused
 * with the engine running. */
static void test_dtc_clear(void **state)
{
	struct sim *s = vsim("vw");

	(void)state;
	expect(s, "01", "14FFFF", "7F1413");
	expect(s, "01", "14123456", "7F1431");
	expect(s, "01", "04", "7F0422");
	expect(s, "01", "14017100", "54");
	expect(s, "01", "1902FF", "5902FF03000024");
	expect(s, "01", "14FFFFFF", "54");
	expect(s, "01", "1901FF", "5901FF010000");
	expect(s, "01", "190A", "590AFF017100500300005004200050");
	expect(s, "01", "03", "4300");
	s->now_us += 3999 * MS;
	expect(s, "01", "1901FF", "5901FF010000");
	s->now_us += 1 * MS;
	expect(s, "01", "1902FF", "5902FF03000024");
	sim_free(s);
	/* DTC setting off keeps it away */
	s = vsim("vw");
	expect(s, "01", "1003", "5003003201F4");
	expect(s, "01", "8502", "C502");
	expect(s, "01", "14FFFFFF", "54");
	s->now_us += 2500 * MS;
	expect(s, "01", "3E80", "");
	s->now_us += 2500 * MS;
	expect(s, "01", "1902FF", "5902FF");
	expect(s, "01", "8501", "C501");
	expect(s, "01", "1902FF", "5902FF03000024");
	sim_free(s);
	/* with the engine off, mode 04 clears */
	s = vsim("demo");
	expect(s, "01", "03", "43010301");
	expect(s, "01", "04", "44");
	expect(s, "01", "03", "4300");
	sim_free(s);
}

/* 0x28 and 0x85: extended and programming sessions only; back to normal
 * in the default session. */
static void test_comm_and_dtc_setting(void **state)
{
	struct sim *s = vsim("vw");
	struct sim_ecu *body = ecu_of(s, "09");

	(void)state;
	expect(s, "09", "280301", "7F287F");
	expect(s, "09", "8502", "7F857F");
	expect(s, "09", "1003", "5003003201F4");
	expect(s, "09", "280301", "6803");
	assert_int_equal(body->m.comm, 3);
	expect(s, "09", "288101", "");
	assert_int_equal(body->m.comm, 1);
	expect(s, "09", "280501", "7F2812");
	expect(s, "09", "280004", "7F2831");
	expect(s, "09", "2803", "7F2813");
	expect(s, "09", "8502", "C502");
	assert_true(body->m.dtc_off);
	expect(s, "09", "8582", "");
	expect(s, "09", "8503", "7F8512");
	expect(s, "09", "85", "7F8513");
	expect(s, "09", "1001", "5001003201F4");
	assert_int_equal(body->m.comm, 0);
	assert_false(body->m.dtc_off);
	sim_free(s);
}

/* The engine speed from a mode 01 PID 0C answer at time t. */
static unsigned rpm_at(struct sim *s, uint64_t t)
{
	const uint8_t *a;
	size_t n;

	s->now_us = t;
	a = answer(s, "01", "010C", &n);
	assert_int_equal(n, 4);
	return (unsigned)(a[2] << 8 | a[3]) / 4;
}

/* Live values: supported PIDs, idle wandering 780..820 rpm, warming
 * coolant, alternator voltage, the volts fault, OBD DIDs, brand DIDs;
 * all a function of the modelled time only. Engine off: constant. */
static void test_live_values(void **state)
{
	struct sim *s = vsim("vw"), *s2 = vsim("vw");
	unsigned lo = 9999, hi = 0, r;
	uint64_t t;

	(void)state;
	expect(s, "01", "0100", "4100981A8003");
	expect(s, "01", "0120", "412000020001");
	expect(s, "01", "0140", "414044000000");
	expect(s, "01", "0160", "");
	expect(s, "01", "010C", "410C0C30"); /* 780 rpm at t = 0 */
	for (t = 0; t < 60000 * MS; t += 370 * MS) {
		r = rpm_at(s, t);
		assert_int_equal(rpm_at(s2, t), r);
		lo = r < lo ? r : lo;
		hi = r > hi ? r : hi;
	}
	assert_true(lo >= 780 && hi <= 820 && hi - lo >= 20);
	s->now_us = 0;
	expect(s, "01", "0105", "41054B");     /* 35 degrees */
	expect(s, "01", "0142", "41423714");   /* 14.1 V */
	expect(s, "01", "010D0F11", "410D00" "0F3C" "1121"); /* 0 km/h, 20 C, 13 % */
	expect(s, "01", "0104", "410426");                 /* 15 % */
	expect(s, "01", "22F40C", "62F40C0C30");
	s->now_us = 60000 * MS;
	expect(s, "01", "0105", "410551");     /* 41 degrees after a minute */
	expect(s, "01", "011F", "411F003C");   /* 60 s since start */
	s->faults.volts = 11.8;
	expect(s, "01", "0142", "41422E18");
	expect(s, "17", "222203", "62220300BC55"); /* 48213 km */
	expect(s, "17", "222609", "62260936");     /* 14 degrees outside */
	expect(s, "09", "22F1892609", "62F18930373032260936");
	sim_free(s);
	sim_free(s2);
	s = vsim("truck");
	expect(s, "00", "0142", "41426DC4"); /* 28.1 V: a 24 V vehicle */
	expect(s, "00", "010C", "410C0910"); /* 580 rpm at t = 0 */
	sim_free(s);
	s = vsim("demo");
	expect(s, "01", "010C05", "410C0000" "0540");
	s->now_us = 100000 * MS;
	expect(s, "01", "010C05", "410C0000" "0540");
	expect(s, "01", "0104", "");
	sim_free(s);
}

/* CRC-32 (IEEE 802.3, reflected), bit by bit: an independent check. */
static uint32_t crc32_bits(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = c & 1 ? c >> 1 ^ 0xEDB88320u : c >> 1;
	}
	return ~c;
}

/* Sends 36 BSC + n bytes; returns the number of replies. */
static size_t transfer(struct sim *s, const char *ecu, uint8_t bsc, const uint8_t *data, size_t n)
{
	static uint8_t req[SIM_MSG_MAX + 2];

	assert_true(n + 2 <= sizeof req);
	req[0] = 0x36;
	req[1] = bsc;
	memcpy(req + 2, data, n);
	return send_bin(s, ecu, req, n + 2);
}

/* Checks that a single immediate answer is 76 BSC. */
static void transfer_ok(struct sim *s, const char *ecu, uint8_t bsc, const uint8_t *data,
			size_t n)
{
	char want[8];

	snprintf(want, sizeof want, "76%02X", bsc);
	assert_int_equal(transfer(s, ecu, bsc, data, n), 1);
	assert_string_equal(reply_hex(0), want);
}

/* A Ford-style engine: refusals before programming, a full erase, a
 * download of 256 blocks (the counter wraps FF to 00), wrong and repeated
 * counters, the 16-bit sum check, a corrupted block failing it. */
static void test_flash_download(void **state)
{
	struct sim *s = vsim("ford");
	enum { SIZE = 0x40000, BLOCK = 1024 };
	uint8_t *image = malloc(SIZE), *mem = malloc(SIZE), junk[BLOCK + 8];
	uint32_t sum = 0;
	size_t i, k;

	(void)state;
	for (i = 0; i < SIZE - 2; i++) {
		image[i] = (uint8_t)(i * 7 + i / 256);
		sum += image[i];
	}
	image[SIZE - 2] = (uint8_t)(sum >> 8);
	image[SIZE - 1] = (uint8_t)sum;
	memset(junk, 0x5A, sizeof junk);
	expect(s, "PCM", "3400440008000000040000", "7F347F");
	expect(s, "PCM", "3601AA", "7F367F");
	expect(s, "PCM", "3101FF00440008000000040000", "7F3131"); /* not programming */
	expect(s, "PCM", "1002", "5002003201F4");
	expect(s, "PCM", "3400440008000000040000", "7F3433");
	expect(s, "PCM", "3101FF00440008000000040000", "7F3133");
	unlock(s, "PCM", 0x01, key_ford_pcm);
	expect(s, "PCM", "3601AA", "7F3624");
	expect(s, "PCM", "37", "7F3724");
	expect(s, "PCM", "3101FF00440008000100004000", "7F3131"); /* not a sector start */
	expect(s, "PCM", "3101FF00440007C00000004000", "7F3131"); /* outside */
	expect(s, "PCM", "3101FF0000", "7F3131");
	expect(s, "PCM", "3101FF00440008", "7F3113");
	assert_int_equal(send_hex(s, "PCM", "3101FF01"), 2); /* the untouched image is good */
	check_reply(1, "7101FF0100", 400);
	s->now_us += 400 * MS;
	expect(s, "PCM", "3401440008000000040000", "7F3431"); /* compressed: no */
	/* writing where nothing was erased fails */
	expect(s, "PCM", "3400440008000000004000", "74200802");
	assert_int_equal(transfer(s, "PCM", 0x01, junk, BLOCK), 1);
	assert_string_equal(reply_hex(0), "7F3672");
	expect(s, "PCM", "37", "7F3724");
	expect(s, "PCM", "1003", "5003003201F4"); /* leaving programming aborts */
	expect(s, "PCM", "1002", "5002003201F4");
	unlock(s, "PCM", 0x01, key_ford_pcm);
	assert_int_equal(send_hex(s, "PCM", "3101FF00440008000000040000"), 3);
	check_reply(0, "7F3178", 40);
	check_reply(1, "7F3178", 2040);
	check_reply(2, "7101FF0000", 3000);
	s->now_us += 3000 * MS;
	expect(s, "PCM", "3400440008000000040000", "74200802");
	expect(s, "PCM", "3400440008000000040000", "7F3422");
	for (k = 0; k < SIZE / BLOCK; k++) {
		uint8_t bsc = (uint8_t)(k + 1);
		if (k == 10) {
			assert_int_equal(transfer(s, "PCM", (uint8_t)(bsc + 1), image, BLOCK), 1);
			assert_string_equal(reply_hex(0), "7F3673");
			assert_int_equal(transfer(s, "PCM", bsc, image, 2049), 1);
			assert_string_equal(reply_hex(0), "7F3613");
		}
		transfer_ok(s, "PCM", bsc, image + k * BLOCK, BLOCK);
		if (k == 20) /* a repeated block is acknowledged, not written */
			transfer_ok(s, "PCM", bsc, junk, BLOCK);
	}
	assert_string_equal(reply_hex(0), "7600"); /* block 256: FF wrapped to 00 */
	assert_int_equal(transfer(s, "PCM", 0x01, junk, 1), 1);
	assert_string_equal(reply_hex(0), "7F3671");
	expect(s, "PCM", "37", "77");
	expect(s, "PCM", "37", "7F3724");
	assert_int_equal(sim_get_memory(s, "PCM", 0x80000, mem, SIZE), 0);
	assert_memory_equal(mem, image, SIZE);
	assert_int_equal(sim_get_memory(s, "PCM", 0x7FFFF, mem, 2), -1);
	assert_int_equal(sim_get_memory(s, "PCM", 0xBFFFF, mem, 2), -1);
	assert_int_equal(sim_get_memory(s, "BCM", 0x80000, mem, 2), -1);
	assert_int_equal(send_hex(s, "PCM", "3101FF01"), 2);
	check_reply(0, "7F3178", 40);
	check_reply(1, "7101FF0100", 400);
	s->now_us += 400 * MS;
	expect(s, "PCM", "3103FF01", "7103FF0100");
	/* one sector again with a byte changed: the sum no longer matches */
	assert_int_equal(send_hex(s, "PCM", "3101FF00440008000000004000"), 2);
	assert_string_equal(reply_hex(1), "7101FF0000");
	assert_int_equal(replies[1].delay_us, 187500); /* 1/16 of 3 s */
	s->now_us += 200 * MS;
	image[5] ^= 0x01;
	expect(s, "PCM", "3400440008000000004000", "74200802");
	for (k = 0; k < 0x4000 / BLOCK; k++)
		transfer_ok(s, "PCM", (uint8_t)(k + 1), image + k * BLOCK, BLOCK);
	expect(s, "PCM", "37", "77");
	assert_int_equal(send_hex(s, "PCM", "3101FF01"), 2);
	check_reply(1, "7101FF0101", 400);
	free(image);
	free(mem);
	sim_free(s);
}

/* The VW-style engine: its untouched image carries a valid CRC-32; a
 * block downloaded with its own CRC-32 passes the check of that block,
 * and the whole memory then fails. */
static void test_flash_crc32(void **state)
{
	enum { SIZE = 0x100000, BLOCK = 0x10000, MAXDATA = 0x0FFF - 2 };
	struct sim *s = vsim("vw,engine=off");
	uint8_t *mem = malloc(SIZE), *block = malloc(BLOCK);
	uint32_t crc, pos;
	uint8_t bsc = 0;
	size_t i;

	(void)state;
	assert_int_equal(sim_crc32(0, (const uint8_t *)"123456789", 9), 0xCBF43926u);
	assert_int_equal(crc32_bits((const uint8_t *)"123456789", 9), 0xCBF43926u);
	assert_int_equal(sim_get_memory(s, "01", 0, mem, SIZE), 0);
	crc = crc32_bits(mem, SIZE - 4);
	assert_int_equal(crc, (uint32_t)mem[SIZE - 4] << 24 | (uint32_t)mem[SIZE - 3] << 16 |
				      (uint32_t)mem[SIZE - 2] << 8 | mem[SIZE - 1]);
	assert_memory_equal(mem + 0x400, "04E906027JT 5432", 16);
	expect(s, "01", "31010202", "7F3131"); /* not in the programming session */
	expect(s, "01", "1003", "5003003201F4");
	expect(s, "01", "1002", "5002003201F4");
	unlock(s, "01", 0x11, key_vw_engine_11);
	assert_int_equal(send_hex(s, "01", "31010202"), 2);
	check_reply(1, "7101020200", 2000);
	s->now_us += 2000 * MS;
	assert_int_equal(send_hex(s, "01", "3101FF00440001000000010000"), 2);
	check_reply(1, "7101FF0000", 500);
	s->now_us += 500 * MS;
	for (i = 0; i < BLOCK - 4; i++)
		block[i] = (uint8_t)(i * 13 ^ i >> 8);
	crc = crc32_bits(block, BLOCK - 4);
	for (i = 0; i < 4; i++)
		block[BLOCK - 4 + i] = (uint8_t)(crc >> (24 - 8 * i));
	expect(s, "01", "3400440001000000010000", "74200FFF");
	for (pos = 0; pos < BLOCK; pos += MAXDATA) {
		size_t n = BLOCK - pos < MAXDATA ? BLOCK - pos : MAXDATA;
		transfer_ok(s, "01", ++bsc, block + pos, n);
	}
	assert_int_equal(bsc, 17);
	expect(s, "01", "37", "77");
	assert_int_equal(send_hex(s, "01", "3101020244000100000001000000"), 1);
	assert_string_equal(reply_hex(0), "7F3113"); /* a byte too many */
	assert_int_equal(send_hex(s, "01", "310102024400010000000100"), 1);
	assert_string_equal(reply_hex(0), "7F3113");
	assert_int_equal(send_hex(s, "01", "31010202440001000000010000"), 2);
	check_reply(1, "7101020200", 125);
	s->now_us += 125 * MS;
	assert_int_equal(send_hex(s, "01", "31010202"), 2);
	check_reply(1, "7101020201", 2000);
	assert_int_equal(sim_get_memory(s, "01", 0x10000, mem, BLOCK), 0);
	assert_memory_equal(mem, block, BLOCK);
	free(mem);
	free(block);
	sim_free(s);
}

/* Read-out where the profile allows it (0x23 and 0x35 with session and
 * security), refused where it does not (0x31). */
static void test_readout(void **state)
{
	struct sim *s = vsim("ford");
	uint8_t mem[2304];
	const uint8_t *a;
	size_t n;

	(void)state;
	expect(s, "PCM", "23440008010000000010", "7F2331");
	expect(s, "PCM", "1003", "5003003201F4");
	expect(s, "PCM", "23440008010000000010", "7F2333");
	expect(s, "PCM", "3500440008000000000900", "7F357F");
	unlock(s, "PCM", 0x01, key_ford_pcm);
	expect(s, "PCM", "23440008010000000010", "634A5836412D3134433230342D4143FFFF");
	expect(s, "PCM", "23", "7F2313");
	expect(s, "PCM", "2300", "7F2331");
	expect(s, "PCM", "2344000801000000", "7F2313");
	expect(s, "PCM", "23440008010000000FFF", "7F2331"); /* longer than a message */
	expect(s, "PCM", "2344000BFFF000000020", "7F2331"); /* past the end */
	a = answer(s, "PCM", "23440008000000000FFE", &n);
	assert_int_equal(n, 0x0FFF);
	assert_int_equal(a[0], 0x63);
	expect(s, "PCM", "1002", "5002003201F4");
	unlock(s, "PCM", 0x01, key_ford_pcm);
	assert_int_equal(sim_get_memory(s, "PCM", 0x80000, mem, sizeof mem), 0);
	expect(s, "PCM", "3500440008000000000900", "75200802");
	a = answer(s, "PCM", "3601", &n);
	assert_int_equal(n, 2050);
	assert_int_equal(a[0] << 8 | a[1], 0x7601);
	assert_memory_equal(a + 2, mem, 2048);
	a = answer(s, "PCM", "3602", &n);
	assert_int_equal(n, 2 + 256);
	assert_memory_equal(a + 2, mem + 2048, 256);
	expect(s, "PCM", "3603", "7F3624");
	a = answer(s, "PCM", "3602", &n); /* the last block again */
	assert_int_equal(n, 2 + 256);
	assert_memory_equal(a + 2, mem + 2048, 256);
	expect(s, "PCM", "360201", "7F3613");
	expect(s, "PCM", "37", "77");
	sim_free(s);
	/* the VW-style engine refuses any read-out */
	s = vsim("vw");
	expect(s, "01", "1003", "5003003201F4");
	expect(s, "01", "1002", "5002003201F4");
	unlock(s, "01", 0x11, key_vw_engine_11);
	expect(s, "01", "3500440000000000000100", "7F3531");
	expect(s, "01", "23440000000000000010", "7F2331");
	sim_free(s);
	/* the truck's engine in the programming session, level 5 */
	s = vsim("truck");
	expect(s, "00", "1002", "5002003201F4");
	unlock(s, "00", 0x05, key_truck_5);
	expect(s, "00", "350044000000800000000C", "75200402");
	expect(s, "00", "3601", "760150333431322D303720454D53");
	expect(s, "00", "37", "77");
	sim_free(s);
}

/* Reads a whole file into b. */
static void read_file(const char *path, struct buf *b)
{
	struct error e = { 0 };

	buf_reset(b);
	if (fs_read_file(path, b, (size_t)4 << 20, &e) < 0)
		fail_msg("%s: %s", path, e.text);
}

/* The state file keeps writable DIDs, DTCs and flash memory (in a
 * sidecar file) between two runs; a damaged sidecar is refused. */
static void test_state_file(void **state)
{
	char spec[PATH_MAX + 64], file[PATH_MAX + 16], side[PATH_MAX + 32];
	uint8_t data[4096], mem[4096], val[4];
	struct buf b = { 0 };
	struct error e = { 0 };
	struct sim *s;
	size_t i, len = 0;
	uint32_t crc;

	(void)state;
	snprintf(file, sizeof file, "%s/car.state", tmp_home);
	snprintf(side, sizeof side, "%s.01.flash", file);
	snprintf(spec, sizeof spec, "demo,state=%s", file);
	for (i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i ^ 0xA5);
	crc = crc32_bits(data, sizeof data - 4); /* the sector carries its CRC-32 */
	for (i = 0; i < 4; i++)
		data[sizeof data - 4 + i] = (uint8_t)(crc >> (24 - 8 * i));
	s = vsim(spec);
	expect(s, "09", "2E0601041E", "6E0601");
	expect(s, "01", "14FFFFFF", "54");
	expect(s, "01", "1002", "5002003201F4");
	unlock(s, "01", 0x11, key_demo_11);
	assert_int_equal(send_hex(s, "01", "3101FF00440000100000001000"), 2);
	s->now_us += 100 * MS;
	expect(s, "01", "3400440000100000001000", "74200402");
	for (i = 0; i < 4; i++)
		transfer_ok(s, "01", (uint8_t)(i + 1), data + 1024 * i, 1024);
	expect(s, "01", "37", "77");
	sim_state_save_if_changed(s);
	read_file(file, &b);
	assert_non_null(strstr(buf_str(&b), "\nerased 01 0100000000000000\n"));
	assert_int_equal(send_hex(s, "01", "31010202440000100000001000"), 1);
	assert_string_equal(reply_hex(0), "7101020200");
	s->now_us += 100 * MS;
	sim_state_save_if_changed(s);
	assert_int_equal(s->state_error.kind, ERR_NONE);
	sim_free(s);
	read_file(file, &b);
	assert_null(strstr(buf_str(&b), "\nerased "));
	assert_non_null(strstr(buf_str(&b), "\ndid 09 0601 041E\n"));
	assert_non_null(strstr(buf_str(&b), "\ndid 17 0600 010200041000000A0000000000000000\n"));
	assert_non_null(strstr(buf_str(&b), "\ndtc 01 030100 50 0\n"));
	assert_non_null(strstr(buf_str(&b), "\ndtc 01 042000 50 0\n"));
	assert_non_null(strstr(buf_str(&b), "\ndtc 09 9A1C13 08 1\n"));
	assert_non_null(strstr(buf_str(&b), "\nflash 01 65536 "));
	read_file(side, &b);
	assert_int_equal(b.len, 65536);
	assert_memory_equal(b.data + 0x1000, data, sizeof data);
	/* the second run sees it all */
	s = vsim(spec);
	assert_int_equal(sim_get_did(s, "09", 0x0601, val, sizeof val, &len), 0);
	assert_int_equal(val[0] << 8 | val[1], 0x041E);
	expect(s, "01", "1901FF", "5901FF010000");
	expect(s, "01", "190A", "590AFF0301005004200050");
	expect(s, "09", "1901FF", "5901FF010001");
	assert_int_equal(sim_get_memory(s, "01", 0x1000, mem, sizeof mem), 0);
	assert_memory_equal(mem, data, sizeof data);
	sim_free(s);
	/* a damaged sidecar stops the simulator from starting */
	read_file(side, &b);
	b.data[7] ^= 0xFF;
	assert_int_equal(fs_write_atomic(side, b.data, b.len, 0600, &e), 0);
	s = NULL;
	assert_int_equal(sim_create(spec, &s, &e), -ERR_FORMAT);
	assert_null(s);
	assert_non_null(strstr(e.text, "SHA-256"));
	/* so does a line naming a DTC the ECU does not have */
	assert_int_equal(fs_write_atomic(file, "dtc 01 999999 00 1\n", 19, 0600, &e), 0);
	assert_int_equal(sim_create(spec, &s, &e), -ERR_FORMAT);
	assert_non_null(strstr(e.text, "car.state:1: ECU 01 has no DTC 999999"));
	assert_int_equal(fs_write_atomic(file, "dtc 01 030100 5 1\n", 18, 0600, &e), 0);
	assert_int_equal(sim_create(spec, &s, &e), -ERR_FORMAT);
	assert_int_equal(fs_write_atomic(file, "did 09 0601 041E\n", 17, 0600, &e), 0);
	s = vsim(spec);
	sim_free(s);
	remove(file);
	remove(side);
	buf_free(&b);
}

/* A save is two-phase: a simulator killed after writing FILE.ECU.flash.new
 * but before the state file loads the old pair (the stale .new goes); one
 * killed after the state file but before the rename loads the .new. */
static void test_state_phases(void **state)
{
	char spec[PATH_MAX + 64], file[PATH_MAX + 16], side[PATH_MAX + 32], next[PATH_MAX + 40];
	uint8_t mem[16];
	struct buf b = { 0 }, other = { 0 };
	struct error e = { 0 };
	struct sim *s;

	(void)state;
	snprintf(file, sizeof file, "%s/phase.state", tmp_home);
	snprintf(side, sizeof side, "%s.01.flash", file);
	snprintf(next, sizeof next, "%s.new", side);
	snprintf(spec, sizeof spec, "demo,state=%s", file);
	s = vsim(spec);
	expect(s, "01", "1002", "5002003201F4");
	unlock(s, "01", 0x11, key_demo_11);
	assert_int_equal(send_hex(s, "01", "3101FF00440000100000001000"), 2);
	s->now_us += 100 * MS;
	sim_state_save_if_changed(s);
	assert_int_equal(s->state_error.kind, ERR_NONE);
	sim_free(s);
	assert_false(fs_is_file(next));
	read_file(side, &b);
	assert_int_equal(b.data[0x1000], 0xFF);
	/* killed before the state file: a .new the state does not name */
	read_file(side, &other);
	other.data[0x1000] = 0x42;
	assert_int_equal(fs_write_atomic(next, other.data, other.len, 0600, &e), 0);
	s = vsim(spec);
	assert_int_equal(sim_get_memory(s, "01", 0x1000, mem, 1), 0);
	assert_int_equal(mem[0], 0xFF);
	sim_free(s);
	assert_false(fs_is_file(next));
	/* killed before the rename: the state names the .new */
	assert_int_equal(rename(side, next), 0);
	assert_int_equal(fs_write_atomic(side, other.data, other.len, 0600, &e), 0);
	s = vsim(spec);
	assert_int_equal(sim_get_memory(s, "01", 0x1000, mem, 1), 0);
	assert_int_equal(mem[0], 0xFF);
	expect(s, "01", "22F180", "62F180" "44454D4F2D424C2030313032"); /* still in its boot loader */
	sim_free(s);
	assert_false(fs_is_file(next));
	read_file(side, &other);
	assert_memory_equal(other.data, b.data, b.len);
	remove(file);
	remove(side);
	buf_free(&b);
	buf_free(&other);
}

/* engine=on|off starts or stops the engine of the profile; the vw
 * engine refuses programming while it runs. */
static void test_engine_option(void **state)
{
	struct error e = { 0 };
	struct sim *s;

	(void)state;
	s = vsim("demo,engine=on");
	assert_true(sim_engine_running(s));
	assert_true(sim_live_value(s, SIM_Q_RPM) > 700);
	sim_free(s);
	s = vsim("vw");
	assert_true(sim_engine_running(s));
	expect(s, "01", "1003", "5003003201F4");
	expect(s, "01", "1002", "5002003201F4");
	unlock(s, "01", 0x11, key_vw_engine_11);
	expect(s, "01", "3101FF00440000000000100000", "7F3122");
	sim_free(s);
	s = vsim("vw,engine=off");
	assert_false(sim_engine_running(s));
	assert_true(sim_live_value(s, SIM_Q_RPM) == 0);
	expect(s, "01", "010C", "410C0000");
	sim_free(s);
	s = NULL;
	assert_int_equal(sim_create("demo,engine=idle", &s, &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "engine= is on or off"));
}

/* An erase without a passing check leaves the application broken: after
 * a power-up (a new run with the state file) or a reset the ECU runs its
 * boot loader, which still takes a download; a passing check and a reset
 * bring the application back, with the identification of the new image. */
static void test_boot_loader(void **state)
{
	char spec[PATH_MAX + 64], file[PATH_MAX + 16], side[PATH_MAX + 32];
	uint8_t *image = malloc(0x10000);
	struct buf b = { 0 };
	struct sim *s;
	uint32_t crc;
	size_t i;

	(void)state;
	snprintf(file, sizeof file, "%s/boot.state", tmp_home);
	snprintf(side, sizeof side, "%s.01.flash", file);
	snprintf(spec, sizeof spec, "demo,state=%s", file);
	s = vsim(spec);
	assert_int_equal(sim_get_memory(s, "01", 0, image, 0x10000), 0);
	memcpy(image + 0x10C, "2131", 4); /* a new software version */
	crc = crc32_bits(image, 0x10000 - 4);
	for (i = 0; i < 4; i++)
		image[0x10000 - 4 + i] = (uint8_t)(crc >> (24 - 8 * i));
	expect(s, "01", "1002", "5002003201F4");
	unlock(s, "01", 0x11, key_demo_11);
	assert_int_equal(send_hex(s, "01", "3101FF00440000000000010000"), 2);
	s->now_us += 1000 * MS;
	expect(s, "01", "22F189", "62F18932313330"); /* still running until reset */
	sim_state_save_if_changed(s);
	sim_free(s);
	/* powered up again: the boot loader */
	s = vsim(spec);
	expect(s, "01", "22F189", "7F2231");
	expect(s, "01", "22F197", "7F2231");
	expect(s, "01", "22F180", "62F180" "44454D4F2D424C2030313032"); /* DEMO-BL 0102 */
	expect(s, "01", "22F187", "62F187" "30364B3930363037304142");
	expect(s, "01", "22F186", "62F18601");
	expect(s, "01", "1901FF", "7F1911");
	expect(s, "01", "2E060100", "7F2E11");
	expect(s, "01", "010C", "");
	assert_false(sim_engine_running(s));
	expect(s, "01", "1002", "5002003201F4");
	expect(s, "01", "22F186", "62F18602");
	unlock(s, "01", 0x11, key_demo_11);
	expect(s, "01", "3400440000000000010000", "74200402");
	for (i = 0; i < 64; i++)
		transfer_ok(s, "01", (uint8_t)(i + 1), image + 1024 * i, 1024);
	expect(s, "01", "37", "77");
	expect(s, "01", "1101", "5101");
	s->now_us += 600 * MS;
	expect(s, "01", "22F189", "7F2231"); /* no check yet: the boot loader again */
	expect(s, "01", "1002", "5002003201F4");
	unlock(s, "01", 0x11, key_demo_11);
	assert_int_equal(send_hex(s, "01", "31010202"), 2);
	assert_string_equal(reply_hex(1), "7101020200");
	s->now_us += 200 * MS;
	expect(s, "01", "1101", "5101");
	s->now_us += 600 * MS;
	expect(s, "01", "22F189", "62F18932313331");
	expect(s, "01", "1901FF", "5901FF010001");
	sim_state_save_if_changed(s);
	sim_free(s);
	read_file(side, &b);
	assert_int_equal(b.len, 0x10000);
	assert_memory_equal(b.data, image, 0x10000);
	read_file(file, &b);
	assert_null(strstr(buf_str(&b), "\nerased "));
	remove(file);
	remove(side);
	buf_free(&b);
	free(image);
}

/* Through the adapter: the 29-bit truck answers on 18 DA F1 xx; a
 * functional request reaches both OBD modules. */
static void test_adapter_29bit(void **state)
{
	static const char *const cmds[] = { "ATL0", "ATH1", "ATSP9", "ATSHDA00F1", NULL };
	struct sim *s = vsim("truck");
	const char *const *c;
	char line[32];

	(void)state;
	assert_string_equal(feed(s, "ATE0\r"), "ATE0\r\nOK\r\n\r\n>");
	for (c = cmds; *c; c++) {
		snprintf(line, sizeof line, "%s\r", *c);
		assert_string_equal(feed(s, line), "OK\r\r>");
	}
	assert_string_equal(feed(s, "1003\r"), "18 DA F1 00 06 50 03 00 32 01 F4 \r\r>");
	assert_string_equal(feed(s, "3E00\r"), "18 DA F1 00 02 7E 00 \r\r>");
	assert_int_equal(strncmp(feed(s, "2701\r"), "18 DA F1 00 06 67 01 ", 21), 0);
	assert_string_equal(feed(s, "0100\r"), "18 DA F1 00 06 41 00 98 1A 80 03 \r\r>");
	assert_string_equal(feed(s, "1101\r"), "18 DA F1 00 02 51 01 \r\r>");
	assert_string_equal(feed(s, "3E00\r"), "NO DATA\r\r>"); /* rebooting */
	assert_string_equal(feed(s, "ATSHDB33F1\r"), "OK\r\r>");
	assert_string_equal(feed(s, "0100\r"), "18 DA F1 03 06 41 00 00 08 00 00 \r\r>");
	s->now_us += 1500 * MS;
	assert_string_equal(feed(s, "0100\r"), "18 DA F1 00 06 41 00 98 1A 80 03 \r"
					       "18 DA F1 03 06 41 00 00 08 00 00 \r\r>");
	assert_int_equal(ecu_of(s, "00")->fc_bs, 8);
	assert_int_equal(ecu_of(s, "00")->fc_stmin, 10);
	assert_int_equal(ecu_of(s, "03")->fc_bs, 0);
	sim_free(s);
}

/* Loads a one-ECU profile with the given ECU fields; expects a format
 * error whose text contains want. */
static void profile_error(const char *fields, const char *want)
{
	char text[1024];
	struct error e = { 0 };
	struct sim *s = NULL;

	snprintf(text, sizeof text,
		 "return { id = 'bad', vin = 'SIMOOOOOOOOOOOOOO',\n"
		 "  ecus = { { id = 'x', tx = 0x7E0, rx = 0x7E8, %s } } }\n", fields);
	write_config("profiles/vehicles/bad.lua", text);
	if (sim_create("bad", &s, &e) != -ERR_FORMAT)
		fail_msg("profile with %s: expected a format error", fields);
	assert_null(s);
	if (strstr(e.text, want) == NULL)
		fail_msg("profile with %s: \"%s\" lacks \"%s\"", fields, e.text, want);
}

/* Broken vehicle profiles are refused with a message naming the field. */
static void test_profile_errors(void **state)
{
	(void)state;
	profile_error("security = { level = 1, algo = { {'foo', 1} } }", "unknown algo step \"foo\"");
	profile_error("security = { level = 2, algo = {} }", "must be odd");
	profile_error("security = { level = 1, algo = { {'rol', 32} } }", "needs a number 0..31");
	profile_error("security = { level = 1, algo = { {'not', 1} } }", "extra values");
	profile_error("security = { level = 1, seed_len = 5, algo = {} }", "seed_len");
	profile_error("security = { { level = 1, algo = {} }, { level = 1, algo = {} } }",
		      "given twice");
	profile_error("dids = { [0x0600] = 'a' }, writable = { [0x1234] = { session = 3 } }",
		      "writable DID 1234 has no value");
	profile_error("dids = { [0x0600] = 'a' }, writable = { [0x0600] = { session = 9 } }",
		      "a session must be 1..7");
	profile_error("dids = { [0x0600] = 'a' }, writable = { [0x0600] = { security = 2 } }",
		      "security");
	profile_error("flash = { size = 0x1000, sector = 0x300 }", "whole sectors");
	profile_error("flash = { size = 0x1000, checksum = 'md5' }", "crc32");
	profile_error("flash = { size = 0x1000, image = { at = 0xFF0, data = hex('00 11 22 33 44 "
		      "55 66 77 88 99 AA BB CC DD EE FF 00') } }", "inside the memory");
	profile_error("flash = { size = 0x1000, erase_routine = 0x0202 }", "two routines");
	profile_error("dtcs = { { code = 'X0301' } }", "a DTC code");
	profile_error("dtcs = { { code = 0x123456 }, { code = 0x123456 } }", "given twice");
	profile_error("services = { 0x99 }", "not a known UDS service");
	profile_error("sessions = { 2, 3 }", "default session 1");
	profile_error("pids = { 0x99 }", "not a PID");
	profile_error("live_dids = { [0x2203] = { 'warp' } }", "unknown quantity \"warp\"");
	profile_error("live = { coolant = 300 }", "live.coolant");
	profile_error("fc_stmin = 0xFA", "fc_stmin");
	profile_error("p2star_ms = 2005", "p2star_ms");
	profile_error("service_sessions = { [0x2E] = 0 }", "session");
}

/* Random requests of every service and length never break an ECU (the
 * sanitizer build checks every access); afterwards each one answers. */
static void test_garbage_requests(void **state)
{
	static const char *const vehicles[] = { "demo", "vw", "ford", "truck" };
	static const uint8_t sids[] = { 0x01, 0x03, 0x04, 0x07, 0x09, 0x10, 0x11, 0x14, 0x19,
					0x22, 0x23, 0x27, 0x28, 0x2E, 0x31, 0x34, 0x35, 0x36,
					0x37, 0x3E, 0x85, 0x00, 0xFF };
	static uint8_t req[SIM_MSG_MAX];
	uint32_t x = 2024;
	size_t v, i, k, n;

	(void)state;
	for (v = 0; v < sizeof vehicles / sizeof vehicles[0]; v++) {
		struct sim *s = vsim(vehicles[v]);
		for (k = 0; k < 3000; k++) {
			struct sim_ecu *ecu = &s->vehicle.ecus[k % s->vehicle.necus];
			x = x * 1103515245u + 12345u;
			n = 1 + (x >> 16) % (k % 50 == 0 ? SIM_MSG_MAX : 12);
			for (i = 0; i < n; i++) {
				x = x * 1103515245u + 12345u;
				req[i] = (uint8_t)(x >> 16);
			}
			req[0] = sids[(x >> 8) % sizeof sids];
			nreplies = 0;
			sim_ecu_request(s, ecu, k % 7 == 0 && ecu->obd, req, n);
			sim_bus_clear(&s->bus);
			assert_true(nreplies <= 8);
			s->now_us += (x >> 20) % 3000 * MS;
		}
		s->now_us += 60000 * MS;
		for (i = 0; i < s->vehicle.necus; i++)
			expect(s, s->vehicle.ecus[i].id, "3E00", "7E00");
		sim_free(s);
	}
}

/* Runs every test as one group (one TAP plan). */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profiles_identify),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_s3_timeout),
		cmocka_unit_test(test_security_unlock),
		cmocka_unit_test(test_security_lockout),
		cmocka_unit_test(test_write_refusals),
		cmocka_unit_test(test_response_pending),
		cmocka_unit_test(test_pending_fault),
		cmocka_unit_test(test_silent_fault),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_dtc_read),
		cmocka_unit_test(test_dtc_clear),
		cmocka_unit_test(test_comm_and_dtc_setting),
		cmocka_unit_test(test_live_values),
		cmocka_unit_test(test_flash_download),
		cmocka_unit_test(test_flash_crc32),
		cmocka_unit_test(test_readout),
		cmocka_unit_test(test_state_file),
		cmocka_unit_test(test_state_phases),
		cmocka_unit_test(test_boot_loader),
		cmocka_unit_test(test_engine_option),
		cmocka_unit_test(test_adapter_29bit),
		cmocka_unit_test(test_profile_errors),
		cmocka_unit_test(test_garbage_requests),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
