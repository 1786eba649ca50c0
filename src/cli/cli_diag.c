/* cli_diag.c: fault codes and live data on the command line. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/hex.h"
#include "util/json.h"

#define LIVE_PIDS_MAX 32
#define LIVE_DEFAULT_COUNT 10

/* Checks dtc arguments before connecting. */
int cli_check_dtc(const struct cli_options *opt)
{
	if (opt->clear && !opt->yes)
		return cli_usage_error("dtc --clear erases fault codes: give --yes as well");
	return -1;
}

/* Module index from --module, -1 for all; -2 when unknown. */
static int selected_module(struct app *a, const struct cli_options *opt, struct error *e)
{
	int mi;

	if (opt->module == NULL)
		return -1;
	mi = app_find_module(a, opt->module);
	if (mi < 0)
		error_set(e, ERR_ARG, "no module '%s' on this vehicle", opt->module);
	return mi < 0 ? -2 : mi;
}

/* Prints one module's fault codes as text. */
static void print_dtcs_text(const struct app_module *m, const struct app_module_dtcs *md)
{
	size_t k;

	if (!md->read) {
		printf("%-4s %-24s cannot read fault codes: %s\n", m->id, m->name, md->error);
		return;
	}
	printf("%-4s %-24s %zu fault code%s\n", m->id, m->name, md->n, md->n == 1 ? "" : "s");
	for (k = 0; k < md->n; k++)
		printf("     %s %-8s %-28s %s\n", md->dtcs[k].code, md->dtcs[k].raw,
		       md->dtcs[k].status_text, md->dtcs[k].text ? md->dtcs[k].text : "");
}

/* Writes one module's fault codes as a JSON object. */
static void json_module_dtcs(struct json *j, const struct app_module *m,
			     const struct app_module_dtcs *md)
{
	size_t k;

	json_obj_begin(j);
	json_kv_str(j, "id", m->id);
	json_kv_str(j, "name", m->name);
	json_kv_bool(j, "read", md->read);
	if (!md->read)
		json_kv_str(j, "error", md->error);
	json_key(j, "dtcs");
	json_arr_begin(j);
	for (k = 0; k < md->n; k++) {
		json_obj_begin(j);
		json_kv_str(j, "code", md->dtcs[k].code);
		json_kv_str(j, "raw", md->dtcs[k].raw);
		json_kv_int(j, "status", md->dtcs[k].status);
		json_kv_str(j, "status_text", md->dtcs[k].status_text);
		json_key(j, "text");
		json_str(j, md->dtcs[k].text);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

/* Prints the fault codes of the selected module(s). */
static void print_dtcs(struct app *a, int module, bool as_json)
{
	struct buf out = { 0 };
	struct json j;
	size_t i;

	json_init(&j, &out, true);
	json_obj_begin(&j);
	json_key(&j, "modules");
	json_arr_begin(&j);
	for (i = 0; i < app_module_count(a); i++) {
		const struct app_module *m = app_module(a, i);
		if ((module >= 0 && (size_t)module != i) || !m->present)
			continue;
		if (as_json)
			json_module_dtcs(&j, m, app_module_dtcs(a, i));
		else
			print_dtcs_text(m, app_module_dtcs(a, i));
	}
	json_arr_end(&j);
	json_obj_end(&j);
	if (as_json)
		fputs(buf_str(&out), stdout);
	buf_free(&out);
}

/* Number of selected modules whose codes could not be read; *first is the
 * first of them. */
static size_t unread_modules(struct app *a, int module, size_t *first)
{
	size_t i, n = 0;

	for (i = 0; i < app_module_count(a); i++)
		if ((module < 0 || (size_t)module == i) && app_module(a, i)->present &&
		    !app_module_dtcs(a, i)->read && n++ == 0)
			*first = i;
	return n;
}

/* dtc: reads (and with --clear --yes clears) fault codes; exit 1 with an
 * error naming the first module whose codes could not be read (what was
 * read is still printed). */
int cli_dtc(struct app *a, const struct cli_options *opt, struct error *e)
{
	int mi = selected_module(a, opt, e);
	size_t n, first = 0;

	if (mi == -2)
		return -1;
	if (opt->clear ? app_clear_dtcs(a, mi, e) < 0 : app_read_dtcs(a, mi, e) < 0)
		return -1;
	print_dtcs(a, mi, opt->json);
	n = unread_modules(a, mi, &first);
	if (n == 0)
		return 0;
	error_set(e, ERR_IO, "the fault codes of %zu module%s could not be read (%s: %s)", n,
		  n == 1 ? "" : "s", app_module(a, first)->id, app_module_dtcs(a, first)->error);
	return -1;
}

/* Parses the PID arguments (hex, "0C" or "0x0C"). */
static int parse_pids(const struct cli_options *opt, uint8_t *pids, size_t *n)
{
	unsigned long v;
	char buf[16];
	int i;

	*n = 0;
	if (opt->nargs < 2)
		return cli_usage_error("live needs PIDs, for example: live 0C 0D 05");
	for (i = 1; i < opt->nargs; i++) {
		snprintf(buf, sizeof buf, "%s%s", strncmp(opt->args[i], "0x", 2) ? "0x" : "",
			 opt->args[i]);
		if (*n >= LIVE_PIDS_MAX)
			return cli_usage_error("live reads %d PIDs at the most", LIVE_PIDS_MAX);
		if (parse_uint(buf, 0xFF, &v) < 0)
			return cli_usage_error("'%s' is not a PID (hex, 00 to FF)", opt->args[i]);
		pids[(*n)++] = (uint8_t)v;
	}
	return -1;
}

/* Checks live arguments before connecting. */
int cli_check_live(const struct cli_options *opt)
{
	uint8_t pids[LIVE_PIDS_MAX];
	size_t n;

	if (opt->count > 100000)
		return cli_usage_error("--count is at most 100000");
	return parse_pids(opt, pids, &n);
}

/* The JSON writer of a live run (samples go straight into it). */
struct live_out {
	bool json;
	struct json j;
	struct buf buf;
};

/* Prints one sample, as text at once or into the JSON document. */
static void live_sample(void *arg, const struct app_sample *s)
{
	struct live_out *o = arg;

	if (!o->json && s->hex_digits) {
		printf("%8.3f %02X %-32s%s%s %0*llX (hex)\n", s->t, s->pid, s->name,
		       s->label[0] ? " " : "", s->label, (int)s->hex_digits,
		       (unsigned long long)s->value);
		fflush(stdout);
		return;
	}
	if (!o->json) {
		printf("%8.3f %02X %-32s%s%s %g %s\n", s->t, s->pid, s->name, s->label[0] ? " " : "",
		       s->label, s->value, s->unit);
		fflush(stdout);
		return;
	}
	json_obj_begin(&o->j);
	json_key(&o->j, "t");
	json_num(&o->j, s->t);
	json_kv_int(&o->j, "pid", s->pid);
	json_kv_str(&o->j, "name", s->name);
	if (s->label[0])
		json_kv_str(&o->j, "label", s->label);
	json_key(&o->j, "value");
	json_num(&o->j, s->value);
	json_kv_str(&o->j, "unit", s->unit);
	json_obj_end(&o->j);
}

/* Refuses PIDs the engine's supported-PID bitmaps leave out, naming them
 * (when the engine does not say, every PID is tried). */
static int check_supported(struct app *a, const uint8_t *pids, size_t n, struct error *e)
{
	uint8_t sup[256];
	char missing[3 * LIVE_PIDS_MAX + 1] = "", has[3 * 256 + 1] = "";
	size_t nsup = 0, i, k, used = 0;
	struct error ignored;

	error_clear(&ignored);
	if (app_live_supported(a, sup, sizeof sup, &nsup, &ignored) < 0 || nsup == 0)
		return 0;
	for (i = 0; i < n; i++) {
		for (k = 0; k < nsup && sup[k] != pids[i]; k++)
			;
		if (k == nsup)
			used += (size_t)snprintf(missing + used, sizeof missing - used, " %02X", pids[i]);
	}
	if (used == 0)
		return 0;
	for (i = 0, used = 0; i < nsup && used < sizeof has - 4; i++)
		if (sup[i] % 0x20 != 0) /* not the bitmap PIDs themselves */
			used += (size_t)snprintf(has + used, sizeof has - used, " %02X", sup[i]);
	return error_set(e, ERR_UNSUPPORTED, "the engine does not support PID%s%s (its "
			 "supported-PID bitmaps leave %s out); it supports%s",
			 strchr(missing + 1, ' ') ? "s" : "", missing,
			 strchr(missing + 1, ' ') ? "them" : "it", has);
}

/* live: reads PIDs from the engine --count times (default 10). */
int cli_live(struct app *a, const struct cli_options *opt, struct error *e)
{
	static struct live_out o;
	struct app_live_stats st = { 0, 0, 0 };
	uint8_t pids[LIVE_PIDS_MAX];
	size_t n;
	int rc;

	parse_pids(opt, pids, &n);
	if (check_supported(a, pids, n, e) < 0)
		return -1;
	memset(&o, 0, sizeof o);
	o.json = opt->json;
	json_init(&o.j, &o.buf, true);
	json_obj_begin(&o.j);
	json_key(&o.j, "samples");
	json_arr_begin(&o.j);
	rc = app_live(a, pids, n, opt->count ? (unsigned)opt->count : LIVE_DEFAULT_COUNT,
		      !opt->single, live_sample, &o, &st, e);
	json_arr_end(&o.j);
	json_key(&o.j, "rate");
	json_num(&o.j, st.seconds > 0 ? st.samples / st.seconds : 0);
	json_obj_end(&o.j);
	if (rc == 0 && o.json)
		fputs(buf_str(&o.buf), stdout);
	buf_free(&o.buf);
	if (rc < 0)
		return -1;
	fprintf(stderr, "obdcon: %u samples in %.2f s: %.1f samples/s\n", st.samples, st.seconds,
		st.seconds > 0 ? st.samples / st.seconds : 0.0);
	return 0;
}
