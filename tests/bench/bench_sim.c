/* bench_sim.c: what a console's scan of the demo vehicle costs on each
 * adapter profile, in the simulator's link model: characters on the UART
 * (both ways), CAN frames (both ways) and modelled time. It replays the
 * command sequence obdcon's adapter driver sends (src/adapter/adapter.c):
 * ATZ, the setup (ATE0 ATL0 ATS0 ATH1 ATSP6), then per module its target
 * (ATSH, ATCRA, ATFC SH/SD/SM) and the identification DIDs.
 *
 * Prints "bench: NAME VALUE UNIT" lines. Bulk transfer figures (a 64 KiB
 * download against the physical ceiling) need the console's multi-frame
 * driver and belong with it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/sim_internal.h"

/* The DIDs a scan reads from every module. */
static const char *const scan_dids[] = { "22F187", "22F189", "22F191", "22F18C", "22F197" };

/* The adapter profiles measured. */
static const char *const profiles[] = { "elm327", "clone15", "stn1110", "stn2120" };

/* Sends one command line (CR added) and discards the reply. */
static void send_line(struct sim *s, struct buf *out, const char *cmd)
{
	char line[80];
	int n = snprintf(line, sizeof line, "%s\r", cmd);

	buf_reset(out);
	sim_input(s, (const uint8_t *)line, (size_t)n, out);
}

/* Points the adapter at one module, as the driver does. */
static void target(struct sim *s, struct buf *out, const struct sim_ecu *ecu)
{
	char sh[32], cra[32], fcsh[32], cp[16];

	if (ecu->ext) {
		snprintf(cp, sizeof cp, "ATCP%02X", (unsigned)(ecu->tx >> 24 & 0x1F));
		snprintf(sh, sizeof sh, "ATSH%06X", (unsigned)(ecu->tx & 0xFFFFFF));
		snprintf(cra, sizeof cra, "ATCRA%08X", (unsigned)ecu->rx);
		snprintf(fcsh, sizeof fcsh, "ATFCSH%08X", (unsigned)ecu->tx);
		send_line(s, out, cp);
	} else {
		snprintf(sh, sizeof sh, "ATSH%03X", (unsigned)ecu->tx);
		snprintf(cra, sizeof cra, "ATCRA%03X", (unsigned)ecu->rx);
		snprintf(fcsh, sizeof fcsh, "ATFCSH%03X", (unsigned)ecu->tx);
	}
	send_line(s, out, sh);
	send_line(s, out, cra);
	send_line(s, out, fcsh);
	send_line(s, out, "ATFCSD300000");
	send_line(s, out, "ATFCSM1");
}

/* Scans the demo vehicle through one adapter profile and prints the figures. */
static int bench_profile(const char *profile)
{
	static const char *const setup[] = { "ATZ", "ATE0", "ATL0", "ATS0", "ATH1", "ATSP6" };
	char spec[64];
	struct error e = { 0 };
	struct sim *s = NULL;
	struct buf out = { 0 };
	struct sim_stats st;
	size_t i, k;

	snprintf(spec, sizeof spec, "demo,adapter=%s", profile);
	if (sim_create(spec, &s, &e) < 0) {
		fprintf(stderr, "bench_sim: %s\n", e.text);
		return 1;
	}
	for (i = 0; i < sizeof setup / sizeof setup[0]; i++)
		send_line(s, &out, setup[i]);
	for (i = 0; i < s->vehicle.necus; i++) {
		target(s, &out, &s->vehicle.ecus[i]);
		for (k = 0; k < sizeof scan_dids / sizeof scan_dids[0]; k++)
			send_line(s, &out, scan_dids[k]);
	}
	sim_stats(s, &st);
	printf("bench: scan_chars_%s %llu chars\n", profile,
	       (unsigned long long)(st.chars_to_adapter + st.chars_from_adapter));
	printf("bench: scan_frames_%s %llu frames\n", profile,
	       (unsigned long long)(st.frames_to_ecu + st.frames_from_ecu));
	printf("bench: scan_modelled_%s %.1f ms\n", profile, (double)st.modelled_us / 1000.0);
	buf_free(&out);
	sim_free(s);
	return 0;
}

/* Runs the scan on every profile, built-in profiles only. */
int main(void)
{
	size_t i;
	int rc = 0;

	setenv("XDG_CONFIG_HOME", "/nonexistent/obdcon-bench", 1);
	for (i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
		rc |= bench_profile(profiles[i]);
	return rc;
}
