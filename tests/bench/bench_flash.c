/* bench_flash.c: a whole flash through the console (app_flash: procedure,
 * preconditions, journal synced per block, download, check routine,
 * reset) of a 1 MiB image into the simulated vw engine, with the
 * simulator's link model throttled to real time (throttle=1), on:
 *   - the STN2120 at a 2 Mbaud UART (STPX, CAN 500 kbit/s, ECU latency 0),
 *   - the genuine ELM327 at 115200 baud (host-built ISO-TP bursts).
 * The figure is the download's throughput in bytes of image per second,
 * against the ceiling of each link (the formulas of bench_link.c):
 *   STPX (store and forward): a message of N bytes takes (2N+20)*10/baud s
 *     on the UART, then (1+ceil((N-6)/7))*114/500000 s on the bus; a block
 *     carries N-2 bytes of image (SID and block counter);
 *   ELM burst: (baud/10)*7/17 bytes/s (17 characters per consecutive frame).
 * Prints "bench: NAME VALUE UNIT" lines; takes minutes (real time). */
#include "config.h"

#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"

#define IMAGE_SIZE 0x100000u

/* What the progress hook saw. */
struct watch {
	double rate;
};

/* Messages: only warnings and errors, on stderr and not in the figures' format. */
static void on_message(void *arg, enum app_level level, const char *text)
{
	(void)arg;
	if (level == APP_WARNING || level == APP_ERROR)
		fprintf(stderr, "bench_flash: %s\n", text);
}

/* Confirmations: yes (the bench flashes a simulator). */
static bool on_confirm(void *arg, const char *title, const char *body)
{
	(void)arg;
	(void)title;
	(void)body;
	return true;
}

/* Progress: the download's rate so far. */
static void on_progress(void *arg, const struct app_progress *p)
{
	((struct watch *)arg)->rate = p->bytes_per_s;
}

/* Writes the test image: noise, the part number and a software version
 * where the vw procedure looks (its prepare() puts the CRC-32 at the end). */
static int make_image(const char *path)
{
	uint8_t *p = malloc(IMAGE_SIZE);
	uint32_t x = 2463534242u;
	FILE *f;
	size_t i;
	int rc = -1;

	if (p == NULL)
		return -1;
	for (i = 0; i < IMAGE_SIZE; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
	memcpy(p + 0x400, "04E906027JT 5499", 16);
	if ((f = fopen(path, "wb")) != NULL) {
		rc = fwrite(p, 1, IMAGE_SIZE, f) == IMAGE_SIZE ? 0 : -1;
		if (fclose(f) != 0)
			rc = -1;
	}
	free(p);
	return rc;
}

/* The block size the flash used, from its journal ("block-size N"). */
static long journal_block(const char *session)
{
	char path[PATH_MAX], line[256];
	long n = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/journal", session);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "block-size %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* The STPX ceiling for blocks of n image bytes, in image bytes per second. */
static double stpx_ceiling(double n, double baud)
{
	double msg = n + 2;
	double uart = (2 * msg + 20) * 10 / baud;
	double can = (1 + ceil((msg - 6) / 7)) * 114 / 500000;

	return n / (uart + can);
}

/* The ELM327 burst ceiling in bytes per second. */
static double elm_ceiling(double baud)
{
	return baud / 10 * 7 / 17;
}

/* Flashes the image over one adapter profile and rate; prints the figures. */
static int bench(const char *profile, int baud, const char *name, const char *image,
		 const char *sessions)
{
	struct watch w = { 0 };
	struct app_hooks hooks = { .arg = &w, .message = on_message, .confirm = on_confirm,
				   .progress = on_progress };
	struct app_options opt = { .sessions_dir = sessions, .fixed_baud = true, .declared_only = true };
	struct app_flash_result res;
	struct app *a = NULL;
	char port[160];
	struct error e;
	double ceiling, rate;
	long block;
	int rc = -1;

	snprintf(port, sizeof port, "sim:vw,adapter=%s,baud=%d,throttle=1,engine=off", profile, baud);
	error_clear(&e);
	if (app_new(&opt, &hooks, &a, &e) == 0 && app_connect(a, port, &e) == 0 &&
	    app_scan(a, &e) == 0 && app_flash(a, "engine_sw", image, &res, &e) == 0)
		rc = 0;
	if (rc == 0) {
		block = journal_block(app_session_path(a));
		rate = res.download_rate > 0 ? res.download_rate : w.rate;
		ceiling = strcmp(profile, "elm327") == 0 ? elm_ceiling(baud)
							 : stpx_ceiling((double)block, baud);
		printf("bench: %s %.0f B/s\n", name, rate);
		printf("bench: %s_ceiling %.0f B/s\n", name, ceiling);
		printf("bench: %s_of_ceiling %.1f %%\n", name, 100 * rate / ceiling);
		printf("bench: %s_block %ld B\n", name, block);
		printf("bench: %s_path %s\n", name, app_adapter_path(a));
		printf("bench: %s_total %.1f s\n", name, res.seconds);
	} else {
		fprintf(stderr, "bench_flash: %s: %s\n", name, e.text);
	}
	if (a)
		app_close(a, NULL, 0, &e);
	return rc;
}

/* Removes one file or directory (for nftw). */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Entry point: a private home, the image, the two runs (or the one named:
 * "stn" or "elm"). */
int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : "";
	char tmp[] = "/tmp/obdcon-bench-flash-XXXXXX", path[PATH_MAX], sessions[PATH_MAX];
	int failed = 0;

	if (mkdtemp(tmp) == NULL)
		return 1;
	if (getenv("OBDCON_DATADIR") == NULL)
		setenv("OBDCON_DATADIR", OBDCON_SRCDIR, 1);
	setenv("HOME", tmp, 1);
	setenv("XDG_CONFIG_HOME", tmp, 1);
	setenv("XDG_DATA_HOME", tmp, 1);
	setenv("XDG_STATE_HOME", tmp, 1);
	snprintf(path, sizeof path, "%s/engine.bin", tmp);
	snprintf(sessions, sizeof sessions, "%s/sessions", tmp);
	if (make_image(path) < 0)
		return 1;
	if (strcmp(only, "elm") != 0)
		failed |= bench("stn2120", 2000000, "flash_stn2120_2000000", path, sessions) < 0;
	if (strcmp(only, "stn") != 0)
		failed |= bench("elm327", 115200, "flash_elm_115200", path, sessions) < 0;
	nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return failed;
}
