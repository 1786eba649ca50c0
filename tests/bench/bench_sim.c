/* bench_sim.c: what a scan of the demo vehicle and a 64 KiB download into
 * its engine cost on each adapter profile, in the simulator's link model:
 * characters on the UART (both ways), CAN frames (both ways) and modelled
 * time, at the profile's default UART rate.
 *
 * The scan replays the command sequence obdcon's adapter driver sends
 * (src/adapter/adapter.c): ATZ, the setup (ATE0 ATL0 ATS0 ATH1 ATSP6),
 * then per module its target (ATSH, ATCRA, ATFC SH/SD/SM) and the
 * identification DIDs.
 *
 * The download runs through obdcon's own driver (adapter, ISO-TP, UDS
 * client) against the simulator in a thread: programming session,
 * security access, erase of the whole 64 KiB memory, then the figures of
 * RequestDownload, the 64 TransferData blocks of 1024 bytes (the ECU's
 * maxNumberOfBlockLength 0x402) and RequestTransferExit, on each send
 * path the driver picks (STPX, ATR0 bursts, a round trip per frame).
 *
 * Prints "bench: NAME VALUE UNIT" lines. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter/adapter.h"
#include "diag/uds.h"
#include "isotp/isotp.h"
#include "link/link.h"
#include "sim/sim.h"
#include "sim/sim_internal.h"

#define DOWNLOAD_SIZE 0x10000u   /* the demo engine's whole memory */
#define SECURITY_LEVEL 0x11      /* the demo engine's programming level */

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

/* A driver talking to a simulator in a thread. */
struct rig {
	struct link *link;
	struct sim_thread *sim;
	struct adapter *adapter;
	struct isotp *tp;
	struct uds *uds;
};

/* Connects the driver to a simulator of the given spec; -1 on failure. */
static int rig_open(struct rig *r, const char *spec)
{
	struct error e;

	memset(r, 0, sizeof *r);
	if (sim_spawn(spec, &r->link, &r->sim, &e) < 0) {
		fprintf(stderr, "bench_sim: %s: %s\n", spec, e.text);
		return -1;
	}
	r->adapter = adapter_new(r->link);
	r->tp = isotp_new(r->adapter);
	r->uds = uds_new(r->tp);
	if (adapter_init(r->adapter, &e) < 0) {
		fprintf(stderr, "bench_sim: %s: %s\n", spec, e.text);
		return -1;
	}
	return 0;
}

/* Closes the driver and the simulator. */
static void rig_close(struct rig *r)
{
	uds_free(r->uds);
	isotp_free(r->tp);
	adapter_free(r->adapter);
	link_close(r->link);
	sim_thread_stop(r->sim);
}

/* The key of a seed by the simulated engine's own algorithm. */
static int engine_key(void *arg, uint8_t level, const uint8_t *seed, size_t n, uint8_t *key,
		      size_t *keylen, struct error *e)
{
	const struct sim_ecu *ecu = arg;
	const struct sim_security *sec = &ecu->m.sec;
	uint32_t s = 0, k;
	size_t i;

	for (i = 0; i < sec->nlevels && sec->levels[i].level != (level | 1); i++)
		;
	if (i == sec->nlevels || n > 4 || *keylen < sec->levels[i].key_len)
		return error_set(e, ERR_ARG, "no key for level %02X", level);
	while (n--)
		s = s << 8 | *seed++;
	k = sim_security_key(&sec->levels[i], s);
	*keylen = sec->levels[i].key_len;
	for (i = 0; i < *keylen; i++)
		key[i] = (uint8_t)(k >> 8 * (*keylen - 1 - i));
	return 0;
}

/* Programming session, unlock, erase of the memory. */
static int prepare_download(struct rig *r, const struct uds_target *t, struct error *e)
{
	static const uint8_t range[] = { 0x44, 0, 0, 0, 0, 0, 1, 0, 0 }; /* 0, 64 KiB */
	struct uds_opts slow = { 30000, 0, false };
	uint8_t status[16];
	size_t len;

	if (uds_session(r->uds, t, UDS_SESSION_PROGRAMMING, NULL, e) < 0 ||
	    uds_security_access(r->uds, t, SECURITY_LEVEL, engine_key,
				&sim_thread_sim(r->sim)->vehicle.ecus[0], NULL, e) < 0 ||
	    uds_routine(r->uds, t, UDS_ROUTINE_START, 0xFF00, range, sizeof range, &slow, status,
			sizeof status, &len, e) < 0)
		return -(int)e->kind;
	return 0;
}

/* RequestDownload, the TransferData blocks, RequestTransferExit. */
static int download(struct rig *r, const struct uds_target *t, struct error *e)
{
	static uint8_t image[DOWNLOAD_SIZE];
	struct uds_mem m = { 0, DOWNLOAD_SIZE, 4, 4 };
	struct uds_transfer x;
	size_t pos, chunk;

	memset(image, 0x5A, sizeof image);
	if (uds_request_download(r->uds, t, 0x00, &m, &x, e) < 0)
		return -(int)e->kind;
	for (pos = 0; pos < DOWNLOAD_SIZE; pos += chunk) {
		chunk = uds_transfer_chunk(&x);
		if (chunk > DOWNLOAD_SIZE - pos)
			chunk = DOWNLOAD_SIZE - pos;
		if (uds_transfer_data(r->uds, t, &x, image + pos, chunk, NULL, e) < 0)
			return -(int)e->kind;
	}
	return uds_transfer_exit(r->uds, t, NULL, 0, NULL, 0, NULL, e);
}

/* The 64 KiB download into the demo engine through one adapter profile. */
static int bench_download(const char *profile)
{
	struct uds_target t = { "engine", { 0x7E0, 0x7E8, false } };
	struct sim_stats s0, s1;
	struct rig r;
	struct error e;
	char spec[64];
	double secs;
	int rc = 0;

	snprintf(spec, sizeof spec, "demo,adapter=%s", profile);
	if (rig_open(&r, spec) < 0)
		return 1;
	error_clear(&e);
	if (prepare_download(&r, &t, &e) < 0) {
		fprintf(stderr, "bench_sim: %s: preparing the download: %s\n", profile, e.text);
		rc = 1;
	}
	sim_stats(sim_thread_sim(r.sim), &s0);
	if (rc == 0 && download(&r, &t, &e) < 0) {
		fprintf(stderr, "bench_sim: %s: download: %s\n", profile, e.text);
		rc = 1;
	}
	sim_stats(sim_thread_sim(r.sim), &s1);
	if (rc == 0) {
		secs = (double)(s1.modelled_us - s0.modelled_us) / 1e6;
		printf("bench: download64k_chars_%s %llu chars\n", profile,
		       (unsigned long long)(s1.chars_to_adapter - s0.chars_to_adapter +
					    s1.chars_from_adapter - s0.chars_from_adapter));
		printf("bench: download64k_frames_%s %llu frames\n", profile,
		       (unsigned long long)(s1.frames_to_ecu - s0.frames_to_ecu +
					    s1.frames_from_ecu - s0.frames_from_ecu));
		printf("bench: download64k_modelled_%s %.1f ms\n", profile, secs * 1000);
		printf("bench: download64k_rate_%s %.0f B/s\n", profile,
		       secs > 0 ? DOWNLOAD_SIZE / secs : 0);
		printf("bench: download64k_path_%s %s (%ld baud)\n", profile,
		       adapter_info(r.adapter)->path, sim_thread_sim(r.sim)->at.baud);
	}
	rig_close(&r);
	return rc;
}

/* Runs the scan and the download on every profile, built-in profiles only. */
int main(void)
{
	size_t i;
	int rc = 0;

	setenv("XDG_CONFIG_HOME", "/nonexistent/obdcon-bench", 1);
	for (i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
		rc |= bench_profile(profiles[i]);
	for (i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
		rc |= bench_download(profiles[i]);
	return rc;
}
