/* snapshot.c: copying the app's state for the screens. */
#include "config.h"
#include "ui/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/logbuf.h"
#include "util/fsutil.h"

#define TRANSCRIPT_HEAD (64u * 1024)

/* Copies one feature, strings included. */
static void copy_feature(struct ui_feature *d, const struct app_feature *f)
{
	memset(d, 0, sizeof *d);
	snprintf(d->id, sizeof d->id, "%s", f->id ? f->id : "");
	snprintf(d->name, sizeof d->name, "%s", f->name ? f->name : "");
	d->module = f->module;
	d->kind = f->kind;
	d->did = f->did;
	d->byte = f->byte;
	d->bit = f->bit;
	d->known = f->known;
	d->value = f->value;
	snprintf(d->value_text, sizeof d->value_text, "%s", app_value_text(f));
	snprintf(d->values, sizeof d->values, "%s", f->values);
	d->writable = f->writable;
	d->supported = f->supported;
	snprintf(d->reason, sizeof d->reason, "%s", f->reason);
}

/* Finds the protocol near the start of the session transcript, where the
 * adapter probe asked ATDP (the app does not say it otherwise). */
static void read_protocol(struct ui_snapshot *s)
{
	char path[PATH_MAX + 32], *head;
	FILE *f;
	size_t got;

	s->protocol[0] = 0;
	if (s->session[0] == 0 || fs_join(path, sizeof path, s->session, "transcript.log") < 0)
		return;
	f = fopen(path, "rb");
	head = f ? malloc(TRANSCRIPT_HEAD + 1) : NULL;
	if (head) {
		got = fread(head, 1, TRANSCRIPT_HEAD, f);
		head[got] = 0;
		ui_transcript_protocol(head, s->protocol, sizeof s->protocol);
	}
	free(head);
	if (f)
		fclose(f);
}

/* Copies the flash procedures for the vehicle. */
static void copy_flash(struct ui_snapshot *s, const struct app *a)
{
	struct app_flash_proc p[UI_FLASH_MAX];
	size_t n = s->scanned ? app_flash_list(a, p, UI_FLASH_MAX) : 0, i;

	for (i = 0; i < n; i++) {
		struct ui_flash_proc *d = &s->flash[i];
		snprintf(d->id, sizeof d->id, "%s", p[i].id ? p[i].id : "");
		snprintf(d->name, sizeof d->name, "%s", p[i].name ? p[i].name : p[i].id);
		snprintf(d->module, sizeof d->module, "%s", p[i].module ? p[i].module : "");
		d->size = p[i].size;
		d->readout = p[i].readout;
	}
	s->nflash = n;
}

/* Copies the app's state. */
void ui_snapshot_take(struct ui_snapshot *s, const struct app *a)
{
	size_t i;

	memset(s, 0, offsetof(struct ui_snapshot, modules));
	s->nmodules = 0;
	s->nfeatures = 0;
	if (a == NULL)
		return;
	snprintf(s->port, sizeof s->port, "%s", app_port(a));
	snprintf(s->vin, sizeof s->vin, "%s", app_vin(a));
	snprintf(s->adapter, sizeof s->adapter, "%s", app_adapter_name(a));
	snprintf(s->path, sizeof s->path, "%s", app_adapter_path(a));
	snprintf(s->session, sizeof s->session, "%s", app_session_path(a));
	s->connected = s->adapter[0] != 0;
	s->link_gone = s->connected && app_link_gone(a);
	s->scanned = s->vin[0] != 0;
	snprintf(s->brand, sizeof s->brand, "%s", s->scanned ? app_brand_name(a) : "");
	if (s->connected)
		app_adapter_fingerprint(a, s->fingerprint, sizeof s->fingerprint);
	s->volts = app_voltage(a);
	s->engine = app_live_engine(a);
	for (i = 0; i < app_module_count(a) && i < APP_MAX_MODULES; i++)
		s->modules[s->nmodules++] = *app_module(a, i);
	for (i = 0; i < app_feature_count(a) && i < APP_MAX_FEATURES; i++)
		copy_feature(&s->features[s->nfeatures++], app_feature(a, i));
	for (i = 0; i < s->nmodules; i++)
		s->dtcs[i] = *app_module_dtcs(a, i);
	copy_flash(s, a);
	read_protocol(s);
}

/* Index of a feature by id. */
int ui_snapshot_feature(const struct ui_snapshot *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->nfeatures; i++)
		if (strcmp(s->features[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Text of a feature value. */
const char *ui_feature_value_text(const struct ui_feature *f)
{
	return f->known ? f->value_text : "?";
}

/* The index of a module by id. */
int ui_snapshot_module(const struct ui_snapshot *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->nmodules; i++)
		if (strcmp(s->modules[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Fault codes read in all, of one module or of every module. */
size_t ui_snapshot_dtc_count(const struct ui_snapshot *s, int module, bool *read)
{
	size_t i, n = 0;

	*read = false;
	for (i = 0; i < s->nmodules; i++) {
		if ((module >= 0 && (size_t)module != i) || !s->dtcs[i].read)
			continue;
		*read = true;
		n += s->dtcs[i].n;
	}
	return n;
}

/* The session's directory name. */
const char *ui_snapshot_session_name(const struct ui_snapshot *s)
{
	const char *slash = strrchr(s->session, '/');

	return slash ? slash + 1 : s->session;
}
