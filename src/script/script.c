/* script.c: the brand-script host: creation, loading of script files and
 * directories (each file in its own environment), the declarations as C
 * data, vehicle matching and supported() predicates. */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/script_internal.h"
#include "util/fsutil.h"

#define MAX_SCRIPT_FILES 256

static const char HOST_KEY = 'H';

/* The host that owns a Lua state. */
struct script_host *script_host_of(lua_State *L)
{
	struct script_host *h;

	lua_rawgetp(L, LUA_REGISTRYINDEX, &HOST_KEY);
	h = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return h;
}

/* Raises an error naming the first field of a table that is not known. */
void script_known_fields(lua_State *L, int idx, const char *what, const char *const *known,
			 const char *const *more)
{
	size_t i;

	idx = lua_absindex(L, idx);
	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		bool found = false;
		for (i = 0; k && known[i] && !found; i++)
			found = strcmp(k, known[i]) == 0;
		for (i = 0; k && more && more[i] && !found; i++)
			found = strcmp(k, more[i]) == 0;
		if (!found)
			luaL_error(L, "%s: unknown field '%s'", what, k ? k : "(non-string key)");
		lua_pop(L, 1);
	}
}

/* Copies a string, raising a Lua error when out of memory. */
char *script_strdup(lua_State *L, const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		luaL_error(L, "out of memory");
	return p;
}

/* Appends " (in WHAT)" to a script error, keeping "file:line:" first. */
int script_error_context(struct error *e, const char *fmt, ...)
{
	char what[160];
	size_t len = strlen(e->text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(e->text + len, sizeof e->text - len, " (in %s)", what);
	return -(int)e->kind;
}

/* Registers the host and the script API (protected). */
static int host_setup(lua_State *L)
{
	struct script_host *h = lua_touserdata(L, 1);

	lua_pushlightuserdata(L, h);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &HOST_KEY);
	script_api_decl_open(L);
	script_api_helpers_open(L);
	return 0;
}

/* A fresh sandboxed interpreter with the declaration API. */
int script_host_new(struct script_host **out, struct error *e)
{
	struct script_host *h = calloc(1, sizeof *h);

	*out = NULL;
	if (h == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	if (sandbox_open(&h->sb, SCRIPT_MEMORY, SCRIPT_BUDGET, e) < 0) {
		free(h);
		return -(int)e->kind;
	}
	if (sandbox_run(&h->sb, host_setup, h, e) < 0) {
		sandbox_close(&h->sb);
		free(h);
		return -ERR_NOMEM;
	}
	*out = h;
	return 0;
}

/* Frees the interpreter and all declarations. */
void script_host_free(struct script_host *h)
{
	if (h == NULL)
		return;
	script_decls_truncate(h, 0, 0, 0, 0);
	free(h->brands);
	free(h->modules);
	free(h->features);
	free(h->flashes);
	sandbox_close(&h->sb);
	free(h);
}

/* Loads, gives its own environment and runs one file (protected). */
static int load_protected(lua_State *L)
{
	struct script_host *h = lua_touserdata(L, 1);
	const char *path = h->current_file;

	if (luaL_loadfilex(L, path, "t") != LUA_OK) {
		const char *msg = lua_tostring(L, -1);
		if (strncmp(msg, "cannot ", 7) == 0)
			lua_pushfstring(L, "%s: %s", path, msg);
		return lua_error(L);
	}
	sandbox_push_env(L);
	if (lua_setupvalue(L, -2, 1) == NULL)
		lua_pop(L, 1);
	lua_call(L, 0, 0);
	return 0;
}

/* Loads one script file; a failure leaves other files' declarations intact. */
int script_load_file(struct script_host *h, const char *path, struct error *e)
{
	size_t nb = h->nbrands, nm = h->nmodules, nf = h->nfeatures, nfl = h->nflashes;
	int rc;

	h->current_file = path;
	snprintf(h->sb.origin, sizeof h->sb.origin, "%s", path);
	rc = sandbox_run(&h->sb, load_protected, h, e);
	h->current_file = NULL;
	if (rc < 0)
		script_decls_truncate(h, nb, nm, nf, nfl);
	return rc;
}

/* Compares two C strings for qsort. */
static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the *.lua names of dir to names (deduplicated). */
static void collect_names(const char *dir, char **names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t i, len;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL && *n < MAX_SCRIPT_FILES) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".lua") != 0 || de->d_name[0] == '.')
			continue;
		for (i = 0; i < *n; i++)
			if (strcmp(names[i], de->d_name) == 0)
				break;
		if (i == *n && (names[*n] = strdup(de->d_name)) != NULL)
			(*n)++;
	}
	closedir(d);
}

/* Loads one named script, the user's copy winning over the shipped one. */
static int load_named(struct script_host *h, const char *user_dir, const char *shipped_dir,
		      const char *name, struct error *e)
{
	char path[PATH_MAX];

	if (user_dir[0] && fs_join(path, sizeof path, user_dir, name) == 0 && fs_is_file(path))
		return script_load_file(h, path, e);
	if (fs_join(path, sizeof path, shipped_dir, name) < 0)
		return error_set(e, ERR_ARG, "path too long for %s", name);
	return script_load_file(h, path, e);
}

/* Loads every script from the shipped and the user's scripts directories. */
int script_load_all(struct script_host *h, void (*report)(void *arg, const struct error *e),
		    void *arg)
{
	char shipped[PATH_MAX], user[PATH_MAX] = "", config[PATH_MAX];
	char *names[MAX_SCRIPT_FILES];
	size_t n = 0, i;
	int failures = 0;
	struct error e;

	fs_join(shipped, sizeof shipped, fs_pkgdata_dir(), "scripts");
	if (fs_xdg_config_dir(config, sizeof config) == 0)
		fs_join(user, sizeof user, config, "scripts");
	collect_names(shipped, names, &n);
	if (user[0])
		collect_names(user, names, &n);
	if (n == 0 && report) {
		error_set(&e, ERR_NOT_FOUND, "no brand scripts in %s%s%s: only generic OBD-II "
			  "functions are available (is obdcon installed, or OBDCON_DATADIR set?)",
			  shipped, user[0] ? " nor " : "", user);
		report(arg, &e);
	}
	qsort(names, n, sizeof *names, compare_names);
	for (i = 0; i < n; i++) {
		error_clear(&e);
		if (load_named(h, user, shipped, names[i], &e) < 0) {
			failures++;
			if (report)
				report(arg, &e);
		}
		free(names[i]);
	}
	return failures;
}

/* Number of brands declared. */
size_t script_brand_count(const struct script_host *h)
{
	return h->nbrands;
}

/* Brand i. */
const struct script_brand *script_brand(const struct script_host *h, size_t i)
{
	return i < h->nbrands ? &h->brands[i] : NULL;
}

/* Number of modules declared. */
size_t script_module_count(const struct script_host *h)
{
	return h->nmodules;
}

/* Module i. */
const struct script_module *script_module(const struct script_host *h, size_t i)
{
	return i < h->nmodules ? &h->modules[i] : NULL;
}

/* Number of features declared. */
size_t script_feature_count(const struct script_host *h)
{
	return h->nfeatures;
}

/* Feature i. */
const struct script_feature *script_feature(const struct script_host *h, size_t i)
{
	return i < h->nfeatures ? &h->features[i] : NULL;
}

/* Number of flash procedures declared. */
size_t script_flash_count(const struct script_host *h)
{
	return h->nflashes;
}

/* Flash procedure i. */
const struct script_flash *script_flash(const struct script_host *h, size_t i)
{
	return i < h->nflashes ? &h->flashes[i] : NULL;
}

/* Index of the feature of a brand with the given id, or -1. */
int script_feature_find(const struct script_host *h, size_t brand, const char *id)
{
	size_t i;

	for (i = 0; i < h->nfeatures; i++)
		if (h->modules[h->features[i].module].brand == brand &&
		    strcmp(h->features[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Length of the longest VIN prefix of brand b that vin starts with (0: none). */
static size_t wmi_match(const struct script_brand *b, const char *vin)
{
	size_t j, best = 0;

	for (j = 0; vin && j < b->nwmi; j++) {
		size_t len = strlen(b->wmi[j]);
		if (len > best && strncmp(vin, b->wmi[j], len) == 0)
			best = len;
	}
	return best;
}

/* Index of the brand whose VIN prefixes match vin (longest prefix wins), or -1. */
int script_match_vin(const struct script_host *h, const char *vin)
{
	size_t i, len, best_len = 0;
	int best = -1;

	for (i = 0; i < h->nbrands; i++) {
		len = wmi_match(&h->brands[i], vin);
		if (len > best_len) {
			best = (int)i;
			best_len = len;
		}
	}
	return best;
}

/* Pushes a string field of the ecu table ("" for NULL). */
static void set_string(lua_State *L, const char *key, const char *value)
{
	lua_pushstring(L, value ? value : "");
	lua_setfield(L, -2, key);
}

/* ecu.did(id): an identification value the console read, or nil. */
static int ecu_did(lua_State *L)
{
	lua_Integer did = luaL_checkinteger(L, 1);

	lua_rawgeti(L, lua_upvalueindex(1), did);
	return 1;
}

/* Pushes the ecu table of supported() and the ident of match(). */
void script_push_ident(lua_State *L, const struct script_ident *ident)
{
	size_t i;

	lua_newtable(L);
	set_string(L, "part", ident ? ident->part : NULL);
	set_string(L, "sw", ident ? ident->sw : NULL);
	set_string(L, "hw", ident ? ident->hw : NULL);
	set_string(L, "serial", ident ? ident->serial : NULL);
	set_string(L, "system", ident ? ident->system : NULL);
	lua_newtable(L);
	for (i = 0; ident && i < ident->ndids; i++) {
		lua_pushlstring(L, (const char *)ident->dids[i].data, ident->dids[i].len);
		lua_rawseti(L, -2, ident->dids[i].did);
	}
	lua_pushcclosure(L, ecu_did, 1);
	lua_setfield(L, -2, "did");
}

/* A call of a match() or supported() function. */
struct predicate_call {
	int ref;
	const char *vin;                  /* match(): the VIN, else NULL */
	const struct script_ident *ident;
	bool result;
	char *reason;
	size_t n;
};

/* Calls a predicate and keeps its answer (protected). */
static int predicate_protected(lua_State *L)
{
	struct predicate_call *c = lua_touserdata(L, 1);

	lua_rawgeti(L, LUA_REGISTRYINDEX, c->ref);
	if (c->vin)
		lua_pushstring(L, c->vin);
	script_push_ident(L, c->ident);
	lua_call(L, c->vin ? 2 : 1, 2);
	c->result = lua_toboolean(L, -2);
	if (!c->result && c->n)
		snprintf(c->reason, c->n, "%s",
			 lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "not supported");
	return 0;
}

/* Asks a brand's match(); a brand without one matches. A script error
 * counts as no match and is kept in first (the first error only). */
static bool brand_accepts(struct script_host *h, size_t i, const char *vin,
			  const struct script_ident *ident, struct error *first)
{
	struct predicate_call c = { h->brands[i].match_ref, vin ? vin : "", ident, false, NULL, 0 };
	struct error e;

	if (h->brands[i].match_ref < 0)
		return true;
	snprintf(h->sb.origin, sizeof h->sb.origin, "%s:%d", h->brands[i].file, h->brands[i].line);
	if (sandbox_run(&h->sb, predicate_protected, &c, &e) < 0) {
		script_error_context(&e, "match() of brand '%s'", h->brands[i].id);
		if (first->kind == ERR_NONE)
			*first = e;
		return false;
	}
	return c.result;
}

/* Full matching: prefixes (longest first) with match(), then match() alone,
 * then the fallback brand. */
int script_match_vehicle(struct script_host *h, const char *vin, const struct script_ident *ident,
			 int *brand, struct error *e)
{
	struct error first;
	size_t i, len;

	*brand = -1;
	error_clear(&first);
	for (len = 17; len > 0 && *brand < 0; len--)
		for (i = 0; i < h->nbrands && *brand < 0; i++)
			if (wmi_match(&h->brands[i], vin) == len &&
			    brand_accepts(h, i, vin, ident, &first))
				*brand = (int)i;
	for (i = 0; i < h->nbrands && *brand < 0; i++)
		if (h->brands[i].nwmi == 0 && !h->brands[i].fallback && h->brands[i].match_ref >= 0 &&
		    brand_accepts(h, i, vin, ident, &first))
			*brand = (int)i;
	for (i = 0; i < h->nbrands && *brand < 0; i++)
		if (h->brands[i].fallback && brand_accepts(h, i, vin, ident, &first))
			*brand = (int)i;
	if (first.kind != ERR_NONE) {
		*e = first;
		return -(int)first.kind;
	}
	return 0;
}

/* Asks a feature's supported() predicate with the full identification. */
int script_feature_supported_ident(struct script_host *h, size_t feature,
				   const struct script_ident *ident, bool *supported, char *reason,
				   size_t n, struct error *e)
{
	const struct script_feature *f = script_feature(h, feature);
	struct predicate_call c = { 0, NULL, ident, false, reason, n };

	*supported = false;
	if (n)
		reason[0] = 0;
	if (f == NULL)
		return error_set(e, ERR_NOT_FOUND, "no feature %zu", feature);
	if (f->supported_ref < 0) {
		*supported = true;
		return 0;
	}
	c.ref = f->supported_ref;
	snprintf(h->sb.origin, sizeof h->sb.origin, "%s:%d", f->file, f->line);
	if (sandbox_run(&h->sb, predicate_protected, &c, e) < 0) {
		snprintf(reason, n, "script error");
		return script_error_context(e, "supported() of feature '%s'", f->id);
	}
	*supported = c.result;
	return 0;
}

/* Asks a feature's supported() predicate. */
int script_feature_supported(struct script_host *h, size_t feature, const struct script_ecu *ecu,
			     bool *supported, char *reason, size_t n, struct error *e)
{
	struct script_ident ident = { 0 };

	if (ecu) {
		ident.part = ecu->part;
		ident.sw = ecu->sw;
		ident.hw = ecu->hw;
	}
	return script_feature_supported_ident(h, feature, &ident, supported, reason, n, e);
}

/* Sends a failed call's traceback to the log, one line at a time. */
static void log_traceback(void *arg, const char *traceback)
{
	struct script_host *h = arg;
	char line[512];
	const char *p = traceback, *nl;
	size_t n;

	h->log(h->log_arg, "error:");
	while (*p) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		snprintf(line, sizeof line, "  %.*s", (int)(n < sizeof line - 3 ? n : sizeof line - 3), p);
		for (char *t = line; (t = strchr(t, '\t')) != NULL;)
			*t = ' ';
		h->log(h->log_arg, line);
		p += n + (nl != NULL);
	}
}

/* Sets where script log() calls and error tracebacks go. */
void script_set_logger(struct script_host *h, void (*log)(void *arg, const char *line), void *arg)
{
	h->log = log;
	h->log_arg = arg;
	h->sb.on_error = log ? log_traceback : NULL;
	h->sb.on_error_arg = h;
}

/* Sets who answers ask(). */
void script_set_asker(struct script_host *h,
		      int (*ask)(void *arg, const char *question, const char *const *choices,
				 size_t n),
		      void *arg)
{
	h->ask = ask;
	h->ask_arg = arg;
}

/* Sets the wall time allowed per call into a script. */
void script_set_time_limit(struct script_host *h, long ms)
{
	h->sb.time_limit_ms = ms > 0 ? ms : SANDBOX_TIME_LIMIT_MS;
}

/* Traceback of the last script error. */
const char *script_traceback(const struct script_host *h)
{
	return h->sb.traceback;
}
