/* bench_link.c: what obdcon's own driver (adapter + ISO-TP) achieves against
 * the simulator's link model: a 4095-byte request on each send path and
 * adapter profile, at the modelled UART rates, and a 64 KiB download of
 * 4 KiB TransferData blocks. Figures are in modelled time (the simulator
 * counts UART characters, CAN frames and waits exactly), so they are
 * repeatable; the ceilings are the formulas of the adapter issue:
 *   STPX:      N payload bytes in (2N+20)*10/baud s on the UART plus
 *              (1+ceil((N-6)/7))*114/500000 s on the CAN bus;
 *   ELM burst: (baud/10)*7/17 bytes/s (17 characters per consecutive frame).
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
		fprintf(stderr, "bench: %s: %s\n", spec, e.text);
		return -1;
	}
	r->adapter = adapter_new(r->link);
	r->tp = isotp_new(r->adapter);
	adapter_set_timeout(r->adapter, 60000);
	if (adapter_init(r->adapter, &e) < 0) {
		fprintf(stderr, "bench: %s: %s\n", spec, e.text);
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

/* The STPX ceiling for n payload bytes, in bytes per second. */
static double stpx_ceiling(double n, double baud)
{
	double uart = (2 * n + 20) * 10 / baud;
	double can = (1 + ceil((n - 6) / 7)) * 114 / 500000;

	return n / (uart + can);
}

/* The ELM327 burst ceiling in bytes per second. */
static double elm_ceiling(double baud)
{
	return baud / 10 * 7 / 17;
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
		fprintf(stderr, "bench: %s at %d baud: %s\n", profile, baud, e.text);
		rc = -1;
	}
	s1 = rig_stats(&r);
	isotp_get_stats(r.tp, &after);
	secs = (double)(s1.modelled_us - s0.modelled_us) / 1e6;
	rate = secs > 0 ? REQ_LEN / secs : 0;
	ceiling = strcmp(adapter_info(r.adapter)->path, "stpx") == 0 ? stpx_ceiling(REQ_LEN, baud)
								    : elm_ceiling(baud);
	if (rc == 0) {
		printf("bench: %s %.0f B/s\n", name, rate);
		printf("bench: %s_path %s (%s)\n", name, adapter_info(r.adapter)->path, profile);
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
			snprintf(name, sizeof name, "send4095_%s_%s_%d",
				 strncmp(profiles[p], "stn", 3) == 0 ? "stpx" : "elm", profiles[p],
				 rates[b]);
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
