/* bench_pack.c: packing a session that holds 64 MiB of read-out images:
 * how long tar.gz takes and how much memory the process needs at its peak
 * (packing streams, so the peak must stay far below the data size). */
#include "config.h"

#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session/session.h"
#include "util/clock.h"
#include "util/fsutil.h"

#define BENCH_FILES 8
#define BENCH_FILE_SIZE ((size_t)8 << 20)
#define BENCH_CHUNK ((size_t)64 << 10)
#define BENCH_TARGET_KIB (32 * 1024)

/* Fills a chunk with data that compresses somewhat, like a flash image:
 * runs of a repeated byte between stretches of noise. */
static void bench_fill(uint8_t *p, size_t n, uint32_t *x)
{
	size_t i;

	for (i = 0; i < n; i++) {
		*x ^= *x << 13;
		*x ^= *x >> 17;
		*x ^= *x << 5;
		p[i] = (i & 0x100) ? 0xFF : (uint8_t)*x;
	}
}

/* Writes one image file in chunks, never holding more than a chunk. */
static int bench_write_image(const char *path, uint8_t *chunk, uint32_t *x)
{
	FILE *f = fopen(path, "wb");
	size_t done;

	if (f == NULL)
		return -1;
	for (done = 0; done < BENCH_FILE_SIZE; done += BENCH_CHUNK) {
		bench_fill(chunk, BENCH_CHUNK, x);
		if (fwrite(chunk, 1, BENCH_CHUNK, f) != BENCH_CHUNK) {
			fclose(f);
			return -1;
		}
	}
	return fclose(f);
}

/* Builds a closed session with BENCH_FILES images under backups/. */
static int bench_session(const char *base, char *dir, size_t n)
{
	static uint8_t chunk[BENCH_CHUNK];
	struct session *s = NULL;
	struct error e = { 0 };
	char path[PATH_MAX];
	uint32_t x = 0x12345678;
	int i;

	if (session_create(base, &s, &e) < 0) {
		fprintf(stderr, "bench_pack: %s\n", e.text);
		return -1;
	}
	snprintf(dir, n, "%s", session_path(s));
	session_transcript(s, SESSION_TX, (const uint8_t *)"ATZ\r", 4);
	for (i = 0; i < BENCH_FILES; i++) {
		snprintf(path, sizeof path, "%s/backups/image-%d.bin", dir, i);
		if (bench_write_image(path, chunk, &x) < 0) {
			fprintf(stderr, "bench_pack: cannot write %s\n", path);
			return -1;
		}
	}
	if (session_close(s, false, NULL, 0, &e) < 0) {
		fprintf(stderr, "bench_pack: %s\n", e.text);
		return -1;
	}
	return 0;
}

/* Peak resident memory of this process so far, in KiB. */
static long bench_peak_kib(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* Removes one file or directory during the tree walk. */
static int bench_remove(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Builds the session, packs it and prints the measurements. */
int main(void)
{
	char tmp[] = "/tmp/obdcon-bench-XXXXXX", base[PATH_MAX], dir[PATH_MAX], out[PATH_MAX];
	struct error e = { 0 };
	struct stat st;
	int64_t t0, t1;
	long before, peak;
	int rc = 1;

	if (mkdtemp(tmp) == NULL)
		return 1;
	snprintf(base, sizeof base, "%s/sessions", tmp);
	snprintf(out, sizeof out, "%s/session.tar.gz", tmp);
	if (bench_session(base, dir, sizeof dir) == 0) {
		before = bench_peak_kib();
		t0 = clock_us();
		rc = session_pack(dir, out, SESSION_TAR_GZ, &e) < 0;
		t1 = clock_us();
		peak = bench_peak_kib();
		if (rc)
			fprintf(stderr, "bench_pack: %s\n", e.text);
		else if (stat(out, &st) == 0)
			printf("bench: pack64_seconds %.3f s\n"
			       "bench: pack64_peak_rss %ld KiB\n"
			       "bench: pack64_fixture_rss %ld KiB\n"
			       "bench: pack64_archive_size %lld KiB\n",
			       (double)(t1 - t0) / 1e6, peak, before, (long long)st.st_size / 1024);
		if (!rc && peak > BENCH_TARGET_KIB)
			fprintf(stderr, "bench_pack: peak %ld KiB is over the %d KiB target\n", peak,
				BENCH_TARGET_KIB);
	}
	nftw(tmp, bench_remove, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
