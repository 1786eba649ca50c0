/* cli_flash.c: flashing on the command line: list the procedures, flash an
 * image, resume an interrupted flash, read a module's software out. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/json.h"

#define PROCS_MAX 64

/* Prints the flash procedures of the connected vehicle. */
static int print_list(struct app *a, bool json)
{
	struct app_flash_proc p[PROCS_MAX];
	size_t n = app_flash_list(a, p, PROCS_MAX), i;
	struct buf out = { 0 };
	struct json j;

	if (!json) {
		if (n == 0)
			fprintf(stderr, "obdcon: no flash procedures for this vehicle in the brand "
				"scripts\n");
		for (i = 0; i < n; i++)
			printf("%-20s module %-6s %8u bytes  read-out %-3s  %s\n", p[i].id, p[i].module,
			       p[i].size, p[i].readout ? "yes" : "no", p[i].name);
		return 0;
	}
	json_init(&j, &out, true);
	json_obj_begin(&j);
	json_key(&j, "procedures");
	json_arr_begin(&j);
	for (i = 0; i < n; i++) {
		json_obj_begin(&j);
		json_kv_str(&j, "id", p[i].id);
		json_kv_str(&j, "name", p[i].name);
		json_kv_str(&j, "module", p[i].module);
		json_kv_int(&j, "size", p[i].size);
		json_kv_bool(&j, "readout", p[i].readout);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	fputs(buf_str(&out), stdout);
	buf_free(&out);
	return 0;
}

/* Adds the lines of text as a JSON array of strings under key. */
static void json_lines(struct json *j, const char *key, const char *text, const char *sep)
{
	const char *p = text, *end;

	json_key(j, key);
	json_arr_begin(j);
	while (*p) {
		end = strstr(p, sep);
		if (end == NULL)
			end = p + strlen(p);
		if (end > p)
			json_strn(j, p, (size_t)(end - p));
		p = *end ? end + strlen(sep) : end;
	}
	json_arr_end(j);
}

/* Prints a flash result (or how far a failed flash got) as JSON. */
static void print_json(const struct app_flash_result *r, const struct error *e)
{
	struct buf out = { 0 };
	struct json j;

	json_init(&j, &out, true);
	json_obj_begin(&j);
	json_kv_bool(&j, "ok", e == NULL);
	if (e)
		json_kv_str(&j, "error", e->text);
	json_kv_bool(&j, "written", r->written);
	json_kv_str(&j, "summary", r->summary);
	json_lines(&j, "checklist", r->checklist, "\n");
	json_lines(&j, "corrections", r->corrections, "; ");
	json_kv_str(&j, "image_software", r->image_sw);
	json_kv_str(&j, "module_software", r->module_sw);
	json_kv_bool(&j, "verified", r->verified);
	json_kv_str(&j, "after", r->after);
	json_kv_int(&j, "dtcs", (long long)r->dtcs);
	json_key(&j, "seconds");
	json_num(&j, r->seconds);
	json_kv_int(&j, "bytes", (long long)r->bytes);
	json_key(&j, "rate");
	json_num(&j, r->rate);
	json_key(&j, "download_rate");
	json_num(&j, r->download_rate);
	json_obj_end(&j);
	fputs(buf_str(&out), stdout);
	buf_free(&out);
}

/* Prints a flash result as text: the checklist, what was corrected, the
 * outcome and the identification afterwards. */
static void print_result(const struct app_flash_result *r)
{
	fputs(r->checklist, stdout);
	if (r->corrections[0])
		printf("checksums corrected: %s\n", r->corrections);
	printf("%s\n", r->summary);
	if (r->after[0])
		printf("%s\n", r->after);
	if (r->download_rate > 0)
		printf("download at %.0f bytes/s\n", r->download_rate);
}

/* Checks flash arguments before connecting. */
int cli_check_flash(const struct cli_options *opt)
{
	if (opt->list || opt->resume)
		return opt->nargs == 1 ? -1 : cli_usage_error("flash --list/--resume take no PROCEDURE");
	if (opt->nargs != 3)
		return cli_usage_error("flash needs PROCEDURE IMAGE (or --list, or --resume SESSION)");
	return -1;
}

/* flash: --list, --resume SESSION, or PROCEDURE IMAGE. */
int cli_flash(struct app *a, const struct cli_options *opt, struct error *e)
{
	struct app_flash_result r;

	if (opt->list)
		return print_list(a, opt->json);
	if (opt->resume ? app_flash_resume(a, opt->resume, &r, e) < 0
			: app_flash(a, opt->args[1], opt->args[2], &r, e) < 0) {
		if (opt->json)
			print_json(&r, e);
		return -1;
	}
	if (opt->json)
		print_json(&r, NULL);
	else
		print_result(&r);
	return 0;
}

/* Checks readout arguments. */
int cli_check_readout(const struct cli_options *opt)
{
	return opt->nargs == 3 ? -1 : cli_usage_error("readout needs PROCEDURE OUT-FILE");
}

/* readout: reads a module's software out into a file. */
int cli_readout(struct app *a, const struct cli_options *opt, struct error *e)
{
	if (app_readout(a, opt->args[1], opt->args[2], e) < 0)
		return -1;
	printf("%s\n", opt->args[2]);
	return 0;
}
