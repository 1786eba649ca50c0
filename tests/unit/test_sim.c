/* test_sim.c: the simulator's deterministic core (sim_input) against exact
 * adapter output, its profiles, and serving it in a thread over a link. */
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
#include "util/buf.h"
#include "util/error.h"
#include "util/fsutil.h"

/* The VIN of profiles/vehicles/demo.lua, and its bytes as the ELM prints them. */
#define DEMO_VIN "OBDDEMO0SIM000001"

/* Private $XDG_CONFIG_HOME for the whole group, so no user profile leaks in. */
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

/* Group setup: a private, empty configuration directory. */
static int group_setup(void **state)
{
	(void)state;
	snprintf(config_home, sizeof config_home, "%s/obdcon-test-sim-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(config_home) == NULL)
		return -1;
	return setenv("XDG_CONFIG_HOME", config_home, 1);
}

/* Group teardown: removes the configuration directory. */
static int group_teardown(void **state)
{
	(void)state;
	buf_free(&output);
	return nftw(config_home, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes a file under the private configuration directory. */
static void write_config(const char *rel, const char *text)
{
	char path[PATH_MAX + 128];
	struct error e = { 0 };
	char *slash;

	snprintf(path, sizeof path, "%s/obdcon/%s", config_home, rel);
	slash = strrchr(path, '/');
	*slash = 0;
	assert_int_equal(fs_mkdir_p(path, 0700, &e), 0);
	*slash = '/';
	assert_int_equal(fs_write_atomic(path, text, strlen(text), 0600, &e), 0);
}

/* A simulator from spec; fails the test with the error text otherwise. */
static struct sim *new_sim(const char *spec)
{
	struct error e = { 0 };
	struct sim *s = NULL;

	if (sim_create(spec, &s, &e) != 0)
		fail_msg("sim_create(\"%s\"): %s", spec, e.text);
	return s;
}

/* Feeds text to the simulator; returns what it answered. */
static const char *feed(struct sim *s, const char *in)
{
	buf_reset(&output);
	sim_input(s, (const uint8_t *)in, strlen(in), &output);
	return buf_str(&output);
}

/* Feeds n bytes (NUL allowed) to the simulator; returns what it answered. */
static const char *feedn(struct sim *s, const char *in, size_t n)
{
	buf_reset(&output);
	sim_input(s, (const uint8_t *)in, n, &output);
	return buf_str(&output);
}

/* A demo simulator with echo and linefeeds off (the shortest output). */
static struct sim *quiet_sim(void)
{
	struct sim *s = new_sim("");

	assert_string_equal(feed(s, "ATE0\r"), "ATE0\r\nOK\r\n\r\n>");
	assert_string_equal(feed(s, "ATL0\r"), "OK\r\r>");
	return s;
}

/* A simulator from spec with echo and linefeeds off. */
static struct sim *quiet_sim_spec(const char *spec)
{
	struct sim *s = new_sim(spec);

	feed(s, "ATE0\r");
	assert_string_equal(feed(s, "ATL0\r"), "OK\r\r>");
	return s;
}

/* Feeds several setup commands, each of which must answer OK. */
static void setup_cmds(struct sim *s, const char *const *cmds)
{
	char line[64];

	for (; *cmds; cmds++) {
		snprintf(line, sizeof line, "%s\r", *cmds);
		assert_string_equal(feed(s, line), "OK\r\r>");
	}
}

/* ATZ prints the echo, a blank line, the banner and the prompt. */
static void test_atz_banner(void **state)
{
	struct sim *s = new_sim("");

	(void)state;
	assert_string_equal(feed(s, "ATZ\r"), "ATZ\r\n\r\n\r\nELM327 v2.2\r\n\r\n>");
	assert_string_equal(feed(s, "AT@1\r"), "AT@1\r\nOBDII to RS232 Interpreter\r\n\r\n>");
	assert_string_equal(feed(s, "ATRV\r"), "ATRV\r\n12.6V\r\n\r\n>");
	sim_free(s);
}

/* ATE0 silences the echo from the next command on. */
static void test_echo_off(void **state)
{
	struct sim *s = new_sim("");

	(void)state;
	assert_string_equal(feed(s, "ATE0\r"), "ATE0\r\nOK\r\n\r\n>");
	assert_string_equal(feed(s, "ATI\r"), "ELM327 v2.2\r\n\r\n>");
	assert_string_equal(feed(s, "at e1\r"), "OK\r\n\r\n>");
	assert_string_equal(feed(s, "ATI\r"), "ATI\r\nELM327 v2.2\r\n\r\n>");
	sim_free(s);
}

/* ATL0/ATL1 switch the LF after every CR. */
static void test_linefeeds(void **state)
{
	struct sim *s = quiet_sim();

	(void)state;
	assert_string_equal(feed(s, "ATI\r"), "ELM327 v2.2\r\r>");
	assert_string_equal(feed(s, "ATL1\r"), "OK\r\n\r\n>");
	assert_string_equal(feed(s, "ATL0\r"), "OK\r\r>");
	sim_free(s);
}

/* ATH1/ATS0 formatting of a single frame (the padding is not shown). */
static void test_headers_spaces(void **state)
{
	static const char *const cmds[] = { "ATSP6", "ATH1", NULL };
	struct sim *s = quiet_sim();

	(void)state;
	setup_cmds(s, cmds);
	assert_string_equal(feed(s, "010D\r"), "7E8 03 41 0D 00 \r\r>");
	assert_string_equal(feed(s, "ATS0\r"), "OK\r\r>");
	assert_string_equal(feed(s, "010D\r"), "7E803410D00\r\r>");
	assert_string_equal(feed(s, "ATH0\r"), "OK\r\r>");
	assert_string_equal(feed(s, "01 0d\r"), "410D00\r\r>");
	sim_free(s);
}

/* The first request in protocol 0 searches; ATDP/ATDPN then say so. */
static void test_searching(void **state)
{
	struct sim *s = quiet_sim();

	(void)state;
	assert_string_equal(feed(s, "ATDPN\r"), "A0\r\r>");
	assert_string_equal(feed(s, "ATDP\r"), "AUTO\r\r>");
	assert_string_equal(feed(s, "0100\r"), "SEARCHING...\r41 00 08 18 00 01 \r\r>");
	assert_string_equal(feed(s, "0100\r"), "41 00 08 18 00 01 \r\r>");
	assert_string_equal(feed(s, "ATDPN\r"), "A6\r\r>");
	assert_string_equal(feed(s, "ATDP\r"), "AUTO, ISO 15765-4 (CAN 11/500)\r\r>");
	assert_string_equal(feed(s, "ATSP6\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATDPN\r"), "6\r\r>");
	assert_string_equal(feed(s, "ATDP\r"), "ISO 15765-4 (CAN 11/500)\r\r>");
	assert_string_equal(feed(s, "ATSPA8\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATDPN\r"), "A8\r\r>");
	sim_free(s);
}

/* A functional 0100 (7DF) is answered by the engine only; OBD PIDs. */
static void test_functional_obd(void **state)
{
	static const char *const cmds[] = { "ATSP6", "ATH1", NULL };
	struct sim *s = quiet_sim();

	(void)state;
	setup_cmds(s, cmds);
	assert_string_equal(feed(s, "0100\r"), "7E8 06 41 00 08 18 00 01 \r\r>");
	assert_string_equal(feed(s, "0120\r"), "7E8 06 41 20 00 00 00 01 \r\r>");
	assert_string_equal(feed(s, "0140\r"), "7E8 06 41 40 40 00 00 00 \r\r>");
	assert_string_equal(feed(s, "01050D\r"), "7E8 05 41 05 40 0D 00 \r\r>");
	assert_string_equal(feed(s, "010C\r"), "7E8 04 41 0C 00 00 \r\r>");
	assert_string_equal(feed(s, "0142\r"), "7E8 04 41 42 31 38 \r\r>");
	assert_string_equal(feed(s, "0160\r"), "NO DATA\r\r>");
	assert_string_equal(feed(s, "0900\r"), "7E8 06 49 00 40 00 00 00 \r\r>");
	/* functional UDS with an unknown service: the NRC is suppressed */
	assert_string_equal(feed(s, "2F00\r"), "NO DATA\r\r>");
	sim_free(s);
}

/* Mode 09 PID 02 from the engine: segmented, automatic flow control. */
static void test_obd_vin(void **state)
{
	static const char *const cmds[] = { "ATSP6", NULL };
	struct sim *s = quiet_sim();

	(void)state;
	setup_cmds(s, cmds);
	assert_string_equal(feed(s, "0902\r"), "014 \r"
					       "0: 49 02 01 4F 42 44 \r"
					       "1: 44 45 4D 4F 30 53 49 \r"
					       "2: 4D 30 30 30 30 30 31 \r\r>");
	assert_string_equal(sim_vin(s), DEMO_VIN);
	sim_free(s);
}

/* Sets up the body ECU (09, 70E/778) with a filter and flow control. */
static struct sim *body_sim(bool headers)
{
	static const char *const cmds[] = { "ATSP6",	  "ATSH70E",	 "ATCRA778",
					    "ATFCSH70E", "ATFCSD300000", "ATFCSM1",
					    NULL };
	struct sim *s = quiet_sim();

	setup_cmds(s, cmds);
	assert_string_equal(feed(s, headers ? "ATH1\r" : "ATH0\r"), "OK\r\r>");
	return s;
}

/* 22F190 from the body ECU with headers: first frame + 2 consecutive. */
static void test_vin_headers(void **state)
{
	struct sim *s = body_sim(true);

	(void)state;
	assert_string_equal(feed(s, "22F190\r"), "778 10 14 62 F1 90 4F 42 44 \r"
						 "778 21 44 45 4D 4F 30 53 49 \r"
						 "778 22 4D 30 30 30 30 30 31 \r\r>");
	sim_free(s);
}

/* The same without headers: length line, then numbered lines. */
static void test_vin_no_headers(void **state)
{
	struct sim *s = body_sim(false);

	(void)state;
	assert_string_equal(feed(s, "22F190\r"), "014 \r"
						 "0: 62 F1 90 4F 42 44 \r"
						 "1: 44 45 4D 4F 30 53 49 \r"
						 "2: 4D 30 30 30 30 30 31 \r\r>");
	assert_string_equal(feed(s, "ATS0\r"), "OK\r\r>");
	assert_string_equal(feed(s, "22F190\r"), "014\r"
						 "0:62F1904F4244\r"
						 "1:44454D4F305349\r"
						 "2:4D303030303031\r\r>");
	/* the last consecutive frame shows its padding */
	assert_string_equal(feed(s, "22F187\r"), "00E\r"
						 "0:62F187354B30\r"
						 "1:39333730383741\r"
						 "2:42AAAAAAAAAAAA\r\r>");
	sim_free(s);
}

/* Without ATFC SH, the automatic flow control answers a non-OBD
 * identifier on itself: the ECU never gets it, only the first frame comes
 * (a real ELM327 does this). OBD identifiers work without it. */
static void test_auto_flow_control(void **state)
{
	static const char *const cmds[] = { "ATSP6", "ATH1", "ATSH70E", "ATCRA778", NULL };
	struct sim *s = quiet_sim();

	(void)state;
	setup_cmds(s, cmds);
	assert_string_equal(feed(s, "22F190\r"), "778 10 14 62 F1 90 4F 42 44 \r\r>");
	assert_string_equal(feed(s, "ATSH7E0\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATCRA\r"), "OK\r\r>");
	assert_string_equal(feed(s, "22F190\r"), "7E8 10 14 62 F1 90 4F 42 44 \r"
						 "7E8 21 44 45 4D 4F 30 53 49 \r"
						 "7E8 22 4D 30 30 30 30 30 31 \r\r>");
	sim_free(s);
}

/* A short DID is a single frame; unknown DIDs and bad lengths are NRCs. */
static void test_read_did(void **state)
{
	struct sim *s = body_sim(false);

	(void)state;
	assert_string_equal(feed(s, "22F189\r"), "62 F1 89 30 34 35 30 \r\r>");
	assert_string_equal(feed(s, "22F1FF\r"), "7F 22 31 \r\r>");
	assert_string_equal(feed(s, "22F1\r"), "7F 22 13 \r\r>");
	assert_string_equal(feed(s, "ATH1\r"), "OK\r\r>");
	assert_string_equal(feed(s, "22F189\r"), "778 07 62 F1 89 30 34 35 30 \r\r>");
	sim_free(s);
}

/* 0x2E: wrong length, not writable, then a write and its read-back. */
static void test_write_did(void **state)
{
	struct sim *s = body_sim(false);
	uint8_t val[8];
	size_t len = 0;

	(void)state;
	assert_string_equal(feed(s, "2E060101\r"), "7F 2E 13 \r\r>");
	assert_string_equal(feed(s, "2EF18930343531\r"), "7F 2E 31 \r\r>");
	assert_string_equal(feed(s, "2E12340000\r"), "7F 2E 31 \r\r>");
	assert_string_equal(feed(s, "2E06010005\r"), "6E 06 01 \r\r>");
	assert_string_equal(feed(s, "220601\r"), "62 06 01 00 05 \r\r>");
	assert_int_equal(sim_get_did(s, "09", 0x0601, val, sizeof val, &len), 0);
	assert_int_equal(len, 2);
	assert_int_equal(val[0], 0x00);
	assert_int_equal(val[1], 0x05);
	assert_int_equal(sim_get_did(s, "09", 0x0600, val, sizeof val, &len), -1);
	assert_int_equal(len, 24);
	assert_int_equal(sim_get_did(s, "42", 0xF190, val, sizeof val, &len), -1);
	sim_free(s);
}

/* Other services of the default session. */
static void test_services(void **state)
{
	struct sim *s = body_sim(false);

	(void)state;
	assert_string_equal(feed(s, "1001\r"), "50 01 00 32 01 F4 \r\r>");
	assert_string_equal(feed(s, "1003\r"), "7F 10 12 \r\r>");
	assert_string_equal(feed(s, "3E00\r"), "7E 00 \r\r>");
	assert_string_equal(feed(s, "3E80\r"), "NO DATA\r\r>");
	assert_string_equal(feed(s, "1101\r"), "7F 11 11 \r\r>");
	assert_string_equal(feed(s, "0100\r"), "7F 01 11 \r\r>");
	sim_free(s);
}

/* ATCRA drops frames of other identifiers: NO DATA. */
static void test_filter(void **state)
{
	static const char *const cmds[] = { "ATSP6", "ATSH7E0", "ATCRA778", NULL };
	struct sim *s = quiet_sim();

	(void)state;
	setup_cmds(s, cmds);
	assert_string_equal(feed(s, "0100\r"), "NO DATA\r\r>");
	assert_string_equal(feed(s, "ATCRA7EX\r"), "OK\r\r>");
	assert_string_equal(feed(s, "0100\r"), "41 00 08 18 00 01 \r\r>");
	/* without a filter only 7E8-7EF pass: the body ECU's 778 does not */
	assert_string_equal(feed(s, "ATCRA\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATSH70E\r"), "OK\r\r>");
	assert_string_equal(feed(s, "22F189\r"), "NO DATA\r\r>");
	sim_free(s);
}

/* Unknown commands and malformed data lines get "?". */
static void test_unknown(void **state)
{
	struct sim *s = quiet_sim();

	(void)state;
	assert_string_equal(feed(s, "ATXYZ\r"), "?\r\r>");
	assert_string_equal(feed(s, "HELLO\r"), "?\r\r>");
	assert_string_equal(feed(s, "STI\r"), "?\r\r>");
	assert_string_equal(feed(s, "ATE2\r"), "?\r\r>");
	assert_string_equal(feed(s, "ATSH7E\r"), "?\r\r>");
	assert_string_equal(feed(s, "ATSPD\r"), "?\r\r>");
	assert_string_equal(feed(s, "ATFCSM1\r"), "?\r\r>");
	assert_string_equal(feed(s, "010\r"), "?\r\r>");        /* count digit 0 */
	assert_string_equal(feed(s, "0102030405060708\r"), "?\r\r>"); /* 8 bytes, CAF1 */
	sim_free(s);
}

/* A bare CR repeats the last command; with echo on only CR is echoed. */
static void test_repeat(void **state)
{
	struct sim *s = new_sim("");

	(void)state;
	assert_string_equal(feed(s, "\r"), "\r\n>");
	assert_string_equal(feed(s, "ATI\r"), "ATI\r\nELM327 v2.2\r\n\r\n>");
	assert_string_equal(feed(s, "\r"), "\r\nELM327 v2.2\r\n\r\n>");
	assert_string_equal(feed(s, "ATE0\r"), "ATE0\r\nOK\r\n\r\n>");
	assert_string_equal(feed(s, "ATSP6\r010D\r"), "OK\r\n\r\n>41 0D 00 \r\n\r\n>");
	assert_string_equal(feed(s, "\r"), "41 0D 00 \r\n\r\n>");
	sim_free(s);
}

/* An overlong line gets "?" and the next line works again; LF, NUL and
 * split input are handled. */
static void test_line_input(void **state)
{
	char line[400];
	struct sim *s = quiet_sim();

	(void)state;
	memset(line, 'A', 300);
	strcpy(line + 300, "\r");
	assert_string_equal(feed(s, line), "?\r\r>");
	assert_string_equal(feed(s, "AT"), "");
	assert_string_equal(feed(s, "I\r\n"), "ELM327 v2.2\r\r>");
	assert_string_equal(feedn(s, "\nA\0T\tI\r", 7), "ELM327 v2.2\r\r>");
	sim_free(s);
}

/* The response count digit stops after that many frames (lines, as the
 * ELM327 data sheet counts them): three for a segmented reply in three
 * frames; one stops after its first frame. */
static void test_response_count(void **state)
{
	struct sim *s = body_sim(true);

	(void)state;
	assert_string_equal(feed(s, "22F1903\r"), "778 10 14 62 F1 90 4F 42 44 \r"
						  "778 21 44 45 4D 4F 30 53 49 \r"
						  "778 22 4D 30 30 30 30 30 31 \r\r>");
	assert_string_equal(feed(s, "3E00 1\r"), "778 02 7E 00 \r\r>");
	assert_string_equal(feed(s, "22F1901\r"), "778 10 14 62 F1 90 4F 42 44 \r\r>");
	sim_free(s);
}

/* With CAF0 frames go out as given and come back whole, padding included;
 * the host does ISO-TP: a 24-byte coding write as first frame plus three
 * consecutive frames, answered by the ECU's flow control and reply. */
static void test_caf0_coding_write(void **state)
{
	static const char *const cmds[] = { "ATCAF0", "ATCFC0", "ATH1", NULL };
	struct sim *s = body_sim(true);
	uint8_t val[24];
	size_t len = 0;

	(void)state;
	setup_cmds(s, cmds);
	assert_string_equal(feed(s, "023E00\r"), "778 02 7E 00 AA AA AA AA AA \r\r>");
	assert_string_equal(feed(s, "101B2E0600000C1A\r"), "778 30 00 00 AA AA AA AA AA \r\r>");
	assert_string_equal(feed(s, "213F210400805018\r"), "NO DATA\r\r>");
	assert_string_equal(feed(s, "220022094115300C\r"), "NO DATA\r\r>");
	assert_string_equal(feed(s, "2300000001000000\r"), "778 03 6E 06 00 AA AA AA AA \r\r>");
	assert_int_equal(sim_get_did(s, "09", 0x0600, val, sizeof val, &len), 0);
	assert_int_equal(len, 24);
	assert_int_equal(val[14], 0x15); /* byte 14 bit 2 now set */
	assert_int_equal(val[23], 0x00);
	/* the host acknowledges a segmented reply with its own flow control */
	assert_string_equal(feed(s, "0322F190\r"), "778 10 14 62 F1 90 4F 42 44 \r\r>");
	assert_string_equal(feed(s, "300000\r"), "778 21 44 45 4D 4F 30 53 49 \r"
						 "778 22 4D 30 30 30 30 30 31 \r\r>");
	sim_free(s);
}

/* A flow control that is really a request makes an endless stream: it
 * ends with BUFFER FULL instead of hanging. */
static void test_endless_stream(void **state)
{
	static const char *const cmds[] = { "ATSP6", "ATSH7E0", "ATFCSH7E0", "ATFCSD0322F190",
					    "ATFCSM1", NULL };
	struct sim *s = quiet_sim();
	const char *out;

	(void)state;
	setup_cmds(s, cmds);
	out = feed(s, "22F190\r");
	assert_int_equal(strncmp(out, "014 \r0: 62 F1 90 4F 42 44 \r014 \r", 32), 0);
	assert_non_null(strstr(out, "BUFFER FULL\r\r>"));
	assert_string_equal(feed(s, "ATFCSM0\r"), "OK\r\r>");
	assert_string_equal(feed(s, "22F189\r"), "62 F1 89 32 31 33 30 \r\r>");
	sim_free(s);
	/* reassembling (STCSEGR 1) prints nothing while the stream goes on:
	 * the adapter still gives up after SIM_QUEUE_MAX frames */
	s = quiet_sim_spec(",adapter=stn1110");
	setup_cmds(s, cmds);
	assert_string_equal(feed(s, "STCSEGR1\r"), "OK\r\r>");
	assert_string_equal(feed(s, "22F190\r"), "BUFFER FULL\r\r>");
	sim_free(s);
}

/* Protocols without the vehicle's bus. */
static void test_other_protocols(void **state)
{
	struct sim *s = quiet_sim();

	(void)state;
	assert_string_equal(feed(s, "ATSP7\r"), "OK\r\r>");
	assert_string_equal(feed(s, "0100\r"), "NO DATA\r\r>");
	assert_string_equal(feed(s, "ATSP3\r"), "OK\r\r>");
	assert_string_equal(feed(s, "0100\r"), "BUS INIT: ...ERROR\r\r>");
	assert_string_equal(feed(s, "ATSP1\r"), "OK\r\r>");
	assert_string_equal(feed(s, "0100\r"), "NO DATA\r\r>");
	assert_string_equal(feed(s, "ATD\r"), "OK\r\n\r\n>"); /* defaults: LF on again */
	assert_string_equal(feed(s, "ATDPN\r"), "ATDPN\r\nA0\r\n\r\n>");
	sim_free(s);
}

/* sim_create refuses unknown profiles and options with clear messages. */
static void test_create_errors(void **state)
{
	struct error e = { 0 };
	struct sim *s = NULL;

	(void)state;
	assert_int_equal(sim_create("nosuchcar", &s, &e), -ERR_NOT_FOUND);
	assert_null(s);
	assert_non_null(strstr(e.text, "nosuchcar"));
	assert_non_null(strstr(e.text, "demo"));
	assert_int_equal(sim_create(",adapter=nope", &s, &e), -ERR_NOT_FOUND);
	assert_non_null(strstr(e.text, "elm327"));
	assert_int_equal(sim_create("demo,faults=drop", &s, &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "faults"));
	assert_int_equal(sim_create("demo,adapter", &s, &e), -ERR_ARG);
	assert_int_equal(sim_create("../../etc/passwd", &s, &e), -ERR_ARG);
	s = new_sim("demo,adapter=elm327");
	sim_free(s);
}

/* sim_list_profiles: one line per profile, name first. */
static void test_list_profiles(void **state)
{
	struct buf b = { 0 };

	(void)state;
	sim_list_profiles(&b);
	assert_non_null(strstr(buf_str(&b), "elm327\tadapter\tELM327 v2.2 (genuine)\n"));
	assert_non_null(strstr(buf_str(&b), "clone15\tadapter\tELM327 v1.5 clone\n"));
	assert_non_null(strstr(buf_str(&b), "stn1110\tadapter\tOBDLink SX (STN1110)\n"));
	assert_non_null(strstr(buf_str(&b), "stn2120\tadapter\tOBDLink MX+ (STN2120)\n"));
	assert_non_null(strstr(buf_str(&b), "demo\tvehicle\tDemo hatchback (invented, VW-style)\n"));
	buf_free(&b);
}

/* The user's profile directory: new profiles, overrides, and a broken one
 * reported as file:line. */
static void test_user_profiles(void **state)
{
	struct error e = { 0 };
	struct sim *s = NULL;
	struct buf b = { 0 };

	(void)state;
	write_config("profiles/vehicles/tiny.lua",
		     "return { id = 'tiny', name = 'Tiny', vin = '12345678901234567',\n"
		     "  ecus = { { id = '01', tx = 0x7E0, rx = 0x7E8, obd = true } } }\n");
	write_config("profiles/adapters/clone.lua",
		     "return { id = 'clone', name = 'Clone', ati = 'ELM327 v1.5',\n"
		     "  at1 = 'OBDII to RS232 Interpreter', linefeeds = false,\n"
		     "  reset_junk = hex('FC') }\n");
	write_config("profiles/vehicles/broken.lua", "return {\n  id = 'broken',\n  x = = 1 }\n");
	s = new_sim("tiny,adapter=clone");
	assert_string_equal(feed(s, "ATZ\r"), "ATZ\r\xFC\r\rELM327 v1.5\r\r>");
	assert_string_equal(feed(s, "0902\r"), "0902\rSEARCHING...\r014 \r0: 49 02 01 31 32 33 \r"
					       "1: 34 35 36 37 38 39 30 \r2: 31 32 33 34 35 36 37 \r\r>");
	sim_free(s);
	assert_int_equal(sim_create("broken", &s, &e), -ERR_FORMAT);
	assert_non_null(strstr(e.text, "broken.lua:3:"));
	sim_list_profiles(&b);
	assert_non_null(strstr(buf_str(&b), "clone\tadapter\tClone\n"));
	assert_non_null(strstr(buf_str(&b), "tiny\tvehicle\tTiny\n"));
	assert_non_null(strstr(buf_str(&b), "broken\tvehicle\t(broken: "));
	buf_free(&b);
}

/* A vehicle with 29-bit identifiers (normal fixed addressing). */
static void test_29bit(void **state)
{
	static const char *const cmds[] = { "ATL0", "ATH1", NULL };
	struct sim *s;

	(void)state;
	write_config("profiles/vehicles/ext.lua",
		     "return { id = 'ext', vin = '12345678901234567', protocol = 7,\n"
		     "  ecus = { { id = '01', tx = 0x18DA10F1, rx = 0x18DAF110, obd = true,\n"
		     "             pad = false, dids = { [0xF189] = '0001' } } } }\n");
	s = new_sim("ext");
	assert_string_equal(feed(s, "ATE0\r"), "ATE0\r\nOK\r\n\r\n>");
	setup_cmds(s, cmds);
	assert_string_equal(feed(s, "0100\r"), "SEARCHING...\r18 DA F1 10 06 41 00 08 18 00 01 \r\r>");
	assert_string_equal(feed(s, "ATDPN\r"), "A7\r\r>");
	assert_string_equal(feed(s, "0902\r"), "18 DA F1 10 10 14 49 02 01 31 32 33 \r"
					       "18 DA F1 10 21 34 35 36 37 38 39 30 \r"
					       "18 DA F1 10 22 31 32 33 34 35 36 37 \r\r>");
	assert_string_equal(feed(s, "ATSHDA10F1\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATS0\r"), "OK\r\r>");
	assert_string_equal(feed(s, "22F189\r"), "18DAF1100762F18930303031\r\r>");
	/* without padding a short reply is a short frame, also with CAF0 */
	assert_string_equal(feed(s, "ATCAF0\r"), "OK\r\r>");
	assert_string_equal(feed(s, "023E00\r"), "18DAF110027E00\r\r>");
	assert_string_equal(feed(s, "ATCAF1\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATCRA18DAF1XX\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATFCSH18DA10F1\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATFCSD300000\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATFCSM1\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATH0\r"), "OK\r\r>");
	assert_string_equal(feed(s, "22F190\r"), "014\r0:62F190313233\r1:34353637383930\r"
						 "2:31323334353637\r\r>");
	/* an 11-bit protocol does not reach it */
	assert_string_equal(feed(s, "ATSP6\r"), "OK\r\r>");
	assert_string_equal(feed(s, "0100\r"), "NO DATA\r\r>");
	sim_free(s);
}

/* Expected identification of a profile. */
struct ident {
	const char *spec, *ati, *at1, *sti, *stdi;
	const char *junk;
	size_t njunk;
};

/* Each adapter profile identifies itself (ATI, AT@1, STI, STDI) and sends
 * its junk after ATZ. */
static void test_profile_ident(void **state)
{
	static const struct ident ids[] = {
		{ ",adapter=elm327", "ELM327 v2.2", "OBDII to RS232 Interpreter", "?", "?", "", 0 },
		{ ",adapter=clone15", "ELM327 v1.5", "OBDII to RS232 Interpreter V1.5", "?", "?",
		  "\xFC", 1 },
		{ ",adapter=stn1110", "ELM327 v1.4b", "OBDLink SX", "STN1110 v4.3.2",
		  "OBDLink SX r4.2", "", 0 },
		{ ",adapter=stn2120", "ELM327 v1.4b", "OBDLink MX+", "STN2120 v5.6.19",
		  "OBDLink MX+ r1.3", "\0\0", 2 },
	};
	char want[128];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		struct sim *s = quiet_sim_spec(ids[i].spec);
		snprintf(want, sizeof want, "%s\r\r>", ids[i].ati);
		assert_string_equal(feed(s, "ATI\r"), want);
		snprintf(want, sizeof want, "%s\r\r>", ids[i].at1);
		assert_string_equal(feed(s, "AT@1\r"), want);
		snprintf(want, sizeof want, "%s\r\r>", ids[i].sti);
		assert_string_equal(feed(s, "STI\r"), want);
		snprintf(want, sizeof want, "%s\r\r>", ids[i].stdi);
		assert_string_equal(feed(s, "STDI\r"), want);
		/* ATZ: the junk, a blank line, the banner (echo and LF on again) */
		feed(s, "ATZ\r");
		memcpy(want, ids[i].junk, ids[i].njunk);
		n = ids[i].njunk + (size_t)snprintf(want + ids[i].njunk, sizeof want - ids[i].njunk,
						    "\r\n\r\n%s\r\n\r\n>", ids[i].ati);
		assert_int_equal(output.len, n);
		assert_memory_equal(output.data, want, n);
		sim_free(s);
	}
}

/* A v1.5 clone answers "?" to ATFC SH/SD/SM, ATR0/1, ATBRD and the
 * response count digit; the plain request works. */
static void test_clone_refusals(void **state)
{
	static const char *const refused[] = { "ATFCSH7E0", "ATFCSD300000", "ATFCSM1", "ATR0",
					       "ATR1", "ATBRD23", "0100 1", "STI", NULL };
	struct sim *s = quiet_sim_spec(",adapter=clone15");
	size_t i;
	char line[64];

	(void)state;
	for (i = 0; refused[i]; i++) {
		snprintf(line, sizeof line, "%s\r", refused[i]);
		assert_string_equal(feed(s, line), "?\r\r>");
	}
	assert_string_equal(feed(s, "ATSP6\r"), "OK\r\r>");
	assert_string_equal(feed(s, "0100\r"), "41 00 08 18 00 01 \r\r>");
	sim_free(s);
}

/* ST commands of an OBDLink profile; an ELM327 knows none of them. */
static void test_stn_commands(void **state)
{
	static const char *const bad[] = { "STCSEGT2", "STCSEGR", "STPTO0", "STPTOX",
					   "STCFCPA7E0", "STCFCPA7E0,18DAF110", "STCFCPA7E0,7E",
					   "STIX", "STXYZ", "STBR100", "STBR9000000", NULL };
	static const char *const good[] = { "STCSEGT1", "STCSEGT0", "STCSEGR1", "STCSEGR0",
					    "STPTO100", "STCFCPA7E0,7E8", "STCFCPA 18DA10F1, 18DAF110",
					    "STCFCPC", NULL };
	struct sim *s = quiet_sim_spec(",adapter=stn1110");
	size_t i;
	char line[64];

	(void)state;
	for (i = 0; bad[i]; i++) {
		snprintf(line, sizeof line, "%s\r", bad[i]);
		assert_string_equal(feed(s, line), "?\r\r>");
	}
	for (i = 0; good[i]; i++) {
		snprintf(line, sizeof line, "%s\r", good[i]);
		assert_string_equal(feed(s, line), "OK\r\r>");
	}
	sim_free(s);
	s = quiet_sim_spec("");
	assert_string_equal(feed(s, "STPX h:7E0,d:0100\r"), "?\r\r>");
	assert_string_equal(feed(s, "STCSEGT1\r"), "?\r\r>");
	sim_free(s);
}

/* An STN simulator set up for the body ECU (70E/778) with a flow control pair. */
static struct sim *stn_body_sim(const char *adapter)
{
	static const char *const cmds[] = { "ATSP6", "ATSH70E", "ATCRA778", "STCFCPA70E,778",
					    NULL };
	char spec[64];
	struct sim *s;

	snprintf(spec, sizeof spec, ",adapter=%s", adapter);
	s = quiet_sim_spec(spec);
	setup_cmds(s, cmds);
	return s;
}

/* STPX with d:, h:, r:, t:, and l: with its DATA> prompt. */
static void test_stpx(void **state)
{
	struct sim *s = stn_body_sim("stn1110");
	uint64_t t0;

	(void)state;
	assert_string_equal(feed(s, "STPX h:70E,d:22F189\r"), "62 F1 89 30 34 35 30 \r\r>");
	assert_string_equal(feed(s, "STPX d:22F190,r:1\r"), "014 \r"
							  "0: 62 F1 90 4F 42 44 \r"
							  "1: 44 45 4D 4F 30 53 49 \r"
							  "2: 4D 30 30 30 30 30 31 \r\r>");
	/* t: the wait for the first reply, here 50 ms to an identifier nobody has */
	t0 = sim_now_us(s);
	assert_string_equal(feed(s, "STPX h:7FF,d:0100,t:50\r"), "NO DATA\r\r>");
	assert_true(sim_now_us(s) - t0 >= 50000 && sim_now_us(s) - t0 < 55000);
	/* l: the payload in lines after DATA> */
	assert_string_equal(feed(s, "STPX h:70E,l:3\r"), "DATA>");
	assert_string_equal(feed(s, "22 f1\r"), "");
	assert_string_equal(feed(s, "89\r"), "62 F1 89 30 34 35 30 \r\r>");
	assert_string_equal(feed(s, "STPX l:2\r"), "DATA>");
	assert_string_equal(feed(s, "ZZ\r"), "?\r\r>");
	assert_string_equal(feed(s, "STPX l:3\r"), "DATA>");
	assert_string_equal(feed(s, "22F18900\r"), "?\r\r>");
	/* a segmented payload through DATA> */
	assert_string_equal(feed(s, "STPX l:27,r:1\r"), "DATA>");
	assert_string_equal(feed(s, "2E0600000C1A3F2104008050\r"), "");
	assert_string_equal(feed(s, "18002209411130\r0C00000001000000\r"), "6E 06 00 \r\r>");
	/* limits and malformed commands */
	assert_string_equal(feed(s, "STPX l:2049\r"), "?\r\r>");
	assert_string_equal(feed(s, "STPX l:2048\r"), "DATA>");
	assert_string_equal(feed(s, "\r"), "");
	assert_string_equal(feed(s, "X\r"), "?\r\r>");
	assert_string_equal(feed(s, "STPX d:0100,l:2\r"), "?\r\r>");
	assert_string_equal(feed(s, "STPX h:70E\r"), "?\r\r>");
	assert_string_equal(feed(s, "STPX h:70E,d:010\r"), "?\r\r>");
	assert_string_equal(feed(s, "STPX h:70E,q:1,d:0100\r"), "?\r\r>");
	sim_free(s);
	s = stn_body_sim("stn2120");
	assert_string_equal(feed(s, "STPX l:4096\r"), "?\r\r>");
	assert_string_equal(feed(s, "STPX l:4095\r"), "DATA>");
	sim_free(s);
}

/* STCSEGR 1: a segmented reply on one line, with and without headers;
 * STCSEGT 1: a data line longer than 7 bytes is segmented. */
static void test_stn_segmentation(void **state)
{
	struct sim *s = stn_body_sim("stn2120");

	(void)state;
	assert_string_equal(feed(s, "STCSEGR1\r"), "OK\r\r>");
	assert_string_equal(feed(s, "22F190\r"),
			    "62 F1 90 4F 42 44 44 45 4D 4F 30 53 49 4D 30 30 30 30 30 31 \r\r>");
	assert_string_equal(feed(s, "ATH1\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATS0\r"), "OK\r\r>");
	assert_string_equal(feed(s, "22F190\r"), "77862F1904F424444454D4F3053494D303030303031\r\r>");
	assert_string_equal(feed(s, "22F189\r"), "7780762F18930343530\r\r>");
	assert_string_equal(feed(s, "ATH0\r"), "OK\r\r>");
	assert_string_equal(feed(s, "2E0600000C1A3F2104008050180022094111300C000000010000001\r"),
			    "?\r\r>");
	assert_string_equal(feed(s, "STCSEGT1\r"), "OK\r\r>");
	assert_string_equal(feed(s, "2E0600000C1A3F2104008050180022094111300C000000010000001\r"),
			    "6E0600\r\r>");
	/* without a flow control pair nobody answers the first frame */
	assert_string_equal(feed(s, "STCFCPC\r"), "OK\r\r>");
	assert_string_equal(feed(s, "22F190\r"), "NO DATA\r\r>");
	sim_free(s);
}

/* ATBRD: OK, the ID string at the new rate, then OK and the prompt after a
 * CR; without a CR the old rate and a prompt. STBR likewise with STI. */
static void test_baud_handshake(void **state)
{
	struct sim *s = new_sim("");
	struct buf b = { 0 };

	(void)state;
	assert_string_equal(feed(s, "ATBRD23\r"), "ATBRD23\r\nOK\r\nELM327 v2.2\r\n");
	assert_string_equal(feed(s, "\r"), "OK\r\n\r\n>");
	assert_string_equal(feed(s, "ATBRD45\r"), "ATBRD45\r\nOK\r\nELM327 v2.2\r\n");
	assert_string_equal(feed(s, "AT"), ""); /* noise at the wrong rate */
	assert_int_equal(sim_run(s, sim_now_us(s) + 100000, &b), 0);
	assert_string_equal(buf_str(&b), "\r\n>");
	assert_string_equal(feed(s, "ATBRD00\r"), "ATBRD00\r\n?\r\n\r\n>");
	assert_string_equal(feed(s, "ATBRD04\r"), "ATBRD04\r\n?\r\n\r\n>"); /* 1 Mbit/s */
	assert_string_equal(feed(s, "STBR115200\r"), "STBR115200\r\n?\r\n\r\n>");
	sim_free(s);
	s = new_sim(",adapter=stn1110");
	assert_string_equal(feed(s, "STBR500000\r"), "STBR500000\r\nOK\r\nSTN1110 v4.3.2\r\n");
	assert_string_equal(feed(s, "\r"), "OK\r\n\r\n>");
	sim_free(s);
	buf_free(&b);
}

/* ATR0: the request goes out, only the prompt comes back. */
static void test_responses_off(void **state)
{
	static const char *const cmds[] = { "ATSP6", "ATR0", NULL };
	struct sim *s = quiet_sim();
	struct sim_stats a, b;

	(void)state;
	setup_cmds(s, cmds);
	sim_stats(s, &a);
	assert_string_equal(feed(s, "0100\r"), "\r>");
	sim_stats(s, &b);
	assert_int_equal(b.frames_to_ecu - a.frames_to_ecu, 1);
	assert_string_equal(feed(s, "ATR1\r"), "OK\r\r>");
	assert_string_equal(feed(s, "0100\r"), "41 00 08 18 00 01 \r\r>");
	sim_free(s);
}

/* ATMA monitors until a byte arrives; it takes no argument. */
static void test_monitor(void **state)
{
	struct sim *s = quiet_sim();

	(void)state;
	assert_string_equal(feed(s, "ATMA1\r"), "?\r\r>");
	assert_string_equal(feed(s, "ATMA\r"), "");
	assert_string_equal(feed(s, "\r"), "STOPPED\r\r>");
	assert_string_equal(feed(s, "ATI\r"), "ELM327 v2.2\r\r>");
	sim_free(s);
}

/* ATCF / ATCM: filter and mask. */
static void test_filter_mask(void **state)
{
	static const char *const cmds[] = { "ATSP6", "ATSH70E", NULL };
	struct sim *s = quiet_sim();

	(void)state;
	setup_cmds(s, cmds);
	assert_string_equal(feed(s, "ATCF770\r"), "OK\r\r>");
	assert_string_equal(feed(s, "ATCM7F0\r"), "OK\r\r>");
	assert_string_equal(feed(s, "22F189\r"), "62 F1 89 30 34 35 30 \r\r>");
	assert_string_equal(feed(s, "ATCM7FF\r"), "OK\r\r>");
	assert_string_equal(feed(s, "22F189\r"), "NO DATA\r\r>");
	assert_string_equal(feed(s, "ATCF778\r"), "OK\r\r>");
	assert_string_equal(feed(s, "22F189\r"), "62 F1 89 30 34 35 30 \r\r>");
	assert_string_equal(feed(s, "ATCF77\r"), "?\r\r>");
	/* ATCRA replaces them */
	assert_string_equal(feed(s, "ATCRA7E8\r"), "OK\r\r>");
	assert_string_equal(feed(s, "22F189\r"), "NO DATA\r\r>");
	sim_free(s);
}

/* Options of the port spec: baud, throttle, faults; bad values refused. */
static void test_spec_options(void **state)
{
	struct error e = { 0 };
	struct sim *s = NULL;

	(void)state;
	assert_int_equal(sim_create(",baud=12", &s, &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "baud="));
	assert_int_equal(sim_create(",throttle=2", &s, &e), -ERR_ARG);
	assert_int_equal(sim_create(",faults=wobble", &s, &e), -ERR_ARG);
	assert_non_null(strstr(e.text, "wobble"));
	assert_int_equal(sim_create(",bogus", &s, &e), -ERR_ARG);
	assert_null(s);
	s = new_sim("demo,baud=115200,throttle,faults=volts:11.5");
	assert_string_equal(feed(s, "ATRV\r"), "ATRV\r\n11.5V\r\n\r\n>");
	sim_free(s);
}

/* Reads from a link until the prompt; returns the text. */
static void read_reply(struct link *l, struct buf *b)
{
	struct error e = { 0 };
	char chunk[256];
	long n;

	buf_reset(b);
	while (b->len == 0 || b->data[b->len - 1] != '>') {
		n = link_read(l, chunk, sizeof chunk, 2000, &e);
		if (n <= 0)
			fail_msg("link_read: %ld %s", n, e.text);
		buf_append(b, chunk, (size_t)n);
	}
}

/* sim_spawn("") serves the demo in a thread behind a link pair. */
static void test_spawn(void **state)
{
	struct error e = { 0 };
	struct link *console = NULL;
	struct sim_thread *t = NULL;
	struct buf b = { 0 };
	char chunk[256];
	const char *cmds;
	uint8_t val[4];
	size_t len = 0;

	(void)state;
	assert_int_equal(sim_spawn("", &console, &t, &e), 0);
	assert_int_equal(link_write(console, "ATI\r", 4, 1000, &e), 0);
	read_reply(console, &b);
	assert_string_equal(buf_str(&b), "ATI\r\nELM327 v2.2\r\n\r\n>");
	buf_reset(&b);
	/* all at once: the replies come back in order */
	cmds = "ATE0\rATSH70E\rATCRA778\r2E06010102\r";
	assert_int_equal(link_write(console, cmds, strlen(cmds), 1000, &e), 0);
	while (b.len < 2 || strstr(buf_str(&b), "6E 06 01") == NULL ||
	       b.data[b.len - 1] != '>') {
		long n = link_read(console, chunk, sizeof chunk, 2000, &e);
		if (n <= 0)
			fail_msg("link_read: %ld %s", n, e.text);
		buf_append(&b, chunk, (size_t)n);
	}
	assert_string_equal(buf_str(&b), "ATE0\r\nOK\r\n\r\n>OK\r\n\r\n>OK\r\n\r\n>"
					 "SEARCHING...\r\n6E 06 01 \r\n\r\n>");
	assert_int_equal(sim_get_did(sim_thread_sim(t), "09", 0x0601, val, sizeof val, &len), 0);
	assert_int_equal(val[1], 0x02);
	link_close(console);
	sim_thread_stop(t);
	assert_int_equal(sim_spawn("nosuchcar", &console, &t, &e), -ERR_NOT_FOUND);
	assert_null(console);
	assert_null(t);
	buf_free(&b);
}

/* Random bytes never crash the interpreter, and it still answers after. */
static void test_garbage(void **state)
{
	struct sim *s = quiet_sim();
	uint8_t junk[4096];
	uint32_t x = 12345;
	size_t i, round;

	(void)state;
	for (round = 0; round < 50; round++) {
		for (i = 0; i < sizeof junk; i++) {
			x = x * 1103515245u + 12345u;
			junk[i] = (uint8_t)(x >> 16);
			if (junk[i] % 7 == 0)
				junk[i] = "0123456789ABCDEFATX \r"[(x >> 8) % 21];
		}
		buf_reset(&output);
		sim_input(s, junk, sizeof junk, &output);
	}
	feed(s, "\rATZ\r");
	feed(s, "ATE0\rATL0\r");
	assert_string_equal(feed(s, "ATI\r"), "ELM327 v2.2\r\r>");
	sim_free(s);
}

/* Runs every test as one group (one TAP plan). */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_atz_banner),
		cmocka_unit_test(test_echo_off),
		cmocka_unit_test(test_linefeeds),
		cmocka_unit_test(test_headers_spaces),
		cmocka_unit_test(test_searching),
		cmocka_unit_test(test_functional_obd),
		cmocka_unit_test(test_obd_vin),
		cmocka_unit_test(test_vin_headers),
		cmocka_unit_test(test_vin_no_headers),
		cmocka_unit_test(test_auto_flow_control),
		cmocka_unit_test(test_read_did),
		cmocka_unit_test(test_write_did),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_repeat),
		cmocka_unit_test(test_line_input),
		cmocka_unit_test(test_response_count),
		cmocka_unit_test(test_caf0_coding_write),
		cmocka_unit_test(test_endless_stream),
		cmocka_unit_test(test_other_protocols),
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_list_profiles),
		cmocka_unit_test(test_user_profiles),
		cmocka_unit_test(test_29bit),
		cmocka_unit_test(test_spawn),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_profile_ident),
		cmocka_unit_test(test_clone_refusals),
		cmocka_unit_test(test_stn_commands),
		cmocka_unit_test(test_stpx),
		cmocka_unit_test(test_stn_segmentation),
		cmocka_unit_test(test_baud_handshake),
		cmocka_unit_test(test_responses_off),
		cmocka_unit_test(test_monitor),
		cmocka_unit_test(test_filter_mask),
		cmocka_unit_test(test_spec_options),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
