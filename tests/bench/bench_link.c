/* bench_link.c: what obdcon's own driver (adapter + ISO-TP) achieves against
 * the simulator's link model: a 4095-byte request on each adapter profile
 * at the modelled UART rates. Figures are in modelled time (the simulator
 * counts UART characters, CAN frames and waits exactly), so they are
 * repeatable. (The 64 KiB download on each profile is in bench_sim.c.)
 *
 * Each row is compared with the ceiling of the send path the driver
 * actually took for that request (the driver's counters say which), from
 * the link arithmetic of the adapter issue (11-bit frames of 111 bits plus
 * 3 of interframe space at 500 kbit/s, 10 bit times per UART character):
 *   STPX:  N payload bytes in (2N+20)*10/baud s on the UART plus
 *          (1+ceil((N-6)/7))*114/500000 s on the CAN bus (the adapter
 *          takes the whole message before the first frame leaves);
 *   ATR0 bursts (host-built frames): 7 bytes per consecutive frame, each a
 *          17-character line ("21" + 14 hex digits + CR) while the last
 *          frame is on the bus, so the slower of the two sets the pace:
 *          7 / max(170/baud, 114/500000) bytes/s;
 *   a round trip per frame (clones without ATR0): the 17-character line,
 *          the frame, the adapter's shortest wait (ATST 01, 4 ms) and its
 *          "NO DATA" and prompt (10 characters) for each 7 bytes.
 * An STN1110 takes STPX messages of at most 2048 bytes. A 4095-byte
 * request is one ISO-TP message (one first frame announcing 4095 bytes),
 * and an STPX command sends one whole message with its own first frame,
 * so it cannot be cut into two STPX commands: the driver sends it as
 * host-built frames with ATR0 bursts, and its row is measured against the
 * burst ceiling, not the STPX one. (A burst can beat the STPX ceiling: STPX
 * takes the whole message over the UART before the first frame leaves,
 * while a burst overlaps each line with the previous frame on the bus;
 * measured against it, the STN1110 rows came out at 121-129 %.)
 * Prints "bench: NAME VALUE UNIT" lines. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter/adapter.h"
#include "isotp/isotp.h"
#include "link/link.h"
#include "sim/sim.h"

#define REQ_LEN 4095

/* A console (driver over a link) talking to a simulator in a thread. */
struct rig {
	struct link *link;
	struct sim_thread *sim;
	struct adapter *adapter;
	struct isotp *tp;
};

/* Connects the driver to a simulator of the given spec; -1 on failure. */
static int rig_open(struct rig *r, const char *spec)
{
	struct error e;

	memset(r, 0, sizeof *r);
	if (sim_spawn(spec, &r->link, &r->sim, &e) < 0) {
		fprintf(stderr, "bench_link: %s: %s\n", spec, e.text);
		return -1;
	}
	r->adapter = adapter_new(r->link);
	r->tp = isotp_new(r->adapter);
	adapter_set_timeout(r->adapter, 60000);
	if (adapter_init(r->adapter, &e) < 0) {
		fprintf(stderr, "bench_link: %s: %s\n", spec, e.text);
		return -1;
	}
	return 0;
}

/* Closes the driver and the simulator. */
static void rig_close(struct rig *r)
{
	isotp_free(r->tp);
	adapter_free(r->adapter);
	link_close(r->link);
	sim_thread_stop(r->sim);
}

/* Modelled time and counters of the rig's simulator now. */
static struct sim_stats rig_stats(struct rig *r)
{
	struct sim_stats st;

	sim_stats(sim_thread_sim(r->sim), &st);
	return st;
}

#define CAN_FRAME_S (114.0 / 500000) /* one 11-bit frame with interframe space */
#define ELM_CF_CHARS 17                /* "21" + 14 hex digits + CR */
#define NO_DATA_CHARS 10               /* "NO DATA" CR CR ">" */
#define ATST_MIN_S 0.004               /* ATST 01 */

/* The STPX ceiling for n payload bytes, in bytes per second. */
static double stpx_ceiling(double n, double baud)
{
	double uart = (2 * n + 20) * 10 / baud;
	double can = (1 + ceil((n - 6) / 7)) * CAN_FRAME_S;

	return n / (uart + can);
}

/* The ceiling of host-built frames in ATR0 bursts, in bytes per second. */
static double burst_ceiling(double baud)
{
	double line = ELM_CF_CHARS * 10 / baud;

	return 7 / (line > CAN_FRAME_S ? line : CAN_FRAME_S);
}

/* The ceiling of one round trip per frame, in bytes per second. */
static double round_trip_ceiling(double baud)
{
	return 7 / ((ELM_CF_CHARS + NO_DATA_CHARS) * 10 / baud + CAN_FRAME_S + ATST_MIN_S);
}

/* The path a request took, from the driver's counters, and its ceiling. */
static double path_ceiling(const struct adapter_info *info, const struct isotp_stats *before,
			   const struct isotp_stats *after, double baud, const char **name)
{
	if (after->long_stpx > before->long_stpx) {
		*name = "stpx";
		return stpx_ceiling(REQ_LEN, baud);
	}
	if (info->caps.r0) {
		*name = "elm-burst";
		return burst_ceiling(baud);
	}
	*name = "elm-caf0";
	return round_trip_ceiling(baud);
}

/* Sends one 4095-byte WriteDataByIdentifier to the engine and prints the
 * figures for this profile and rate. */
static int bench_send(const char *profile, int baud, const char *name)
{
	static uint8_t req[REQ_LEN];
	struct can_target t = { 0x7E0, 0x7E8, false };
	struct isotp_stats before, after;
	struct sim_stats s0, s1;
	struct isotp_msg *reply = malloc(sizeof *reply);
	struct isotp_req_opt opt = { 30000, 3, false }; /* a write gets 6E DID or 7F 2E NRC */
	struct rig r;
	char spec[128];
	struct error e;
	const struct adapter_info *info;
	const char *path;
	char limit[32];
	double secs, rate, ceiling;
	int rc = 0;

	snprintf(spec, sizeof spec, "vw,adapter=%s,baud=%d", profile, baud);
	if (reply == NULL || rig_open(&r, spec) < 0) {
		free(reply);
		return -1;
	}
	memset(req, 0x5A, sizeof req);
	req[0] = 0x2E;
	req[1] = 0xF1;
	req[2] = 0xA0;
	isotp_get_stats(r.tp, &before);
	s0 = rig_stats(&r);
	if (isotp_request_opt(r.tp, &t, req, sizeof req, &opt, reply, &e) < 0) {
		fprintf(stderr, "bench_link: %s at %d baud: %s\n", profile, baud, e.text);
		rc = -1;
	}
	s1 = rig_stats(&r);
	isotp_get_stats(r.tp, &after);
	secs = (double)(s1.modelled_us - s0.modelled_us) / 1e6;
	rate = secs > 0 ? REQ_LEN / secs : 0;
	info = adapter_info(r.adapter);
	ceiling = path_ceiling(info, &before, &after, baud, &path);
	if (rc == 0) {
		printf("bench: %s %.0f B/s\n", name, rate);
		snprintf(limit, sizeof limit, info->caps.stpx ? "STPX up to %d bytes" : "no STPX",
			 info->caps.stpx_max);
		printf("bench: %s_path %s (%s; chosen path %s, %s)\n", name, path, profile,
		       info->path, limit);
		printf("bench: %s_ceiling %.0f B/s\n", name, ceiling);
		printf("bench: %s_chars_per_byte %.2f chars/B\n", name,
		       (double)(s1.chars_to_adapter - s0.chars_to_adapter) / REQ_LEN);
		printf("bench: %s_round_trips %u trips\n", name, after.round_trips - before.round_trips);
		printf("bench: %s_of_ceiling %.1f %%\n", name, 100 * rate / ceiling);
	}
	free(reply);
	rig_close(&r);
	return rc;
}

/* The send benchmarks: every profile at every modelled rate. */
static int bench_sends(void)
{
	static const char *const profiles[] = { "stn2120", "stn1110", "elm327", "clone15" };
	static const int rates[] = { 38400, 115200, 500000, 2000000 };
	char name[64];
	size_t p, b;
	int failed = 0;

	for (p = 0; p < sizeof profiles / sizeof profiles[0]; p++)
		for (b = 0; b < sizeof rates / sizeof rates[0]; b++) {
			snprintf(name, sizeof name, "send4095_%s_%d", profiles[p], rates[b]);
			failed |= bench_send(profiles[p], rates[b], name) < 0;
		}
	return failed;
}

/* Entry point: prints every figure; exit 1 when a transfer failed. */
int main(void)
{
	int failed = bench_sends();

	failed |= bench_send("stn2120", 115200, "send4095_stpx_115200") < 0;
	failed |= bench_send("stn2120", 2000000, "send4095_stpx_2000000") < 0;
	failed |= bench_send("elm327", 38400, "send4095_elm_38400") < 0;
	failed |= bench_send("elm327", 115200, "send4095_elm_115200") < 0;
	return failed;
}
