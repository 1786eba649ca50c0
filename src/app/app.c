/* app.c: the console instance, connection, coding features and accessors
 * shared by the TUI and the command line (the scan is in scan.c). */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_internal.h"
#include "session/store.h"

/* Reports a line through the hooks (and to the session's events). */
void app_say(struct app *a, enum app_level level, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (a->session && level != APP_PROGRESS)
		session_event(a->session, "%s", text);
	if (a->hooks.message)
		a->hooks.message(a->hooks.arg, level, text);
}

/* Script loading errors are reported, never fatal. */
static void report_script_error(void *arg, const struct error *e)
{
	struct app *a = arg;

	if (a->nscript_errors < sizeof a->script_errors / sizeof a->script_errors[0])
		snprintf(a->script_errors[a->nscript_errors++], sizeof a->script_errors[0], "%s",
			 e->text);
	app_say(a, APP_WARNING, "script error: %s", e->text);
}

/* Records the script load errors in the session that just started. */
static void record_script_errors(struct app *a)
{
	size_t i;

	for (i = 0; i < a->nscript_errors; i++)
		session_event(a->session, "script error while loading: %s", a->script_errors[i]);
	for (i = 0; i < a->script_load_log.len; i += strlen((char *)a->script_load_log.data + i) + 1)
		session_event(a->session, "script (while loading): %s",
			      (char *)a->script_load_log.data + i);
}

#define SCRIPT_LOAD_LOG_MAX (64u << 10) /* log() text kept from loading the scripts */

/* Keeps a line the scripts logged while loading, up to SCRIPT_LOAD_LOG_MAX. */
static void keep_load_log(struct app *a, const char *line)
{
	static const char full[] = "(more lines logged while loading were dropped)";

	if (a->script_load_log.len + strlen(line) + sizeof full > SCRIPT_LOAD_LOG_MAX) {
		line = full;
		a->script_load_log_full = true;
	}
	buf_append(&a->script_load_log, line, strlen(line) + 1);
}

/* Script log() lines go to the session's events (those written while the
 * scripts loaded, before there was a session, when it starts). */
static void script_log(void *arg, const char *line)
{
	struct app *a = arg;

	if (a->session)
		session_event(a->session, "script: %s", line);
	else if (!a->script_load_log_full)
		keep_load_log(a, line);
}

/* A script's question goes to whoever drives the console; the answer is
 * recorded in the session. */
static int script_ask(void *arg, const char *question, const char *const *choices, size_t n)
{
	struct app *a = arg;
	int k = a->hooks.ask ? a->hooks.ask(a->hooks.arg, question, choices, n) : -1;

	if (a->session)
		session_event(a->session, "script asked: %s -> %s", question,
			      k >= 0 && (size_t)k < n ? choices[k] : "(no answer)");
	return k;
}

/* Creates a console instance and loads the brand scripts. */
int app_new(const struct app_options *opt, const struct app_hooks *hooks, struct app **out,
	    struct error *e)
{
	struct app *a = calloc(1, sizeof *a);

	*out = NULL;
	if (a == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	if (opt)
		a->opt = *opt;
	if (hooks)
		a->hooks = *hooks;
	a->brand = -1;
	if (script_host_new(&a->scripts, e) < 0) {
		free(a);
		return -(int)e->kind;
	}
	script_set_logger(a->scripts, script_log, a);
	script_set_asker(a->scripts, script_ask, a);
	script_load_all(a->scripts, report_script_error, a);
	*out = a;
	return 0;
}

/* Link tap: every byte on the adapter link goes to the session transcript. */
static void transcript_tap(void *arg, enum link_dir dir, const uint8_t *data, size_t n)
{
	session_transcript(arg, dir == LINK_TX ? SESSION_TX : SESSION_RX, data, n);
}

/* The adapter probe asks whether the user gave up on a silent port. */
static bool probe_cancelled(void *arg)
{
	return app_cancelled(arg);
}

/* Opens the transport: the simulator in a thread, or a real port. */
static int open_port(struct app *a, const char *port, struct error *e)
{
	if (strncmp(port, "sim:", 4) == 0)
		return sim_spawn(port + 4, &a->link, &a->sim, e);
	if (strncmp(port, "replay:", 7) == 0) {
		char path[PATH_MAX];
		if (session_resolve(a->opt.sessions_dir, port + 7, path, sizeof path, e) < 0)
			return error_wrap(e, "replay");
		return app_replay_start(path, &a->link, &a->replay, e);
	}
	return link_open(port, &a->link, e);
}

/* Records the adapter's identity in the session. */
static void record_adapter(struct app *a)
{
	const struct adapter_info *info = adapter_info(a->adapter);
	char text[256];

	if (info->caps.stn)
		snprintf(a->adapter_name, sizeof a->adapter_name, "%s %s", info->stn_version,
			 info->stn_device);
	else
		snprintf(a->adapter_name, sizeof a->adapter_name, "%s", info->elm_version);
	session_set_info(a->session, "port", a->port);
	session_set_info(a->session, "link", link_kind(a->link));
	session_set_info(a->session, "adapter", info->elm_version);
	session_set_info(a->session, "adapter.device", info->device);
	session_set_info(a->session, "adapter.chip", info->chip);
	session_set_info(a->session, "adapter.stn", info->stn_version);
	session_set_info(a->session, "adapter.stn_device", info->stn_device);
	session_set_info(a->session, "adapter.protocol", info->protocol);
	session_set_info(a->session, "adapter.path", info->path);
	snprintf(text, sizeof text, "%d", info->max_request);
	session_set_info(a->session, "adapter.max_request", text);
	snprintf(text, sizeof text, "%d", info->baud);
	session_set_info(a->session, "adapter.baud", text);
	snprintf(text, sizeof text, "%d", info->rtt_ms);
	session_set_info(a->session, "adapter.rtt_ms", text);
	snprintf(text, sizeof text, "caf0=%d fc_header=%d r0=%d count_digit=%d stpx=%d",
		 info->caps.caf0, info->caps.fc_header, info->caps.r0, info->caps.count_digit,
		 info->caps.stpx);
	session_set_info(a->session, "adapter.caps", text);
	adapter_describe(a->adapter, text, sizeof text);
	session_set_info(a->session, "adapter.fingerprint", text);
	snprintf(text, sizeof text, "%.1f", a->volts);
	session_set_info(a->session, "voltage", text);
}

/* Raises the UART rate where it helps and is safe: not over Bluetooth
 * (the radio module's UART rate is fixed) or TCP, not when --baud fixed it. */
static void raise_baud(struct app *a)
{
	const char *kind = link_kind(a->link);
	struct error e;
	int baud;

	if (a->opt.fixed_baud || strcmp(kind, "tcp") == 0 || strstr(a->port, "rfcomm") != NULL)
		return;
	error_clear(&e);
	baud = adapter_raise_baud(a->adapter, 2000000, &e);
	if (baud < 0)
		app_say(a, APP_WARNING, "changing the UART rate failed: %s", e.text);
	else
		app_say(a, APP_PROGRESS, "UART at %d baud", baud);
}

/* Opens the port, starts a session, initialises the adapter. */
int app_connect(struct app *a, const char *port, struct error *e)
{
	struct error ve;

	snprintf(a->port, sizeof a->port, "%s", port);
	if (session_create(a->opt.sessions_dir, &a->session, e) < 0)
		return error_wrap(e, "starting the session");
	record_script_errors(a);
	app_say(a, APP_INFO, "connecting to %s", port);
	if (open_port(a, port, e) < 0) {
		/* a bad port spec is bad usage (2); anything else: no adapter (3) */
		if (e->kind == ERR_NOT_FOUND)
			e->kind = ERR_ARG;
		else if (e->kind != ERR_ARG && e->kind != ERR_FORMAT && e->kind != ERR_BUSY)
			e->kind = ERR_OPEN;
		return -(int)e->kind;
	}
	link_set_tap(a->link, transcript_tap, a->session);
	a->adapter = adapter_new(a->link);
	a->tp = a->adapter ? isotp_new(a->adapter) : NULL;
	a->uds = a->tp ? uds_new(a->tp) : NULL;
	if (a->uds == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	adapter_set_cancel(a->adapter, probe_cancelled, a);
	if (adapter_init(a->adapter, e) < 0) {
		e->kind = e->kind == ERR_EOF || e->kind == ERR_TIMEOUT || e->kind == ERR_CANCELLED
				  ? ERR_OPEN : e->kind; /* no adapter reached: exit 3 */
		return error_wrap(e, "no usable adapter on %s", port);
	}
	raise_baud(a);
	if (adapter_voltage(a->adapter, &a->volts, &ve) < 0)
		app_say(a, APP_WARNING, "cannot read battery voltage: %s", ve.text);
	record_adapter(a);
	{
		char fp[256];
		adapter_describe(a->adapter, fp, sizeof fp);
		app_say(a, APP_INFO, "adapter %s; battery %.1f V", fp, a->volts);
	}
	return 0;
}

/* The UDS target of a module. */
struct uds_target app_module_target(const struct app_module *m)
{
	struct uds_target t = { .name = m->name, .can = { .tx = m->tx, .rx = m->rx, .ext = m->ext } };

	return t;
}

/* Index of the app module built from a script module, or -1. */
static int module_of_script(const struct app *a, size_t script_module)
{
	size_t i;

	for (i = 0; i < a->nmodules; i++)
		if (a->modules[i].script_module == script_module)
			return (int)i;
	return -1;
}

/* A DID value read once per pass over the features. */
struct did_cache {
	size_t module;
	uint16_t did;
	int rc;
	struct error e;
	size_t len;
	uint8_t data[DID_MAX];
};

/* Reads a module's DID, or takes it from the cache when this pass read it. */
static struct did_cache *cached_read(struct app *a, struct did_cache *cache, size_t *n,
				     size_t module, uint16_t did)
{
	struct uds_target t = app_module_target(&a->modules[module]);
	struct did_cache *c;
	size_t i;

	for (i = 0; i < *n; i++)
		if (cache[i].module == module && cache[i].did == did)
			return &cache[i];
	if (*n == APP_MAX_FEATURES)
		*n = 0;
	c = &cache[(*n)++];
	c->module = module;
	c->did = did;
	error_clear(&c->e);
	c->rc = uds_read_did(a->uds, &t, did, c->data, sizeof c->data, &c->len, &c->e);
	return c;
}

#define IDENT_DIDS 7 /* identification values a module gives ecu.did() */

/* Identification of a module for supported() predicates: the values the
 * console read, by name and through ecu.did() (as text, as read). */
static struct script_ident module_ident(const struct app_module *m,
				       struct script_ident_did dids[IDENT_DIDS])
{
	const struct { uint16_t did; const char *value; } read[IDENT_DIDS] = {
		{ 0xF187, m->part }, { 0xF189, m->sw }, { 0xF191, m->hw }, { 0xF18C, m->serial },
		{ 0xF197, m->system }, { 0xF18A, m->supplier }, { 0xF180, m->boot_sw },
	};
	struct script_ident id = { m->part, m->sw, m->hw, m->serial, m->system, dids, 0 };
	size_t i;

	for (i = 0; i < IDENT_DIDS; i++)
		if (read[i].value[0])
			dids[id.ndids++] = (struct script_ident_did){ read[i].did,
				(const uint8_t *)read[i].value, strlen(read[i].value) };
	return id;
}

/* Reads the records a feature lives in; false (with the reason) when one
 * cannot be read. */
static bool feature_records(struct app *a, struct app_feature *f, struct did_cache *cache,
			    size_t *ncache, struct script_record *recs, size_t *n, struct error *why)
{
	size_t ndids, i;
	const uint16_t *dids = script_feature_dids(a->scripts, f->script_feature, &ndids);

	*n = 0;
	for (i = 0; i < ndids && i < APP_FEATURE_DIDS_MAX; i++) {
		struct did_cache *c = cached_read(a, cache, ncache, f->module, dids[i]);
		if (c->rc < 0) {
			*why = c->e;
			return false;
		}
		recs[*n].did = dids[i];
		recs[*n].data = c->data;
		recs[*n].len = c->len;
		(*n)++;
	}
	return true;
}

/* Decodes a feature's current value into its text. */
static void decode_feature(struct app *a, struct app_feature *f, const struct script_record *recs,
			   size_t n)
{
	struct script_value v;
	struct error e;

	error_clear(&e);
	if (script_feature_decode(a->scripts, f->script_feature, recs, n, &v, &e) < 0) {
		f->supported = false;
		snprintf(f->reason, sizeof f->reason, "%s", e.text);
		if (e.kind == ERR_SCRIPT)
			app_say(a, APP_WARNING, "%s", e.text);
		return;
	}
	script_value_format(a->scripts, f->script_feature, &v, f->value_text, sizeof f->value_text);
	f->value = f->kind == APP_FEATURE_BIT ? (int)v.num : -1;
	f->known = true;
}

/* True when a read failed because the module has no such DID (it answered
 * requestOutOfRange or does not know the service), not for a lost link. */
static bool did_missing(const struct error *e)
{
	return e->kind == ERR_NEGATIVE && (e->detail == 0x31 || e->detail == 0x11 ||
					   e->detail == 0x12);
}

/* Decides support and reads the current value of one feature. */
static void read_feature(struct app *a, struct app_feature *f, struct did_cache *cache,
			 size_t *ncache)
{
	const struct app_module *m = &a->modules[f->module];
	struct script_ident_did dids[IDENT_DIDS];
	struct script_ident ident = module_ident(m, dids);
	struct script_record recs[APP_FEATURE_DIDS_MAX];
	size_t n;
	struct error e;

	f->known = false;
	f->value = -1;
	if (!m->present) {
		f->supported = false;
		snprintf(f->reason, sizeof f->reason, "module %s does not answer", m->id);
		return;
	}
	if (m->boot) {
		f->supported = false;
		snprintf(f->reason, sizeof f->reason, "module %s is in its boot loader: its software "
			 "is missing, flash it before coding", m->id);
		return;
	}
	error_clear(&e);
	if (script_feature_supported_ident(a->scripts, f->script_feature, &ident, &f->supported,
					   f->reason, sizeof f->reason, &e) < 0)
		app_say(a, APP_WARNING, "%s", e.text);
	if (!feature_records(a, f, cache, ncache, recs, &n, &e)) {
		if (!f->supported) /* the script's reason stands */
			return;
		if (did_missing(&e)) {
			f->supported = false;
			snprintf(f->reason, sizeof f->reason, "%s", e.text);
		} else { /* supported, but its value could not be read now */
			snprintf(f->reason, sizeof f->reason, "not read: %s", e.text);
		}
		return;
	}
	decode_feature(a, f, recs, n);
}

/* Fills a feature's fixed description from its declaration. */
static void describe_feature(struct app *a, struct app_feature *f, size_t si, size_t mi)
{
	const struct script_feature *sf = script_feature(a->scripts, si);

	memset(f, 0, sizeof *f);
	f->script_feature = si;
	f->id = sf->id;
	f->name = sf->name;
	f->help = sf->help;
	f->module = mi;
	f->kind = (enum app_feature_kind)sf->kind;
	f->did = sf->did;
	f->byte = sf->byte;
	f->bit = sf->bit;
	f->writable = sf->kind != FEATURE_CUSTOM || sf->encode_ref >= 0;
	script_feature_describe_values(a->scripts, si, f->values, sizeof f->values);
}

/* Reads every coding feature's current value and support state; each DID
 * is read once. */
int app_read_features(struct app *a, struct error *e)
{
	struct did_cache *cache = calloc(APP_MAX_FEATURES, sizeof *cache);
	size_t i, ncache = 0;

	if (cache == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	a->nfeatures = 0;
	for (i = 0; i < script_feature_count(a->scripts) && a->nfeatures < APP_MAX_FEATURES; i++) {
		const struct script_feature *sf = script_feature(a->scripts, i);
		int mi = module_of_script(a, sf->module);
		struct app_feature *f;
		if (mi < 0)
			continue;
		f = &a->features[a->nfeatures++];
		describe_feature(a, f, i, (size_t)mi);
		read_feature(a, f, cache, &ncache);
	}
	free(cache);
	return 0;
}

/* Closes the adapter and the session; frees the instance. */
int app_close(struct app *a, char *archive, size_t n, struct error *e)
{
	int rc = 0;

	if (a == NULL)
		return 0;
	if (archive && n)
		archive[0] = 0;
	uds_free(a->uds);
	isotp_free(a->tp);
	adapter_free(a->adapter);
	link_close(a->link);
	if (a->sim)
		sim_thread_stop(a->sim);
	app_replay_stop(a->replay, a->session);
	if (a->session) {
		session_event(a->session, "session closed");
		rc = session_close(a->session, a->opt.pack_on_close, archive, n, e);
	}
	script_host_free(a->scripts);
	buf_free(&a->script_load_log);
	free(a);
	return rc;
}

/* The port connected to. */
const char *app_port(const struct app *a)
{
	return a->port;
}

/* The VIN read, or "" before a scan. */
const char *app_vin(const struct app *a)
{
	return a->vin;
}

/* Name of the matched brand script, or "generic". */
const char *app_brand_name(const struct app *a)
{
	return a->brand >= 0 ? script_brand(a->scripts, (size_t)a->brand)->name : "generic";
}

/* Battery voltage at connect time. */
double app_voltage(const struct app *a)
{
	return a->volts;
}

/* True once the adapter's link was found gone (unplugged, out of range,
 * closed): nothing more reaches the vehicle until a new connection. */
bool app_link_gone(const struct app *a)
{
	return a->link && link_gone(a->link);
}

/* Adapter identification. */
const char *app_adapter_name(const struct app *a)
{
	return a->adapter_name;
}

/* Session directory, or "" when there is none. */
const char *app_session_path(const struct app *a)
{
	return a->session ? session_path(a->session) : "";
}

/* Requests, probes and round trips since connecting. */
void app_get_counts(const struct app *a, struct app_counts *out)
{
	struct isotp_stats st;

	memset(out, 0, sizeof *out);
	if (a->tp == NULL)
		return;
	isotp_get_stats(a->tp, &st);
	out->requests = st.requests;
	out->probes = st.probes;
	out->round_trips = st.round_trips;
}

/* Number of modules. */
size_t app_module_count(const struct app *a)
{
	return a->nmodules;
}

/* Module i. */
const struct app_module *app_module(const struct app *a, size_t i)
{
	return i < a->nmodules ? &a->modules[i] : NULL;
}

/* Number of features. */
size_t app_feature_count(const struct app *a)
{
	return a->nfeatures;
}

/* Feature i. */
const struct app_feature *app_feature(const struct app *a, size_t i)
{
	return i < a->nfeatures ? &a->features[i] : NULL;
}

/* Index of a module by id, or -1. */
int app_find_module(const struct app *a, const char *id)
{
	size_t i;

	for (i = 0; i < a->nmodules; i++)
		if (strcmp(a->modules[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Index of a feature by id, or -1. */
int app_find_feature(const struct app *a, const char *id)
{
	size_t i;

	for (i = 0; i < a->nfeatures; i++)
		if (strcmp(a->features[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Name of a feature kind. */
const char *app_feature_kind_name(enum app_feature_kind k)
{
	static const char *const names[] = { "bit", "choice", "number", "string", "custom" };

	return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

/* Text of a feature value ("?" when it could not be read). */
const char *app_value_text(const struct app_feature *f)
{
	return f->known ? f->value_text : "?";
}
