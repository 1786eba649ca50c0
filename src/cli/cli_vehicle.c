/* cli_vehicle.c: scan, features and code on the command line. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/hex.h"
#include "util/json.h"

/* Prints one module of the scan as a line of text. */
static void print_module_text(const struct app_module *m)
{
	printf("%-4s %-24s %03X/%03X  ", m->id, m->name, m->tx, m->rx);
	if (!m->present)
		printf("no answer");
	else if (m->part[0] == 0 && m->sw[0] == 0 && m->error[0])
		printf("%s", m->error);
	else
		printf("part %s  sw %s  hw %s", m->part, m->sw, m->hw);
	if (m->present && m->serial[0])
		printf("  serial %s", m->serial);
	if (m->present && m->supplier[0])
		printf("  supplier %s", m->supplier);
	printf("%s\n", m->discovered ? "  (discovered)" : "");
}

/* Prints the scan result. */
static void print_scan(const struct app *a, bool json)
{
	struct buf out = { 0 };
	struct json j;
	size_t i;

	if (!json) {
		printf("VIN %s (%s)\n", app_vin(a), app_brand_name(a));
		for (i = 0; i < app_module_count(a); i++)
			print_module_text(app_module(a, i));
		return;
	}
	json_init(&j, &out, true);
	json_obj_begin(&j);
	json_kv_str(&j, "vin", app_vin(a));
	json_kv_str(&j, "brand", app_brand_name(a));
	json_key(&j, "modules");
	json_arr_begin(&j);
	for (i = 0; i < app_module_count(a); i++) {
		const struct app_module *m = app_module(a, i);
		json_obj_begin(&j);
		json_kv_str(&j, "id", m->id);
		json_kv_str(&j, "name", m->name);
		json_kv_int(&j, "tx", m->tx);
		json_kv_int(&j, "rx", m->rx);
		json_kv_bool(&j, "present", m->present);
		json_kv_str(&j, "part", m->part);
		json_kv_str(&j, "sw", m->sw);
		json_kv_str(&j, "hw", m->hw);
		json_kv_str(&j, "serial", m->serial);
		json_kv_str(&j, "system", m->system);
		json_kv_str(&j, "supplier", m->supplier);
		json_kv_bool(&j, "ext", m->ext);
		json_kv_bool(&j, "discovered", m->discovered);
		json_kv_str(&j, "error", m->error);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	fputs(buf_str(&out), stdout);
	buf_free(&out);
}

/* Prints the features and their state. */
static void print_features(const struct app *a, bool json)
{
	struct buf out = { 0 };
	struct json j;
	size_t i;

	if (!json) {
		for (i = 0; i < app_feature_count(a); i++) {
			const struct app_feature *f = app_feature(a, i);
			char state[256];
			if (!f->supported)
				snprintf(state, sizeof state, "unsupported: %s", f->reason);
			else if (!f->known)
				snprintf(state, sizeof state, "%s", f->reason);
			else if (!f->writable)
				snprintf(state, sizeof state, "supported (read-only)");
			else
				snprintf(state, sizeof state, "supported (%s)", f->values);
			printf("%-28s %-4s %-12s %s\n", f->id, app_module(a, f->module)->id,
			       app_value_text(f), state);
		}
		return;
	}
	json_init(&j, &out, true);
	json_obj_begin(&j);
	json_key(&j, "features");
	json_arr_begin(&j);
	for (i = 0; i < app_feature_count(a); i++) {
		const struct app_feature *f = app_feature(a, i);
		json_obj_begin(&j);
		json_kv_str(&j, "id", f->id);
		json_kv_str(&j, "name", f->name);
		json_kv_str(&j, "module", app_module(a, f->module)->id);
		json_key(&j, "value");
		json_str(&j, f->known ? app_value_text(f) : NULL);
		json_kv_str(&j, "kind", app_feature_kind_name(f->kind));
		json_kv_str(&j, "values", f->values);
		json_kv_bool(&j, "writable", f->writable);
		json_kv_bool(&j, "supported", f->supported);
		json_key(&j, "reason");
		json_str(&j, f->supported && f->known ? NULL : f->reason);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	fputs(buf_str(&out), stdout);
	buf_free(&out);
}

/* Parses FEATURE=VALUE arguments. */
static int parse_changes(const struct cli_options *opt, struct app_change *changes)
{
	static char names[64][128];
	int i;

	if (opt->nargs < 2)
		return cli_usage_error("code needs at least one FEATURE=VALUE");
	for (i = 1; i < opt->nargs && i <= 64; i++) {
		const char *eq = strchr(opt->args[i], '=');
		if (eq == NULL || eq == opt->args[i] || eq - opt->args[i] >= 128)
			return cli_usage_error("'%s' is not FEATURE=VALUE", opt->args[i]);
		snprintf(names[i - 1], sizeof names[i - 1], "%.*s", (int)(eq - opt->args[i]),
			 opt->args[i]);
		changes[i - 1].feature = names[i - 1];
		changes[i - 1].value = eq + 1;
	}
	return -1;
}

/* scan: prints the VIN and each module's identification. */
int cli_scan(struct app *a, const struct cli_options *opt, struct error *e)
{
	(void)e;
	print_scan(a, opt->json);
	return 0;
}

/* features: lists coding features with value and support state; exit 1
 * when a supported one could not be read. */
int cli_features(struct app *a, const struct cli_options *opt, struct error *e)
{
	size_t i, unread = 0;

	if (app_read_features(a, e) < 0)
		return -1;
	print_features(a, opt->json);
	for (i = 0; i < app_feature_count(a); i++)
		unread += app_feature(a, i)->supported && !app_feature(a, i)->known;
	if (unread)
		return error_set(e, ERR_IO, "%zu coding feature%s could not be read (see %s)", unread,
				 unread == 1 ? "" : "s", unread == 1 ? "its note" : "their notes");
	return 0;
}

/* Checks code arguments before connecting. */
int cli_check_code(const struct cli_options *opt)
{
	struct app_change changes[64];

	if (opt->nargs - 1 > 64)
		return cli_usage_error("too many changes (at most 64)");
	return parse_changes(opt, changes);
}

/* code: changes coding features in one transaction. */
int cli_code(struct app *a, const struct cli_options *opt, struct error *e)
{
	struct app_change changes[64];
	struct app_code_result res;
	int rc;

	if (opt->nargs - 1 > 64)
		return cli_usage_error("too many changes (at most 64)");
	rc = parse_changes(opt, changes);
	if (rc >= 0)
		return rc;
	if (app_read_features(a, e) < 0 || app_code(a, changes, (size_t)opt->nargs - 1, &res, e) < 0)
		return -1;
	printf("%s\n", res.summary);
	return 0;
}
