/* bench_diag.c: the console's diagnostics against the simulator, through
 * the whole stack (app, UDS, ISO-TP, adapter driver, link, simulator):
 *
 *   scan_largest   a full scan (VIN, brand script, identification of the
 *                  declared modules, discovery of the others and their
 *                  identification) of the simulated vehicle with the most
 *                  ECUs, on an STN2120 profile at CAN 500 kbit/s. The
 *                  simulator runs with throttle=1 (its link model follows
 *                  real time), and the figure is the wall time of the scan
 *                  (app_scan; connecting is not part of it). Target: under
 *                  5 s. Also the number of requests it took.
 *   live_single    samples per second of six standard PIDs (0C 0D 05 0F
 *   live_batched   11 42) from the engine of sim:vw on a genuine ELM327
 *                  profile at 38400 baud with 10 ms ECU latency, throttled:
 *                  one PID per request, then all six in one request.
 *                  Wall time. Target: batched at least 3x single.
 *
 * Prints "bench: NAME VALUE UNIT" lines; exits 1 when something failed
 * (a target missed is reported on stderr, not as a failure). */
#include "config.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/app.h"
#include "sim/sim.h"
#include "util/buf.h"
#include "util/clock.h"

#define SCAN_TARGET_S 5.0
#define LIVE_TARGET_RATIO 3.0
#define LIVE_ROUNDS_SINGLE 15
#define LIVE_ROUNDS_BATCHED 40

static char sessions[] = "/tmp/obdcon-bench-diag-XXXXXX";

/* Removes one file or directory during the tree walk. */
static int bench_remove(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The simulated vehicle with the most ECUs (counted by request identifier). */
static int largest_vehicle(char *out, size_t n)
{
	struct buf names = { 0 };
	char list[1024], *line, *save = NULL;
	size_t best = 0;

	sim_vehicle_names(&names);
	snprintf(list, sizeof list, "%s", buf_str(&names));
	for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct sim_did_len *dids = NULL;
		struct error e;
		char vin[18];
		size_t nd = 0, i, k, ecus = 0;
		if (sim_vehicle_dids(line, vin, sizeof vin, &dids, &nd, &e) < 0)
			continue;
		for (i = 0; i < nd; i++) {
			for (k = 0; k < i && dids[k].tx != dids[i].tx; k++)
				;
			ecus += k == i;
		}
		free(dids);
		if (ecus > best) {
			best = ecus;
			snprintf(out, n, "%s", line);
		}
	}
	buf_free(&names);
	return best ? (int)best : -1;
}

/* Connects a console to a port; NULL on failure (reported). */
static struct app *connect(const char *port, bool fixed_baud)
{
	struct app_options opt = { .sessions_dir = sessions, .fixed_baud = fixed_baud };
	struct app *a = NULL;
	struct error e;

	if (app_new(&opt, NULL, &a, &e) < 0 || app_connect(a, port, &e) < 0) {
		fprintf(stderr, "bench_diag: %s: %s\n", port, e.text);
		app_close(a, NULL, 0, &e);
		return NULL;
	}
	return a;
}

/* The full scan of the largest vehicle; prints its time and requests. */
static int bench_scan(void)
{
	char vehicle[64], port[128];
	struct app_counts c0, c1;
	struct app *a;
	struct error e;
	int64_t t0;
	double secs;
	int ecus = largest_vehicle(vehicle, sizeof vehicle), rc = 0;

	if (ecus < 0)
		return fprintf(stderr, "bench_diag: no vehicle profile\n"), 1;
	snprintf(port, sizeof port, "sim:%s,adapter=stn2120,throttle=1", vehicle);
	if ((a = connect(port, false)) == NULL)
		return 1;
	app_get_counts(a, &c0);
	t0 = clock_us();
	if (app_scan(a, &e) < 0) {
		fprintf(stderr, "bench_diag: scan of %s: %s\n", port, e.text);
		rc = 1;
	}
	secs = (double)(clock_us() - t0) / 1e6;
	app_get_counts(a, &c1);
	if (rc == 0) {
		printf("bench: scan_largest %.2f s\n", secs);
		printf("bench: scan_largest_vehicle %s (%d ECUs, %zu found, brand script %s, "
		       "stn2120, wall time, throttle=1)\n", vehicle, ecus, app_module_count(a),
		       app_brand_name(a));
		printf("bench: scan_largest_requests %u requests\n", c1.requests - c0.requests);
		printf("bench: scan_largest_probes %u requests\n", c1.probes - c0.probes);
		printf("bench: scan_largest_round_trips %u trips\n",
		       c1.round_trips - c0.round_trips);
		if (secs >= SCAN_TARGET_S)
			fprintf(stderr, "bench_diag: scan_largest %.2f s misses the %.0f s target\n",
				secs, SCAN_TARGET_S);
	}
	app_close(a, NULL, 0, &e);
	return rc;
}

/* Samples per second of the six PIDs, batched or one per request. */
static double live_rate(struct app *a, bool batched, unsigned rounds)
{
	static const uint8_t pids[] = { 0x0C, 0x0D, 0x05, 0x0F, 0x11, 0x42 };
	struct app_live_stats st;
	struct error e;

	if (app_live(a, pids, sizeof pids, rounds, batched, NULL, NULL, &st, &e) < 0) {
		fprintf(stderr, "bench_diag: live (%s): %s\n", batched ? "batched" : "single", e.text);
		return -1;
	}
	return st.seconds > 0 ? st.samples / st.seconds : 0;
}

/* Live data single versus batched; prints both rates. */
static int bench_live(void)
{
	const char *port = "sim:vw,adapter=elm327,baud=38400,latency=10,throttle=1";
	struct app *a = connect(port, true);
	struct error e;
	double single, batched;

	if (a == NULL)
		return 1;
	single = live_rate(a, false, LIVE_ROUNDS_SINGLE);
	batched = single < 0 ? -1 : live_rate(a, true, LIVE_ROUNDS_BATCHED);
	app_close(a, NULL, 0, &e);
	if (single < 0 || batched < 0)
		return 1;
	printf("bench: live_single %.1f samples/s\n", single);
	printf("bench: live_batched %.1f samples/s\n", batched);
	printf("bench: live_batched_over_single %.2f x\n", single > 0 ? batched / single : 0);
	if (batched < LIVE_TARGET_RATIO * single)
		fprintf(stderr, "bench_diag: batched is %.2f x single, under the %.0f x target\n",
			batched / single, LIVE_TARGET_RATIO);
	return 0;
}

/* Runs both benchmarks with built-in profiles, the tree's brand scripts and
 * a private session directory. */
int main(void)
{
	int rc;

	setenv("XDG_CONFIG_HOME", "/nonexistent/obdcon-bench", 1);
	setenv("OBDCON_DATADIR", OBDCON_SRCDIR, 0); /* the brand scripts of this tree */
	if (mkdtemp(sessions) == NULL)
		return 1;
	rc = bench_scan();
	rc |= bench_live();
	nftw(sessions, bench_remove, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
