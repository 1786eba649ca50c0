/* test_sim_timing.c: the simulator's timing model, faults and ISO-TP
 * timing, checked against exact modelled times and bytes. White-box: it
 * reads the simulator's internals (sim_internal.h) where the public
 * interface has no window (ECU flow control fields, late replies).
 *
 * The vehicles used here answer with no processing delay of their own, so
 * modelled times are sums of UART and CAN times:
 *   character time c = 10 / baud s; a burst of k characters takes
 *   ceil(k * 10e6 / baud) us; a CAN frame of 8 bytes with an 11-bit
 *   identifier takes 114 bit times (111 + 3 interframe), 228 us at
 *   500 kbit/s. */
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

#include "link/link.h"
#include "sim/sim.h"
#include "sim/sim_internal.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/fsutil.h"

#define FRAME_11_US 228u /* 8 data bytes, 11-bit identifier, 500 kbit/s */
#define FRAME_29_US 268u /* 8 data bytes, 29-bit identifier, 500 kbit/s */

/* Private $XDG_CONFIG_HOME for the whole group. */
static char config_home[PATH_MAX];
/* Output of the last feed(). */
static struct buf output;

/* Removes one file or directory (for nftw). */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Writes a file under the private configuration directory. */
static int write_config(const char *rel, const char *text)
{
	char path[PATH_MAX + 128];
	struct error e = { 0 };
	char *slash;

	snprintf(path, sizeof path, "%s/obdcon/%s", config_home, rel);
	slash = strrchr(path, '/');
	*slash = 0;
	if (fs_mkdir_p(path, 0700, &e) < 0)
		return -1;
	*slash = '/';
	return fs_write_atomic(path, text, strlen(text), 0600, &e);
}

/* Group setup: a private configuration directory with test vehicles: one
 * with a 200-byte DID, one with 29-bit identifiers. */
static int group_setup(void **state)
{
	(void)state;
	snprintf(config_home, sizeof config_home, "%s/obdcon-test-simtime-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(config_home) == NULL || setenv("XDG_CONFIG_HOME", config_home, 1) < 0)
		return -1;
	if (write_config("profiles/vehicles/long.lua",
			 "return { id = 'long', vin = '12345678901234567', protocol = 6,\n"
			 "  ecus = { { id = '01', tx = 0x7E0, rx = 0x7E8, obd = true,\n"
			 "    dids = { [0x0100] = string.rep('X', 200) } } } }\n") < 0)
		return -1;
	if (write_config("profiles/vehicles/running.lua",
			 "return { id = 'running', vin = '12345678901234567', protocol = 6,\n"
			 "  ecus = { { id = '01', tx = 0x7E0, rx = 0x7E8, obd = true,\n"
			 "             live = { running = true, rpm = 800 } } } }\n") < 0)
		return -1;
	if (write_config("profiles/vehicles/faulty.lua",
			 "return { id = 'faulty', vin = '12345678901234567', protocol = 6,\n"
			 "  faults = 'canerror@1+volts:12.1',\n"
			 "  ecus = { { id = '01', tx = 0x7E0, rx = 0x7E8, obd = true } } }\n") < 0 ||
	    write_config("profiles/vehicles/badfaults.lua",
			 "return { id = 'badfaults', vin = '12345678901234567',\n"
			 "  faults = 'sparks:3',\n"
			 "  ecus = { { id = '01', tx = 0x7E0, rx = 0x7E8, obd = true } } }\n") < 0)
		return -1;
	return write_config("profiles/vehicles/ext.lua",
			    "return { id = 'ext', vin = '12345678901234567', protocol = 7,\n"
			    "  ecus = { { id = '01', tx = 0x18DA10F1, rx = 0x18DAF110, obd = true,\n"
			    "             dids = { [0xF189] = '0001' } } } }\n");
}

/* Group teardown: removes the configuration directory. */
static int group_teardown(void **state)
{
	(void)state;
	buf_free(&output);
	return nftw(config_home, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A simulator from spec; fails the test otherwise. */
static struct sim *new_sim(const char *spec)
{
	struct error e = { 0 };
	struct sim *s = NULL;

	if (sim_create(spec, &s, &e) != 0)
		fail_msg("sim_create(\"%s\"): %s", spec, e.text);
	return s;
}

/* Feeds text; returns what the adapter answered. */
static const char *feed(struct sim *s, const char *in)
{
	buf_reset(&output);
	sim_input(s, (const uint8_t *)in, strlen(in), &output);
	return buf_str(&output);
}

/* Feeds text; returns the modelled time it took. */
static uint64_t timed(struct sim *s, const char *in)
{
	uint64_t t0 = sim_now_us(s);

	feed(s, in);
	return sim_now_us(s) - t0;
}

/* UART time of k characters back to back. */
static uint64_t chars_us(long baud, unsigned k)
{
	return ((uint64_t)k * 10000000u + (uint64_t)baud - 1) / (uint64_t)baud;
}

/* Feeds setup commands, each of which must answer OK (echo and LF off). */
static void setup_cmds(struct sim *s, const char *const *cmds)
{
	char line[128];

	for (; *cmds; cmds++) {
		snprintf(line, sizeof line, "%s\r", *cmds);
		if (strcmp(feed(s, line), "OK\r\r>") != 0)
			fail_msg("%s answered \"%s\"", *cmds, buf_str(&output));
	}
}

/* A simulator with echo and linefeeds off, on protocol 6. */
static struct sim *quiet_sim(const char *spec)
{
	static const char *const cmds[] = { "ATL0", "ATSP6", NULL };
	struct sim *s = new_sim(spec);

	assert_string_equal(feed(s, "ATE0\r"), "ATE0\r\nOK\r\n\r\n>");
	setup_cmds(s, cmds);
	return s;
}

/* Index of the demo's body ECU (09). */
static struct sim_ecu *ecu_named(struct sim *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->vehicle.necus; i++)
		if (strcmp(s->vehicle.ecus[i].id, id) == 0)
			return &s->vehicle.ecus[i];
	fail_msg("no ECU %s", id);
	return NULL;
}

/* A request's modelled time is the formula at 38400 and 500000 baud:
 * input line, request frame, reply frame, output line and prompt. */
static void test_request_formula(void **state)
{
	static const long bauds[] = { 38400, 500000 };
	char spec[64];
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct sim *s;
		snprintf(spec, sizeof spec, ",baud=%ld", bauds[i]);
		s = quiet_sim(spec);
		/* "010D1\r" in, "41 0D 00 \r" and "\r>" out; the count ends the wait */
		assert_int_equal(timed(s, "010D1\r"),
				 chars_us(bauds[i], 6) + 2 * FRAME_11_US + chars_us(bauds[i], 12));
		assert_string_equal(buf_str(&output), "41 0D 00 \r\r>");
		sim_free(s);
	}
	assert_int_equal(chars_us(38400, 6) + 2 * FRAME_11_US + chars_us(38400, 12), 5144);
	assert_int_equal(chars_us(500000, 6) + 2 * FRAME_11_US + chars_us(500000, 12), 816);
}

/* Without a count the adapter waits ATST after the reply (ATAT0); with no
 * reply at all it says NO DATA after ATST. */
static void test_st_wait_and_no_data(void **state)
{
	static const char *const cmds[] = { "ATAT0", NULL };
	struct sim *s = quiet_sim(",baud=500000");

	(void)state;
	setup_cmds(s, cmds);
	assert_int_equal(timed(s, "010D\r"), 100 + 2 * FRAME_11_US + 200000 + 40);
	assert_string_equal(buf_str(&output), "41 0D 00 \r\r>");
	assert_string_equal(feed(s, "ATST19\r"), "OK\r\r>"); /* 25 x 4 ms */
	assert_int_equal(timed(s, "010D\r"), 100 + 2 * FRAME_11_US + 100000 + 40);
	/* nobody listens on 7FF: the request frame, ATST, then NO DATA */
	assert_string_equal(feed(s, "ATSH7FF\r"), "OK\r\r>");
	assert_int_equal(timed(s, "0100\r"), 100 + FRAME_11_US + 100000 + 200);
	assert_string_equal(buf_str(&output), "NO DATA\r\r>");
	sim_free(s);
}

/* Adaptive timing: AT1 waits max(32 ms, 2 x latency), AT2 max(16 ms,
 * 1.25 x latency) after a reply; the count digit waits not at all. */
static void test_adaptive_timing(void **state)
{
	struct sim *s = quiet_sim(",baud=500000");
	uint64_t base = 100 + 2 * FRAME_11_US + 40;

	(void)state;
	assert_int_equal(timed(s, "010D\r"), base + 32000);
	assert_string_equal(feed(s, "ATAT2\r"), "OK\r\r>");
	assert_int_equal(timed(s, "010D\r"), base + 16000);
	assert_int_equal(timed(s, "010D1\r"), 120 + 2 * FRAME_11_US + 240);
	sim_free(s);
}

/* A byte during a request stops it; an LF right after the CR does not. */
static void test_stopped(void **state)
{
	struct sim *s = quiet_sim("");

	(void)state;
	assert_string_equal(feed(s, "0100\rX"), "STOPPED\r\r>");
	assert_string_equal(feed(s, "0100\r\n"), "41 00 08 18 00 01 \r\r>");
	/* after STOPPED the line input works again */
	assert_string_equal(feed(s, "ATI\r"), "ELM327 v2.2\r\r>");
	sim_free(s);
}

/* The tester's flow control (ATFC SD) sets block size and STmin; the ECU
 * honours both in modelled time. 27-byte reply: FF + 3 CFs at 500000 baud
 * with headers (29-character lines); the count digit 4 ends the wait at
 * the fourth frame. */
static void test_isotp_bs_stmin(void **state)
{
	static const char *const cmds[] = { "ATH1",	 "ATSH70E",	 "ATCRA778", "ATFCSH70E",
					    "ATFCSD300000", "ATFCSM1", NULL };
	struct sim *s = quiet_sim(",baud=500000");
	const char *reply = "778 10 1B 62 06 00 00 0C 1A \r"
			    "778 21 3F 21 04 00 80 50 18 \r"
			    "778 22 00 22 09 41 11 30 0C \r"
			    "778 23 00 00 00 01 00 00 00 \r\r>";

	(void)state;
	setup_cmds(s, cmds);
	/* no limits: the UART is the bottleneck */
	assert_int_equal(timed(s, "2206004\r"), 2976);
	assert_string_equal(buf_str(&output), reply);
	/* block size 2, STmin 10 ms: CF2 10 ms after CF1, a new FC, CF3 10 ms
	 * after CF2 (STmin also spans the flow control) */
	assert_string_equal(feed(s, "ATFCSD30020A\r"), "OK\r\r>");
	assert_int_equal(timed(s, "2206004\r"), 22148);
	assert_string_equal(buf_str(&output), reply);
	/* STmin F5 = 500 us: CF2 at 1800 us, CF3 at 2528 us, after the UART
	 * drained: CF3's line from 2528 to 3108, the prompt at 3148 */
	assert_string_equal(feed(s, "ATFCSD3000F5\r"), "OK\r\r>");
	assert_int_equal(timed(s, "2206004\r"), 3148);
	sim_free(s);
}

/* The ECU's own flow control (fc_bs, fc_stmin of the profile) paces a
 * segmented request the adapter sends (STPX on an STN profile). */
static void test_ecu_flow_control(void **state)
{
	static const char *const cmds[] = { "ATSH70E", "ATCRA778", NULL };
	const char *line = "STPX h:70E,d:2E0600000C1A3F210400805018002209411130"
			   "0C00000001000000,r:1\r";
	struct sim *s = quiet_sim(",adapter=stn1110,baud=500000");
	struct sim_ecu *body = ecu_named(s, "09");
	uint64_t t_cr = chars_us(500000, (unsigned)strlen(line));

	(void)state;
	setup_cmds(s, cmds);
	body->fc_bs = 1;
	body->fc_stmin = 5;
	/* FF, FC, CF1, FC, CF2 (5 ms after CF1), FC, CF3 (5 ms after CF2),
	 * then the reply and "6E 06 00 \r\r>" */
	assert_int_equal(timed(s, line), t_cr + 11368 + 240);
	assert_string_equal(buf_str(&output), "6E 06 00 \r\r>");
	body->fc_bs = 0;
	body->fc_stmin = 0;
	assert_int_equal(timed(s, line), t_cr + 6 * FRAME_11_US + 240);
	sim_free(s);
}

/* 29-bit frames take 134 bit times. */
static void test_29bit_frame_time(void **state)
{
	struct sim *s = new_sim("ext,baud=500000");

	(void)state;
	assert_string_equal(feed(s, "ATE0\r"), "ATE0\r\nOK\r\n\r\n>");
	assert_string_equal(feed(s, "ATL0\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATSP7\r"), "OK\r\r>");
	assert_int_equal(timed(s, "01001\r"), 120 + 2 * FRAME_29_US + chars_us(500000, 21));
	assert_string_equal(buf_str(&output), "41 00 08 18 00 01 \r\r>");
	/* a 250 kbit/s protocol on a 500 kbit/s bus */
	assert_string_equal(feed(s, "ATSP9\r"), "OK\r\r>");
	assert_string_equal(feed(s, "0100\r"), "CAN ERROR\r\r>");
	sim_free(s);
}

/* A reply longer than the UART can carry overflows the transmit buffer:
 * BUFFER FULL; an STmin slower than a line keeps up. */
static void test_buffer_full_model(void **state)
{
	static const char *const cmds[] = { "ATH1", "ATSH7E0", NULL };
	struct sim *s = quiet_sim("long");
	const char *out;

	(void)state;
	setup_cmds(s, cmds);
	out = feed(s, "220100\r");
	assert_int_equal(strncmp(out, "7E8 10 CB 62 01 00 58 58 58 \r7E8 21 58", 38), 0);
	assert_non_null(strstr(out, "\rBUFFER FULL\r\r>"));
	/* 8 ms between frames, a line takes 7.6 ms at 38400: all 29 lines */
	assert_string_equal(feed(s, "ATFCSH7E0\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATFCSD300008\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATFCSM1\r"), "OK\r\r>");
	out = feed(s, "220100\r");
	assert_null(strstr(out, "BUFFER FULL"));
	assert_non_null(strstr(out, "7E8 2D 58 AA AA AA AA AA AA \r\r>"));
	sim_free(s);
}

/* A reply after the prompt is lost; ATMA shows a late one. */
static void test_late_reply_and_monitor(void **state)
{
	static const uint8_t msg[] = { 0x7E, 0x00 };
	struct sim *s = quiet_sim(",baud=500000");
	struct sim_ecu *engine = ecu_named(s, "01");
	struct buf b = { 0 };

	(void)state;
	assert_string_equal(feed(s, "ATH1\r"), "OK\r\r>");
	pthread_mutex_lock(s->lock);
	sim_ecu_reply(s, engine, 50000, msg, sizeof msg);
	pthread_mutex_unlock(s->lock);
	assert_int_equal(sim_run(s, sim_now_us(s) + 100000, &b), 0);
	assert_string_equal(buf_str(&b), ""); /* nobody listened */
	pthread_mutex_lock(s->lock);
	sim_ecu_reply(s, engine, 50000, msg, sizeof msg);
	pthread_mutex_unlock(s->lock);
	assert_string_equal(feed(s, "ATMA\r"), "");
	assert_int_equal(sim_run(s, sim_now_us(s) + 100000, &b), 0);
	assert_string_equal(buf_str(&b), "7E8 02 7E 00 \r");
	assert_string_equal(feed(s, "X"), "STOPPED\r\r>");
	buf_free(&b);
	sim_free(s);
}

/* An ECU gives up a segmented reply when the tester's flow control does
 * not come within 1 s (N_Bs). */
static void test_ecu_n_bs(void **state)
{
	static const char *const cmds[] = { "ATH1", "ATSH70E", "ATCRA778", "ATCAF0", "ATCFC0",
					    NULL };
	struct sim *s = quiet_sim("");
	struct buf b = { 0 };

	(void)state;
	setup_cmds(s, cmds);
	assert_string_equal(feed(s, "0322F190\r"), "778 10 14 62 F1 90 4F 42 44 \r\r>");
	assert_int_equal(sim_run(s, sim_now_us(s) + 1500000, &b), 0);
	assert_string_equal(feed(s, "300000\r"), "NO DATA\r\r>");
	assert_string_equal(feed(s, "0322F190\r"), "778 10 14 62 F1 90 4F 42 44 \r\r>");
	assert_string_equal(feed(s, "300000\r"), "778 21 44 45 4D 4F 30 53 49 \r"
						 "778 22 4D 30 30 30 30 30 31 \r\r>");
	buf_free(&b);
	sim_free(s);
}

/* ATBRD: the new rate after a CR in time (the next command is faster);
 * no CR within ATBRT: back to the old rate. */
static void test_brd_timing(void **state)
{
	struct sim *s = quiet_sim("");
	struct buf b = { 0 };

	(void)state;
	assert_int_equal(timed(s, "ATI\r"), chars_us(38400, 4) + chars_us(38400, 14));
	assert_string_equal(feed(s, "ATBRD08\r"), "OK\rELM327 v2.2\r");
	assert_int_equal(s->at.baud, 500000);
	assert_string_equal(feed(s, "\r"), "OK\r\r>");
	assert_int_equal(timed(s, "ATI\r"), chars_us(500000, 4) + chars_us(500000, 14));
	assert_string_equal(feed(s, "ATBRD23\r"), "OK\rELM327 v2.2\r");
	assert_int_equal(sim_run(s, sim_now_us(s) + 80000, &b), 0);
	assert_string_equal(buf_str(&b), "\r>");
	assert_int_equal(s->at.baud, 500000);
	/* ATZ goes back to the power-up rate */
	assert_string_equal(feed(s, "ATZ\r"), "\r\n\r\nELM327 v2.2\r\n\r\n>");
	assert_int_equal(s->at.baud, 38400);
	buf_free(&b);
	sim_free(s);
}

/* Statistics: characters, frames and requests both ways. */
static void test_stats(void **state)
{
	struct sim *s = quiet_sim("");
	struct sim_stats a, b;

	(void)state;
	sim_stats(s, &a);
	feed(s, "0902\r");
	sim_stats(s, &b);
	assert_int_equal(b.chars_to_adapter - a.chars_to_adapter, 5);
	assert_int_equal(b.chars_from_adapter - a.chars_from_adapter, strlen(buf_str(&output)));
	assert_int_equal(b.frames_to_ecu - a.frames_to_ecu, 2);   /* request, FC */
	assert_int_equal(b.frames_from_ecu - a.frames_from_ecu, 3); /* FF, 2 CFs */
	assert_int_equal(b.requests - a.requests, 1);
	assert_int_equal(b.modelled_us, sim_now_us(s));
	sim_free(s);
}

/* Each fault item has its effect; unknown items are refused by name. */
static void test_fault_parse(void **state)
{
	struct error e = { 0 };
	struct sim *s = NULL;

	(void)state;
	s = new_sim(",faults=pending:3+silent:09@5+volts:11.8+seed:7");
	assert_int_equal(s->faults.pending, 3);
	assert_int_equal(s->faults.silent_after, 5);
	assert_string_equal(s->faults.silent_ecu, "09");
	assert_true(s->faults.volts > 11.79 && s->faults.volts < 11.81);
	assert_int_equal(s->faults.seed, 7);
	assert_int_equal(s->faults.eof_at, -1);
	assert_string_equal(feed(s, "ATRV\r"), "ATRV\r\n11.8V\r\n\r\n>");
	sim_free(s);
	s = new_sim(",faults=silent@0");
	assert_int_equal(s->faults.silent_after, 0);
	assert_string_equal(s->faults.silent_ecu, "");
	sim_free(s);
	assert_int_equal(sim_create(",faults=wobble:3", &s, &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "\"wobble:3\""));
	assert_non_null(strstr(e.text, "bufferfull@N"));
	assert_int_equal(sim_create(",faults=drop:2", &s, &e), -ERR_ARG);
	assert_int_equal(sim_create(",faults=eof@0", &s, &e), -ERR_ARG);
	assert_int_equal(sim_create(",faults=silent:@3", &s, &e), -ERR_ARG);
	assert_int_equal(sim_create(",faults=", &s, &e), -ERR_ARG);
	assert_null(s);
}

/* sag:V:MS@N: the battery reads V once N bytes crossed the link, for MS
 * milliseconds of modelled time; malformed items are refused. */
static void test_sag_fault(void **state)
{
	struct error e = { 0 };
	struct sim *s = quiet_sim(",faults=sag:10.5:2000@50"); /* 40 bytes so far */
	struct buf out = { 0 };

	(void)state;
	assert_string_equal(feed(s, "ATRV\r"), "12.6V\r\r>"); /* the sag starts in its answer */
	assert_string_equal(feed(s, "ATRV\r"), "10.5V\r\r>");
	assert_int_equal(sim_run(s, sim_now_us(s) + 1500000, &out), 0);
	assert_string_equal(feed(s, "ATRV\r"), "10.5V\r\r>");
	assert_int_equal(sim_run(s, sim_now_us(s) + 500000, &out), 0);
	assert_string_equal(feed(s, "ATRV\r"), "12.6V\r\r>");
	assert_string_equal(feed(s, "ATRV\r"), "12.6V\r\r>"); /* once only */
	sim_free(s);
	s = quiet_sim(",faults=volts:11.9+sag:11.2:100@0");
	assert_string_equal(feed(s, "ATRV\r"), "11.2V\r\r>");
	assert_int_equal(sim_run(s, sim_now_us(s) + 100000, &out), 0);
	assert_string_equal(feed(s, "ATRV\r"), "11.9V\r\r>"); /* back to the volts fault's */
	sim_free(s);
	s = NULL;
	assert_int_equal(sim_create(",faults=sag:10.5@5", &s, &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "sag:V:MS@N"));
	assert_int_equal(sim_create(",faults=sag:10.5:0@5", &s, &e), -ERR_ARG);
	assert_int_equal(sim_create(",faults=sag:10.5:100", &s, &e), -ERR_ARG);
	assert_int_equal(sim_create(",faults=sag:x:100@5", &s, &e), -ERR_ARG);
	assert_int_equal(sim_create(",faults=sag:50:100@5", &s, &e), -ERR_ARG);
	assert_null(s);
	buf_free(&out);
}

/* A vehicle profile's faults string applies first, the spec's after it. */
static void test_vehicle_faults(void **state)
{
	struct error e = { 0 };
	struct sim *s = quiet_sim("faulty");

	(void)state;
	assert_string_equal(feed(s, "ATRV\r"), "12.1V\r\r>");
	assert_string_equal(feed(s, "010D\r"), "CAN ERROR\r\r>");
	assert_string_equal(feed(s, "010D1\r"), "41 0D 00 \r\r>");
	sim_free(s);
	s = quiet_sim("faulty,faults=volts:11");
	assert_string_equal(feed(s, "ATRV\r"), "11.0V\r\r>");
	sim_free(s);
	s = NULL;
	assert_int_equal(sim_create("badfaults", &s, &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "badfaults.lua"));
	assert_non_null(strstr(e.text, "sparks:3"));
	assert_null(s);
}

/* ATRV reads the vehicle's battery: charging while the engine runs. */
static void test_atrv_engine(void **state)
{
	struct sim *s = quiet_sim("running");
	const char *out = feed(s, "ATRV\r");

	(void)state;
	assert_int_equal(strlen(out), strlen("14.2V\r\r>"));
	assert_int_equal(strncmp(out, "14.", 3), 0);
	assert_string_equal(out + 4, "V\r\r>");
	sim_free(s);
}

/* reset@N: the banner interrupts the reply after N bytes; defaults again. */
static void test_fault_reset(void **state)
{
	struct sim *s = new_sim(",faults=reset@30");

	(void)state;
	/* "ATE0\r\nOK\r\n\r\n>" is 13 bytes, "OK\r\r>" 5, "OK\r\r>" 5: byte 30
	 * is the 7th of the reply */
	assert_string_equal(feed(s, "ATE0\r"), "ATE0\r\nOK\r\n\r\n>");
	assert_string_equal(feed(s, "ATL0\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATSP6\r"), "OK\r\r>");
	assert_string_equal(feed(s, "0100\r"), "41 00 0\r\n\r\nELM327 v2.2\r\n\r\n>");
	/* echo and protocol are back to their defaults */
	assert_string_equal(feed(s, "ATDPN\r"), "ATDPN\r\nA0\r\n\r\n>");
	sim_free(s);
}

/* eof@N: the link carries exactly N bytes, then sim_input says EOF. */
static void test_fault_eof(void **state)
{
	struct sim *s = new_sim(",faults=eof@10");
	struct buf b = { 0 };

	(void)state;
	/* 4 bytes in, 6 out */
	assert_int_equal(sim_input(s, (const uint8_t *)"ATI\r", 4, &b), -ERR_EOF);
	assert_string_equal(buf_str(&b), "ATI\r\nE");
	buf_reset(&b);
	assert_int_equal(sim_input(s, (const uint8_t *)"ATI\r", 4, &b), -ERR_EOF);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	sim_free(s);
}

/* bufferfull@N and canerror@N hit exactly the Nth data request. */
static void test_fault_requests(void **state)
{
	struct sim *s = quiet_sim(",faults=bufferfull@2+canerror@3");

	(void)state;
	assert_string_equal(feed(s, "010D\r"), "41 0D 00 \r\r>");
	assert_string_equal(feed(s, "010D\r"), "41 0DBUFFER FULL\r\r>");
	assert_string_equal(feed(s, "010D\r"), "CAN ERROR\r\r>");
	assert_string_equal(feed(s, "010D\r"), "41 0D 00 \r\r>");
	sim_free(s);
}

/* Output of the adapter under drop:/junk: with a seed. */
static char *faulty_output(const char *faults)
{
	char spec[128];
	struct sim *s;
	char *copy;

	snprintf(spec, sizeof spec, ",faults=%s", faults);
	s = new_sim(spec);
	buf_reset(&output);
	sim_input(s, (const uint8_t *)"ATI\rATI\rATI\rATI\r", 16, &output);
	copy = malloc(output.len + 1);
	assert_non_null(copy);
	memcpy(copy, output.data, output.len + 1);
	sim_free(s);
	return copy;
}

/* drop: loses bytes, junk: adds NUL/FC/FF; the same seed repeats a run. */
static void test_fault_drop_junk(void **state)
{
	const char *clean = "ATI\r\nELM327 v2.2\r\n\r\n>";
	char *a, *b, *c, *all, *none;
	size_t i, j;

	(void)state;
	none = faulty_output("drop:1");
	assert_string_equal(none, "");
	a = faulty_output("drop:0.3+seed:7");
	b = faulty_output("drop:0.3+seed:7");
	c = faulty_output("drop:0.3+seed:8");
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_true(strlen(a) < 4 * strlen(clean));
	/* junk:1: a junk byte before every byte, the bytes themselves intact */
	all = faulty_output("junk:1");
	for (i = 0, j = 0; clean[j]; i += 2, j++) {
		uint8_t junk = (uint8_t)all[i];
		assert_true(junk == 0x00 || junk == 0xFC || junk == 0xFF);
		assert_int_equal(all[i + 1], clean[j]);
	}
	free(a);
	free(b);
	free(c);
	free(all);
	free(none);
}

/* Throttled serving takes at least the modelled time in real time. */
static void test_throttle(void **state)
{
	struct error e = { 0 };
	struct link *console = NULL;
	struct sim_thread *t = NULL;
	struct buf b = { 0 };
	char chunk[256];
	int64_t t0;
	long n;

	(void)state;
	/* ATZ at 9600 baud: 4 characters in, the 100 ms reset, 21 characters
	 * of banner: 126 ms modelled */
	assert_int_equal(sim_spawn(",adapter=stn1110,baud=9600,throttle", &console, &t, &e), 0);
	t0 = clock_us();
	assert_int_equal(link_write(console, "ATZ\r", 4, 1000, &e), 0);
	while (b.len == 0 || b.data[b.len - 1] != '>') {
		n = link_read(console, chunk, sizeof chunk, 3000, &e);
		if (n <= 0)
			fail_msg("link_read: %ld %s", n, e.text);
		buf_append(&b, chunk, (size_t)n);
	}
	assert_true(clock_us() - t0 >= 120000);
	assert_string_equal(buf_str(&b), "ATZ\r\n\r\n\r\nELM327 v1.4b\r\n\r\n>");
	link_close(console);
	sim_thread_stop(t);
	buf_free(&b);
}

/* Runs every test as one group (one TAP plan). */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_formula),
		cmocka_unit_test(test_st_wait_and_no_data),
		cmocka_unit_test(test_adaptive_timing),
		cmocka_unit_test(test_stopped),
		cmocka_unit_test(test_isotp_bs_stmin),
		cmocka_unit_test(test_ecu_flow_control),
		cmocka_unit_test(test_29bit_frame_time),
		cmocka_unit_test(test_buffer_full_model),
		cmocka_unit_test(test_late_reply_and_monitor),
		cmocka_unit_test(test_ecu_n_bs),
		cmocka_unit_test(test_brd_timing),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_fault_parse),
		cmocka_unit_test(test_sag_fault),
		cmocka_unit_test(test_vehicle_faults),
		cmocka_unit_test(test_atrv_engine),
		cmocka_unit_test(test_fault_reset),
		cmocka_unit_test(test_fault_eof),
		cmocka_unit_test(test_fault_requests),
		cmocka_unit_test(test_fault_drop_junk),
		cmocka_unit_test(test_throttle),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
