/* fuzz_script.c: brand scripts through the sandbox: the input is a script
 * file, checked as `obdcon check` does (against every simulated vehicle)
 * and then loaded into a host where everything it declared is exercised:
 * brand matching, each feature's supported(), decode, encode and value
 * formatting over records made of the input's bytes, each module's key(),
 * and each flash procedure's prepare(img) and run(job) against steps that
 * succeed without a car. Any text either works or fails with an error,
 * within the budgets; nothing escapes the sandbox. The file lives in a
 * scratch folder of its own, removed after each input. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "script/script.h"
#include "sim/sim.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define VEHICLES_MAX 16
#define RECORD_LEN 64
#define IMAGE_LEN 256

static char path[128];
static struct script_check_vehicle vehicles[VEHICLES_MAX];
static size_t nvehicles;
static const uint8_t *input;
static size_t input_len;
static uint8_t image[IMAGE_LEN];

/* Loads the simulated vehicles once, as `obdcon check` sees them. */
static void load_vehicles(void)
{
	struct buf names = { 0 };
	struct sim_did_len *d;
	struct sim_flash_layout *l;
	struct script_check_did *cd;
	struct script_check_flash *cf;
	const char *p, *nl;
	char name[128], *vin;
	struct error e;
	size_t n, nf, i;

	sim_vehicle_names(&names);
	for (p = buf_str(&names); (nl = strchr(p, '\n')) != NULL && nvehicles < VEHICLES_MAX;
	     p = nl + 1) {
		snprintf(name, sizeof name, "%.*s", (int)(nl - p), p);
		vin = calloc(1, 18);
		if (vin == NULL || sim_vehicle_dids(name, vin, 18, &d, &n, &e) < 0) {
			free(vin);
			continue;
		}
		cd = calloc(n ? n : 1, sizeof *cd);
		if (cd == NULL)
			abort();
		for (i = 0; i < n; i++)
			cd[i] = (struct script_check_did){ d[i].tx, d[i].did, d[i].len };
		free(d);
		if (sim_vehicle_flashes(name, &l, &nf, &e) < 0)
			abort();
		cf = calloc(nf ? nf : 1, sizeof *cf);
		if (cf == NULL)
			abort();
		for (i = 0; i < nf; i++)
			cf[i] = (struct script_check_flash){ l[i].tx, l[i].addr, l[i].size, l[i].sector,
							     l[i].erase_routine, l[i].check_routine,
							     l[i].part_at, l[i].hw_at, l[i].sw_at };
		free(l);
		vehicles[nvehicles++] = (struct script_check_vehicle){ vin, n, cd, nf, cf };
	}
	buf_free(&names);
}

/* A problem `check` reports must name a file and say something. */
static void report(void *arg, const char *file, int line, const char *msg)
{
	(void)arg;
	if (file == NULL || msg == NULL || msg[0] == 0 || line < 0)
		abort();
}

/* Fills a buffer with the input's bytes, repeated. */
static void fill(uint8_t *out, size_t n, size_t salt)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = input_len ? input[(i + salt) % input_len] : (uint8_t)i;
}

/* Step stubs of a flash run: every step succeeds at once. */
static int op_session(void *ctx, uint8_t s, struct error *e)
{
	return 0;
}

/* Unlocking asks the script's key function for a key to a seed. */
static int op_unlock(void *ctx, uint8_t level, script_key_fn key, void *key_arg, struct error *e)
{
	uint8_t seed[4], k[64];
	size_t klen;

	fill(seed, sizeof seed, level);
	if (key && key(key_arg, seed, sizeof seed, k, sizeof k, &klen, e) < 0)
		return -(int)e->kind;
	return 0;
}

/* Erasing succeeds. */
static int op_erase(void *ctx, uint16_t routine, uint32_t addr, uint32_t size, struct error *e)
{
	return 0;
}

/* Downloading succeeds. */
static int op_download(void *ctx, uint32_t addr, uint32_t size, uint8_t format, struct error *e)
{
	return 0;
}

/* A routine answers two status bytes. */
static int op_routine(void *ctx, uint16_t id, const uint8_t *record, size_t n, int expect,
		      uint8_t *status, size_t cap, size_t *slen, struct error *e)
{
	*slen = cap < 2 ? cap : 2;
	fill(status, *slen, id);
	return 0;
}

/* Resetting succeeds. */
static int op_reset(void *ctx, uint8_t type, struct error *e)
{
	return 0;
}

/* Waiting does not wait. */
static int op_wait(void *ctx, int ms, struct error *e)
{
	return 0;
}

/* Image size for prepare(img). */
static size_t img_size(void *ctx)
{
	return IMAGE_LEN;
}

/* Reads the image; past its end is an error. */
static int img_read(void *ctx, uint32_t off, uint8_t *out, size_t n, struct error *e)
{
	if (off > IMAGE_LEN || n > IMAGE_LEN - off)
		return error_set(e, ERR_ARG, "outside the image");
	memcpy(out, image + off, n);
	return 0;
}

/* A checksum inside the image is accepted (its value is not computed). */
static int img_checksum(void *ctx, struct script_checksum *c, struct error *e)
{
	if (c->from > IMAGE_LEN || c->length > IMAGE_LEN - c->from || c->at > IMAGE_LEN - 4)
		return error_set(e, ERR_ARG, "outside the image");
	c->old_value = 0;
	c->new_value = 1;
	return 0;
}

static const struct script_flash_ops flash_ops = {
	op_session, op_unlock, op_erase, op_download, op_routine, op_reset, op_wait,
};
static const struct script_flash_image_ops image_ops = { img_size, img_read, img_checksum };

/* One feature: supported(), then decode, format and encode back. */
static void exercise_feature(struct script_host *h, size_t fi)
{
	static const struct script_ecu ecu = { "1K0937049", "0460", "H05" };
	uint8_t data[8][RECORD_LEN];
	struct script_record recs[8];
	struct script_value v;
	const uint16_t *dids;
	char text[512];
	size_t n, i;
	struct error e;
	bool ok;

	script_feature_supported(h, fi, &ecu, &ok, text, sizeof text, &e);
	script_feature_describe_values(h, fi, text, sizeof text);
	dids = script_feature_dids(h, fi, &n);
	if (n > 8)
		n = 8;
	for (i = 0; i < n; i++) {
		fill(data[i], RECORD_LEN, i * 7);
		recs[i] = (struct script_record){ dids[i], data[i], RECORD_LEN - i * 3 };
	}
	if (script_feature_decode(h, fi, recs, n, &v, &e) < 0)
		return;
	script_value_format(h, fi, &v, text, sizeof text);
	script_feature_encode(h, fi, recs, n, &v, &e);
	if (script_value_parse(h, fi, text, &v, &e) == 0)
		script_feature_encode(h, fi, recs, n, &v, &e);
}

/* Everything the file declared. */
static void exercise(struct script_host *h)
{
	uint8_t seed[8], key[64];
	size_t i, klen;
	struct error e;
	int brand;

	for (i = 0; i < nvehicles; i++)
		script_match_vehicle(h, vehicles[i].vin, NULL, &brand, &e);
	for (i = 0; i < script_feature_count(h); i++)
		exercise_feature(h, i);
	fill(seed, sizeof seed, 3);
	for (i = 0; i < script_module_count(h); i++)
		script_module_key(h, i, script_module(h, i)->security_level, seed, sizeof seed, key,
				  sizeof key, &klen, &e);
	fill(image, IMAGE_LEN, 5);
	for (i = 0; i < script_flash_count(h); i++) {
		script_flash_prepare(h, i, &image_ops, NULL, &e);
		script_flash_run(h, i, &flash_ops, NULL, &e);
	}
}

/* One input: a script file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *files[1] = { path };
	char root[64];
	struct script_host *h;
	struct error e;
	FILE *f;

	if (nvehicles == 0)
		load_vehicles();
	input = data;
	input_len = size;
	if (mkdtemp(strcpy(root, "/tmp/obdcon-fuzz-script-XXXXXX")) == NULL)
		abort();
	snprintf(path, sizeof path, "%s/fuzz.lua", root);
	f = fopen(path, "wb");
	if (f == NULL)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	script_check(files, 1, vehicles, nvehicles, report, NULL);
	if (script_host_new(&h, &e) < 0)
		abort();
	if (script_load_file(h, path, &e) == 0)
		exercise(h);
	else if (e.text[0] == 0)
		abort();
	script_host_free(h);
	unlink(path);
	rmdir(root);
	return 0;
}
