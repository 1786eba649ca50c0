/* script.c: the brand-script host: the declaration API scripts call
 * (brand, module, feature), loading of script directories, and calls into
 * supported() predicates. */
#include "config.h"
#include "script/script.h"

#include <dirent.h>
#include <lauxlib.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/sandbox.h"
#include "util/fsutil.h"

#define SCRIPT_MEMORY ((size_t)64 << 20)
#define SCRIPT_BUDGET 10000000L
#define MAX_DECLS 4096
#define MAX_SCRIPT_FILES 256

struct script_host {
	struct sandbox sb;
	struct script_brand *brands;
	size_t nbrands;
	struct script_module *modules;
	size_t nmodules;
	struct script_feature *features;
	size_t nfeatures;
	const char *current_file;
	void (*log)(void *arg, const char *line);
	void *log_arg;
};

static const char HOST_KEY = 'H';
static const char BRAND_META = 'B';
static const char MODULE_META = 'M';

/* The host that owns a Lua state. */
static struct script_host *host_of(lua_State *L)
{
	struct script_host *h;

	lua_rawgetp(L, LUA_REGISTRYINDEX, &HOST_KEY);
	h = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return h;
}

/* Grows an array of declarations by one element, raising a Lua error on failure. */
static void *grow(lua_State *L, void *array, size_t count, size_t size)
{
	void *p;

	if (count >= MAX_DECLS)
		luaL_error(L, "too many declarations (limit %d)", MAX_DECLS);
	p = realloc(array, (count + 1) * size);
	if (p == NULL)
		luaL_error(L, "out of memory");
	memset((char *)p + count * size, 0, size);
	return p;
}

/* Copies a string, raising a Lua error when out of memory. */
static char *dup_or_fail(lua_State *L, const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		luaL_error(L, "out of memory");
	return p;
}

/* Required string field of the declaration table at index 1. */
static const char *field_string(lua_State *L, const char *what, const char *key)
{
	const char *s;

	lua_getfield(L, 1, key);
	if (lua_type(L, -1) != LUA_TSTRING)
		luaL_error(L, "%s: field '%s' must be a string", what, key);
	s = lua_tostring(L, -1);
	if (s[0] == 0)
		luaL_error(L, "%s: field '%s' must not be empty", what, key);
	lua_pop(L, 1);
	return s;
}

/* Required integer field in [min, max] of the declaration table at index 1. */
static lua_Integer field_integer(lua_State *L, const char *what, const char *key,
				 lua_Integer min, lua_Integer max)
{
	lua_Integer v;
	int ok;

	lua_getfield(L, 1, key);
	v = lua_tointegerx(L, -1, &ok);
	if (!ok)
		luaL_error(L, "%s: field '%s' must be an integer", what, key);
	if (v < min || v > max)
		luaL_error(L, "%s: field '%s' = %I is out of range %I..%I", what, key, v, min, max);
	lua_pop(L, 1);
	return v;
}

/* Rejects fields a declaration does not know, so typos are caught. */
static void check_known_fields(lua_State *L, const char *what, const char *const *known)
{
	size_t i;

	lua_pushnil(L);
	while (lua_next(L, 1) != 0) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		for (i = 0; k && known[i]; i++)
			if (strcmp(k, known[i]) == 0)
				break;
		if (k == NULL || known[i] == NULL)
			luaL_error(L, "%s: unknown field '%s'", what, k ? k : "(non-string key)");
		lua_pop(L, 1);
	}
}

/* Pushes a handle table {index = i} with the given metatable. */
static void push_handle(lua_State *L, size_t index, const char *meta_key)
{
	lua_newtable(L);
	lua_pushinteger(L, (lua_Integer)index);
	lua_setfield(L, -2, "index");
	lua_rawgetp(L, LUA_REGISTRYINDEX, meta_key);
	lua_setmetatable(L, -2);
}

/* Index stored in a handle table passed as self. */
static size_t handle_index(lua_State *L, int idx, const char *meta_key, const char *what)
{
	lua_Integer i;

	if (!lua_istable(L, idx) || !lua_getmetatable(L, idx))
		luaL_error(L, "%s must be called with ':' on a %s", what, what);
	lua_rawgetp(L, LUA_REGISTRYINDEX, meta_key);
	if (!lua_rawequal(L, -1, -2))
		luaL_error(L, "%s must be called with ':'", what);
	lua_pop(L, 2);
	lua_getfield(L, idx, "index");
	i = lua_tointeger(L, -1);
	lua_pop(L, 1);
	return (size_t)i;
}

/* Reads the vin_wmi list of a brand declaration. */
static void brand_read_wmi(lua_State *L, struct script_brand *b)
{
	lua_Integer i, n;

	lua_getfield(L, 1, "vin_wmi");
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return;
	}
	if (!lua_istable(L, -1))
		luaL_error(L, "brand: field 'vin_wmi' must be a list of strings");
	n = (lua_Integer)lua_rawlen(L, -1);
	if (n > 64)
		luaL_error(L, "brand: too many vin_wmi entries");
	b->wmi = calloc((size_t)n + 1, sizeof *b->wmi);
	if (b->wmi == NULL)
		luaL_error(L, "out of memory");
	for (i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, i);
		if (lua_type(L, -1) != LUA_TSTRING || lua_rawlen(L, -1) == 0 || lua_rawlen(L, -1) > 17)
			luaL_error(L, "brand: vin_wmi[%I] must be a VIN prefix string", i);
		b->wmi[b->nwmi++] = dup_or_fail(L, lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* brand { id, name, vin_wmi } declares a brand and returns its handle. */
static int api_brand(lua_State *L)
{
	static const char *const known[] = { "id", "name", "vin_wmi", NULL };
	struct script_host *h = host_of(L);
	struct script_brand *b;
	const char *id;
	size_t i;

	luaL_checktype(L, 1, LUA_TTABLE);
	check_known_fields(L, "brand", known);
	id = field_string(L, "brand", "id");
	for (i = 0; i < h->nbrands; i++)
		if (strcmp(h->brands[i].id, id) == 0)
			luaL_error(L, "brand: duplicate id '%s' (first declared in %s)", id,
				   h->brands[i].file);
	h->brands = grow(L, h->brands, h->nbrands, sizeof *h->brands);
	b = &h->brands[h->nbrands++];
	b->id = dup_or_fail(L, id);
	b->name = dup_or_fail(L, field_string(L, "brand", "name"));
	b->file = dup_or_fail(L, h->current_file ? h->current_file : "?");
	brand_read_wmi(L, b);
	push_handle(L, h->nbrands - 1, &BRAND_META);
	return 1;
}

/* brand:module { id, name, tx, rx [, ext] } declares a module. */
static int api_module(lua_State *L)
{
	static const char *const known[] = { "id", "name", "tx", "rx", "ext", NULL };
	struct script_host *h = host_of(L);
	size_t brand = handle_index(L, 1, &BRAND_META, "brand:module");
	struct script_module *m;
	const char *id, *name;
	lua_Integer max_id;
	size_t i;

	lua_remove(L, 1);
	luaL_checktype(L, 1, LUA_TTABLE);
	check_known_fields(L, "module", known);
	id = field_string(L, "module", "id");
	name = field_string(L, "module", "name");
	for (i = 0; i < h->nmodules; i++)
		if (h->modules[i].brand == brand && strcmp(h->modules[i].id, id) == 0)
			luaL_error(L, "module: duplicate id '%s' in brand '%s'", id, h->brands[brand].id);
	h->modules = grow(L, h->modules, h->nmodules, sizeof *h->modules);
	m = &h->modules[h->nmodules];
	lua_getfield(L, 1, "ext");
	m->ext = lua_toboolean(L, -1);
	lua_pop(L, 1);
	max_id = m->ext ? 0x1FFFFFFF : 0x7FF;
	m->tx = (uint32_t)field_integer(L, "module", "tx", 0, max_id);
	m->rx = (uint32_t)field_integer(L, "module", "rx", 0, max_id);
	m->brand = brand;
	m->id = dup_or_fail(L, id);
	m->name = dup_or_fail(L, name);
	h->nmodules++;
	push_handle(L, h->nmodules - 1, &MODULE_META);
	return 1;
}

/* Records where the calling script declared something. */
static void caller_position(lua_State *L, char **file, int *line)
{
	lua_Debug ar;

	*line = 0;
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar)) {
		*line = ar.currentline;
		*file = dup_or_fail(L, ar.short_src);
		return;
	}
	*file = dup_or_fail(L, "?");
}

/* module:feature { id, name, did, byte, bit [, supported] } declares a coding bit. */
static int api_feature(lua_State *L)
{
	static const char *const known[] = { "id", "name", "did", "byte", "bit", "supported", NULL };
	struct script_host *h = host_of(L);
	size_t module = handle_index(L, 1, &MODULE_META, "module:feature");
	struct script_feature *f;
	const char *id, *name;
	size_t i;

	lua_remove(L, 1);
	luaL_checktype(L, 1, LUA_TTABLE);
	check_known_fields(L, "feature", known);
	id = field_string(L, "feature", "id");
	name = field_string(L, "feature", "name");
	for (i = 0; i < h->nfeatures; i++)
		if (h->modules[h->features[i].module].brand == h->modules[module].brand &&
		    strcmp(h->features[i].id, id) == 0)
			luaL_error(L, "feature: duplicate id '%s' (first declared at %s:%d)", id,
				   h->features[i].file, h->features[i].line);
	h->features = grow(L, h->features, h->nfeatures, sizeof *h->features);
	f = &h->features[h->nfeatures];
	f->supported_ref = LUA_NOREF;
	f->did = (uint16_t)field_integer(L, "feature", "did", 0, 0xFFFF);
	f->byte = (unsigned)field_integer(L, "feature", "byte", 0, 4094);
	f->bit = (unsigned)field_integer(L, "feature", "bit", 0, 7);
	f->kind = FEATURE_BIT;
	f->module = module;
	lua_getfield(L, 1, "supported");
	if (!lua_isnil(L, -1) && !lua_isfunction(L, -1))
		luaL_error(L, "feature: field 'supported' must be a function");
	f->supported_ref = lua_isfunction(L, -1) ? luaL_ref(L, LUA_REGISTRYINDEX) : LUA_NOREF;
	if (f->supported_ref == LUA_NOREF)
		lua_pop(L, 1);
	f->id = dup_or_fail(L, id);
	f->name = dup_or_fail(L, name);
	caller_position(L, &f->file, &f->line);
	h->nfeatures++;
	return 0;
}

/* log(...) from a script: one line to the session's events. */
static int api_log(lua_State *L)
{
	struct script_host *h = host_of(L);
	luaL_Buffer b;
	int i, n = lua_gettop(L);

	luaL_buffinit(L, &b);
	for (i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, ' ');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	if (h->log)
		h->log(h->log_arg, lua_tostring(L, -1));
	return 0;
}

/* Creates a metatable with one method, stored in the registry under key. */
static void make_meta(lua_State *L, const char *key, const char *method, lua_CFunction fn)
{
	lua_newtable(L);
	lua_newtable(L);
	lua_pushcfunction(L, fn);
	lua_setfield(L, -2, method);
	lua_setfield(L, -2, "__index");
	lua_pushliteral(L, "obdcon declaration");
	lua_setfield(L, -2, "__metatable");
	lua_rawsetp(L, LUA_REGISTRYINDEX, key);
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
	lua_pushlightuserdata(h->sb.L, h);
	lua_rawsetp(h->sb.L, LUA_REGISTRYINDEX, &HOST_KEY);
	make_meta(h->sb.L, &BRAND_META, "module", api_module);
	make_meta(h->sb.L, &MODULE_META, "feature", api_feature);
	lua_register(h->sb.L, "brand", api_brand);
	lua_register(h->sb.L, "log", api_log);
	*out = h;
	return 0;
}

/* Frees one brand's strings. */
static void brand_free(struct script_brand *b)
{
	size_t i;

	for (i = 0; i < b->nwmi; i++)
		free(b->wmi[i]);
	free(b->wmi);
	free(b->id);
	free(b->name);
	free(b->file);
}

/* Drops declarations beyond the given counts (after a failed file). */
static void truncate_decls(struct script_host *h, size_t nb, size_t nm, size_t nf)
{
	while (h->nfeatures > nf) {
		struct script_feature *f = &h->features[--h->nfeatures];
		if (h->sb.L && f->supported_ref != LUA_NOREF)
			luaL_unref(h->sb.L, LUA_REGISTRYINDEX, f->supported_ref);
		free(f->id);
		free(f->name);
		free(f->file);
	}
	while (h->nmodules > nm) {
		struct script_module *m = &h->modules[--h->nmodules];
		free(m->id);
		free(m->name);
	}
	while (h->nbrands > nb)
		brand_free(&h->brands[--h->nbrands]);
}

/* Frees the interpreter and all declarations. */
void script_host_free(struct script_host *h)
{
	if (h == NULL)
		return;
	truncate_decls(h, 0, 0, 0);
	free(h->brands);
	free(h->modules);
	free(h->features);
	sandbox_close(&h->sb);
	free(h);
}

/* Loads one script file; a failure leaves other files' declarations intact. */
int script_load_file(struct script_host *h, const char *path, struct error *e)
{
	size_t nb = h->nbrands, nm = h->nmodules, nf = h->nfeatures;
	int rc;

	h->current_file = path;
	rc = sandbox_load_file(&h->sb, path, e);
	if (rc == 0)
		rc = sandbox_call(&h->sb, 0, 0, e);
	h->current_file = NULL;
	if (rc < 0)
		truncate_decls(h, nb, nm, nf);
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

/* Index of the brand whose VIN prefixes match vin (longest prefix wins), or -1. */
int script_match_vin(const struct script_host *h, const char *vin)
{
	size_t i, j, best_len = 0;
	int best = -1;

	for (i = 0; vin && i < h->nbrands; i++) {
		for (j = 0; j < h->brands[i].nwmi; j++) {
			size_t len = strlen(h->brands[i].wmi[j]);
			if (len > best_len && strncmp(vin, h->brands[i].wmi[j], len) == 0) {
				best = (int)i;
				best_len = len;
			}
		}
	}
	return best;
}

/* Pushes the ecu table handed to supported(). */
static void push_ecu(lua_State *L, const struct script_ecu *ecu)
{
	lua_newtable(L);
	lua_pushstring(L, ecu && ecu->part ? ecu->part : "");
	lua_setfield(L, -2, "part");
	lua_pushstring(L, ecu && ecu->sw ? ecu->sw : "");
	lua_setfield(L, -2, "sw");
	lua_pushstring(L, ecu && ecu->hw ? ecu->hw : "");
	lua_setfield(L, -2, "hw");
}

/* Asks a feature's supported() predicate. */
int script_feature_supported(struct script_host *h, size_t feature, const struct script_ecu *ecu,
			     bool *supported, char *reason, size_t n, struct error *e)
{
	const struct script_feature *f = script_feature(h, feature);
	lua_State *L = h->sb.L;

	*supported = false;
	if (n)
		reason[0] = 0;
	if (f == NULL)
		return error_set(e, ERR_NOT_FOUND, "no feature %zu", feature);
	if (f->supported_ref == LUA_NOREF) {
		*supported = true;
		return 0;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, f->supported_ref);
	push_ecu(L, ecu);
	if (sandbox_call(&h->sb, 1, 2, e) < 0) {
		snprintf(reason, n, "script error");
		return error_wrap(e, "%s: supported()", f->id);
	}
	*supported = lua_toboolean(L, -2);
	if (!*supported)
		snprintf(reason, n, "%s",
			 lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "not supported");
	lua_pop(L, 2);
	return 0;
}

/* Sets where script log() calls go. */
void script_set_logger(struct script_host *h, void (*log)(void *arg, const char *line), void *arg)
{
	h->log = log;
	h->log_arg = arg;
}
