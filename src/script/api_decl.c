/* api_decl.c: the declaration API scripts call: brand{}, brand:module{},
 * module:feature{}, brand:flash{}. Every declaration is checked when it is
 * made (types, ranges, unknown fields, duplicates) and a mistake is a Lua
 * error at the script's line, so the file is refused as a whole. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/script_internal.h"

#define MAX_CHOICES 256
#define MAX_CUSTOM_DIDS 8

static const char BRAND_META = 'B';
static int decl_error(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char MODULE_META = 'M';

/* Raises a Lua error at the calling script's line, with a printf message
 * (lua_pushfstring knows no %u, %g or %02X). */
static int decl_error(lua_State *L, const char *fmt, ...)
{
	char msg[ERR_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return luaL_error(L, "%s", msg);
}

/* Refuses declarations outside the loading of a file: a function called
 * later (supported, decode...) must not change the declarations the
 * console holds pointers to. */
static void check_loading(lua_State *L, const char *what)
{
	if (script_host_of(L)->current_file == NULL)
		decl_error(L, "%s: declarations are only allowed while a script file loads, not "
			      "from functions called later",
			   what);
}

/* Grows an array of declarations by one zeroed element, raising a Lua
 * error on failure. */
static void *grow(lua_State *L, void *array, size_t count, size_t size)
{
	void *p;

	if (count >= SCRIPT_MAX_DECLS)
		decl_error(L, "too many declarations (limit %d)", SCRIPT_MAX_DECLS);
	p = realloc(array, (count + 1) * size);
	if (p == NULL)
		decl_error(L, "out of memory");
	/* cppcheck-suppress nullPointerArithmeticRedundantCheck ; decl_error() never returns */
	memset((char *)p + count * size, 0, size);
	return p;
}

/* Pushes field key of the declaration table at index 1; returns its type. */
static int get_field(lua_State *L, const char *key)
{
	return lua_getfield(L, 1, key);
}

/* Required (or optional, returning NULL) non-empty string field. */
static const char *field_string(lua_State *L, const char *what, const char *key, bool required)
{
	const char *s;
	int t = get_field(L, key);

	if (t == LUA_TNIL && !required) {
		lua_pop(L, 1);
		return NULL;
	}
	if (t != LUA_TSTRING)
		decl_error(L, "%s: field '%s' must be a string", what, key);
	s = lua_tostring(L, -1);
	if (s[0] == 0)
		decl_error(L, "%s: field '%s' must not be empty", what, key);
	lua_pop(L, 1);
	return s;
}

/* Integer field in [min, max]; def when absent and not required. */
static lua_Integer field_integer(lua_State *L, const char *what, const char *key, lua_Integer min,
				 lua_Integer max, bool required, lua_Integer def)
{
	lua_Integer v;
	int ok;

	if (get_field(L, key) == LUA_TNIL && !required) {
		lua_pop(L, 1);
		return def;
	}
	v = lua_tointegerx(L, -1, &ok);
	if (!ok || lua_type(L, -1) != LUA_TNUMBER)
		decl_error(L, "%s: field '%s' must be an integer", what, key);
	if (v < min || v > max)
		decl_error(L, "%s: field '%s' = %lld is out of range %lld..%lld", what, key, (long long)v,
			   (long long)min, (long long)max);
	lua_pop(L, 1);
	return v;
}

/* Number field; def when absent and not required; *present says which. */
static double field_number(lua_State *L, const char *what, const char *key, bool required,
			   double def, bool *present)
{
	double v;

	if (present)
		*present = false;
	if (get_field(L, key) == LUA_TNIL && !required) {
		lua_pop(L, 1);
		return def;
	}
	if (lua_type(L, -1) != LUA_TNUMBER)
		decl_error(L, "%s: field '%s' must be a number", what, key);
	v = lua_tonumber(L, -1);
	if (!isfinite(v))
		decl_error(L, "%s: field '%s' must be a finite number", what, key);
	lua_pop(L, 1);
	if (present)
		*present = true;
	return v;
}

/* Boolean field, def when absent. */
static bool field_bool(lua_State *L, const char *what, const char *key, bool def)
{
	int t = get_field(L, key);
	bool v = lua_toboolean(L, -1);

	if (t != LUA_TNIL && t != LUA_TBOOLEAN)
		decl_error(L, "%s: field '%s' must be true or false", what, key);
	lua_pop(L, 1);
	return t == LUA_TNIL ? def : v;
}

/* Optional function field: a registry reference, or LUA_NOREF. */
static int field_function(lua_State *L, const char *what, const char *key, bool required)
{
	int t = get_field(L, key);

	if (t == LUA_TNIL && !required) {
		lua_pop(L, 1);
		return LUA_NOREF;
	}
	if (t != LUA_TFUNCTION)
		decl_error(L, "%s: field '%s' must be a function", what, key);
	return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* Rejects fields a declaration does not know, so typos are caught. */
static void check_known_fields(lua_State *L, const char *what, const char *const *known,
			       const char *const *more)
{
	script_known_fields(L, 1, what, known, more);
}

/* Pushes a declaration handle: a userdata holding the index, with the
 * metatable stored under meta_key. */
static void push_handle(lua_State *L, size_t index, const char *meta_key)
{
	size_t *p = lua_newuserdatauv(L, sizeof *p, 0);

	*p = index;
	lua_rawgetp(L, LUA_REGISTRYINDEX, meta_key);
	lua_setmetatable(L, -2);
}

/* Index stored in a handle passed as self; a Lua error names the method. */
static size_t handle_index(lua_State *L, int idx, const char *meta_key, const char *what)
{
	size_t *p = lua_touserdata(L, idx);
	bool ok = p != NULL && lua_getmetatable(L, idx);

	if (ok) {
		lua_rawgetp(L, LUA_REGISTRYINDEX, meta_key);
		ok = lua_rawequal(L, -1, -2);
		lua_pop(L, 2);
	}
	if (!ok)
		decl_error(L, "%s must be called with ':' on what %s returned", what,
			   meta_key == &BRAND_META ? "brand{}" : "brand:module{}");
	return *p;
}

/* Takes the declaration table of a method call (self, table) to index 1. */
static void method_table(lua_State *L, const char *what)
{
	lua_remove(L, 1);
	if (lua_type(L, 1) != LUA_TTABLE)
		decl_error(L, "%s takes a table: %s { ... }", what, what);
	lua_settop(L, 1);
}

/* Records where the calling script made a declaration. */
static void caller_position(lua_State *L, char **file, int *line)
{
	lua_Debug ar;

	*line = 0;
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar)) {
		*line = ar.currentline;
		*file = script_strdup(L, ar.short_src);
		return;
	}
	*file = script_strdup(L, "?");
}

/* Reads the vin_wmi list of a brand declaration. */
static void brand_read_wmi(lua_State *L, struct script_brand *b)
{
	lua_Integer i, n;

	if (get_field(L, "vin_wmi") == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	if (!lua_istable(L, -1))
		decl_error(L, "brand: field 'vin_wmi' must be a list of strings");
	n = (lua_Integer)lua_rawlen(L, -1);
	if (n > 64)
		decl_error(L, "brand: too many vin_wmi entries (limit 64)");
	b->wmi = calloc((size_t)n + 1, sizeof *b->wmi);
	if (b->wmi == NULL)
		decl_error(L, "out of memory");
	for (i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, i);
		if (lua_type(L, -1) != LUA_TSTRING || lua_rawlen(L, -1) == 0 || lua_rawlen(L, -1) > 17)
			decl_error(L, "brand: vin_wmi[%lld] must be a VIN prefix string", (long long)i);
		b->wmi[b->nwmi++] = script_strdup(L, lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* brand { id, name [, vin_wmi] [, match] [, fallback] } declares a brand
 * and returns its handle. */
static int api_brand(lua_State *L)
{
	static const char *const known[] = { "id", "name", "vin_wmi", "match", "fallback", NULL };
	struct script_host *h = script_host_of(L);
	struct script_brand *b;
	const char *id;
	size_t i;

	check_loading(L, "brand");
	if (lua_type(L, 1) != LUA_TTABLE)
		return decl_error(L, "brand takes a table: brand { id = ..., name = ... }");
	lua_settop(L, 1);
	check_known_fields(L, "brand", known, NULL);
	id = field_string(L, "brand", "id", true);
	for (i = 0; i < h->nbrands; i++)
		if (strcmp(h->brands[i].id, id) == 0)
			decl_error(L, "brand: duplicate id '%s' (first declared at %s:%d)", id,
				   h->brands[i].file, h->brands[i].line);
	field_string(L, "brand", "name", true);
	if (field_bool(L, "brand", "fallback", false))
		for (i = 0; i < h->nbrands; i++)
			if (h->brands[i].fallback)
				decl_error(L, "brand: '%s' is already the fallback brand", h->brands[i].id);
	h->brands = grow(L, h->brands, h->nbrands, sizeof *h->brands);
	b = &h->brands[h->nbrands++];
	b->match_ref = LUA_NOREF;
	b->id = script_strdup(L, id);
	b->name = script_strdup(L, field_string(L, "brand", "name", true));
	b->fallback = field_bool(L, "brand", "fallback", false);
	caller_position(L, &b->file, &b->line);
	brand_read_wmi(L, b);
	b->match_ref = field_function(L, "brand", "match", false);
	push_handle(L, h->nbrands - 1, &BRAND_META);
	return 1;
}

/* Reads security = { level, key } of a module declaration. */
static void module_read_security(lua_State *L, struct script_module *m, const char *what)
{
	lua_Integer level;
	int ok;

	if (get_field(L, "security") == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	if (!lua_istable(L, -1))
		decl_error(L, "%s: field 'security' must be a table { level = 1, key = function }",
			   what);
	lua_getfield(L, -1, "level");
	level = lua_tointegerx(L, -1, &ok);
	if (!ok || level < 1 || level > 0x7D || level % 2 == 0)
		decl_error(L, "%s: security.level must be an odd seed request level 1..0x7D", what);
	lua_pop(L, 1);
	if (lua_getfield(L, -1, "key") != LUA_TFUNCTION)
		decl_error(L, "%s: security.key must be a function(seed) returning the key", what);
	m->key_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	m->security_level = (uint8_t)level;
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
		if (strcmp(k, "level") != 0 && strcmp(k, "key") != 0)
			decl_error(L, "%s: security: unknown field '%s'", what, k);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* brand:module { id, name, tx, rx [, ext] [, write_session] [, security] }
 * declares a module. */
static int api_module(lua_State *L)
{
	static const char *const known[] = { "id", "name", "tx", "rx", "ext", "write_session",
					     "security", NULL };
	struct script_host *h = script_host_of(L);
	size_t brand = handle_index(L, 1, &BRAND_META, "brand:module");
	struct script_module *m;
	const char *id;
	lua_Integer max_id;
	size_t i;

	check_loading(L, "module");
	method_table(L, "module");
	check_known_fields(L, "module", known, NULL);
	id = field_string(L, "module", "id", true);
	field_string(L, "module", "name", true);
	for (i = 0; i < h->nmodules; i++)
		if (h->modules[i].brand == brand && strcmp(h->modules[i].id, id) == 0)
			decl_error(L, "module: duplicate id '%s' in brand '%s'", id, h->brands[brand].id);
	h->modules = grow(L, h->modules, h->nmodules, sizeof *h->modules);
	m = &h->modules[h->nmodules++];
	m->key_ref = LUA_NOREF;
	m->ext = field_bool(L, "module", "ext", false);
	max_id = m->ext ? 0x1FFFFFFF : 0x7FF;
	m->tx = (uint32_t)field_integer(L, "module", "tx", 0, max_id, true, 0);
	m->rx = (uint32_t)field_integer(L, "module", "rx", 0, max_id, true, 0);
	m->write_session = (uint8_t)field_integer(L, "module", "write_session", 1, 0x7F, false, 0);
	m->brand = brand;
	m->id = script_strdup(L, id);
	m->name = script_strdup(L, field_string(L, "module", "name", true));
	caller_position(L, &m->file, &m->line);
	module_read_security(L, m, "module");
	push_handle(L, h->nmodules - 1, &MODULE_META);
	return 1;
}

/* Number of bits of a field of n bytes, as a mask. */
static uint32_t width_mask(unsigned bytes)
{
	return bytes >= 4 ? 0xFFFFFFFFu : ((uint32_t)1 << (8 * bytes)) - 1;
}

/* Reads the location of a built-in kind: did, byte, bytes, big_endian, mask. */
static void feature_location(lua_State *L, struct script_feature *f, const char *what,
			     unsigned max_bytes, unsigned def_bytes)
{
	lua_Integer mask;

	f->did = (uint16_t)field_integer(L, what, "did", 0, 0xFFFF, true, 0);
	f->byte = (unsigned)field_integer(L, what, "byte", 0, SCRIPT_RECORD_MAX - 1, true, 0);
	f->bytes = (unsigned)field_integer(L, what, "bytes", 1, max_bytes, false, def_bytes);
	if (f->byte + f->bytes > SCRIPT_RECORD_MAX)
		decl_error(L, "%s: bytes %u..%u are beyond the longest record (%d bytes)", what,
			   f->byte, f->byte + f->bytes - 1, SCRIPT_RECORD_MAX);
	f->big_endian = field_bool(L, what, "big_endian", true);
	if (f->kind == FEATURE_STRING)
		return;
	mask = field_integer(L, what, "mask", 1, (lua_Integer)width_mask(f->bytes), false,
			     (lua_Integer)width_mask(f->bytes));
	f->mask = (uint32_t)mask;
	for (f->shift = 0; !(f->mask >> f->shift & 1); f->shift++)
		;
}

/* Reads values = { [raw] = "name", ... } into the feature's choices. */
static void feature_choices(lua_State *L, struct script_feature *f, const char *what,
			    bool check_mask)
{
	size_t i;

	if (get_field(L, "values") != LUA_TTABLE)
		decl_error(L, "%s: field 'values' must be a table { [raw] = \"name\", ... }", what);
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		lua_Integer raw;
		int ok;
		raw = lua_tointegerx(L, -2, &ok);
		if (lua_type(L, -2) != LUA_TNUMBER || !ok || raw < 0 || raw > 0xFFFFFFFF)
			decl_error(L, "%s: values: keys must be raw integer values", what);
		if (lua_type(L, -1) != LUA_TSTRING || lua_rawlen(L, -1) == 0 ||
		    lua_rawlen(L, -1) >= 64)
			decl_error(L, "%s: values[0x%llX]: names must be strings of 1..63 characters",
				   what, (long long)raw);
		if (check_mask && ((uint32_t)raw & ~f->mask))
			decl_error(L, "%s: value 0x%02X (\"%s\") is outside the mask 0x%02X", what,
				   (unsigned)raw, lua_tostring(L, -1), (unsigned)f->mask);
		for (i = 0; i < f->nchoices; i++)
			if (strcmp(f->choices[i].name, lua_tostring(L, -1)) == 0)
				decl_error(L, "%s: the name \"%s\" is given to two values", what,
					   lua_tostring(L, -1));
		if (f->nchoices == MAX_CHOICES)
			decl_error(L, "%s: too many values (limit %d)", what, MAX_CHOICES);
		f->choices = grow(L, f->choices, f->nchoices, sizeof *f->choices);
		f->choices[f->nchoices].raw = (uint32_t)raw;
		f->choices[f->nchoices++].name = script_strdup(L, lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	if (f->nchoices == 0)
		decl_error(L, "%s: field 'values' names no value", what);
}

/* Smallest and largest raw value of a number field. */
static void raw_limits(const struct script_feature *f, double *lo, double *hi)
{
	uint32_t m = f->mask >> f->shift;
	unsigned bits = 0;

	while (bits < 32 && (m >> bits))
		bits++;
	if (f->is_signed) {
		*lo = -ldexp(1, (int)bits - 1);
		*hi = ldexp(1, (int)bits - 1) - 1;
	} else {
		*lo = 0;
		*hi = (double)m;
	}
}

/* Reads scale, offset, min, max, unit of a number feature and checks that
 * the range can be stored in the field. */
static void feature_number(lua_State *L, struct script_feature *f, const char *what)
{
	double lo, hi, vlo, vhi;

	f->is_signed = field_bool(L, what, "signed", false);
	f->scale = field_number(L, what, "scale", false, 1, NULL);
	if (f->scale <= 0)
		decl_error(L, "%s: field 'scale' must be positive", what);
	f->offset = field_number(L, what, "offset", false, 0, NULL);
	f->min = field_number(L, what, "min", true, 0, &f->has_min);
	f->max = field_number(L, what, "max", true, 0, &f->has_max);
	if (f->min > f->max)
		decl_error(L, "%s: min %g is above max %g", what, f->min, f->max);
	raw_limits(f, &lo, &hi);
	vlo = lo * f->scale + f->offset;
	vhi = hi * f->scale + f->offset;
	if (f->min < vlo - 1e-9 || f->max > vhi + 1e-9)
		decl_error(L, "%s: range %g..%g does not fit the field (%u byte%s, mask 0x%X: "
			      "%g..%g)",
			   what, f->min, f->max, f->bytes, f->bytes > 1 ? "s" : "", (unsigned)f->mask,
			   vlo, vhi);
	if (field_string(L, what, "unit", false))
		f->unit = script_strdup(L, field_string(L, what, "unit", false));
}

/* Reads a string feature's charset and padding. */
static void feature_string(lua_State *L, struct script_feature *f, const char *what)
{
	const char *cs = field_string(L, what, "charset", false);
	size_t n = 0;
	const char *pad;

	if (cs == NULL)
		cs = "ascii";
	if (strcmp(cs, "ascii") != 0 && strcmp(cs, "digits") != 0)
		decl_error(L, "%s: charset must be \"ascii\" or \"digits\"", what);
	f->charset = script_strdup(L, cs);
	f->pad = ' ';
	if (get_field(L, "pad") != LUA_TNIL) {
		pad = lua_tolstring(L, -1, &n);
		if (lua_type(L, -1) != LUA_TSTRING || n != 1 || (pad[0] != ' ' && pad[0] != 0))
			decl_error(L, "%s: pad must be \" \" or \"\\0\"", what);
		f->pad = pad[0];
	}
	lua_pop(L, 1);
	f->type = SCRIPT_VALUE_STRING;
}

/* Reads dids, decode, encode and the value description of a custom feature. */
static void feature_custom(lua_State *L, struct script_feature *f, const char *what)
{
	lua_Integer i, n;
	size_t j;

	if (get_field(L, "dids") != LUA_TTABLE)
		decl_error(L, "%s: field 'dids' must be a list of DIDs", what);
	n = (lua_Integer)lua_rawlen(L, -1);
	if (n < 1 || n > MAX_CUSTOM_DIDS)
		decl_error(L, "%s: field 'dids' must list 1..%d DIDs", what, MAX_CUSTOM_DIDS);
	f->dids = calloc((size_t)n, sizeof *f->dids);
	if (f->dids == NULL)
		decl_error(L, "out of memory");
	for (i = 1; i <= n; i++) {
		lua_Integer did;
		int ok;
		lua_rawgeti(L, -1, i);
		did = lua_tointegerx(L, -1, &ok);
		if (!ok || did < 0 || did > 0xFFFF)
			decl_error(L, "%s: dids[%lld] must be a DID 0..0xFFFF", what, (long long)i);
		for (j = 0; j < f->ndids; j++)
			if (f->dids[j] == did)
				decl_error(L, "%s: DID %04X is listed twice", what, (unsigned)did);
		f->dids[f->ndids++] = (uint16_t)did;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	f->did = f->dids[0];
	f->decode_ref = field_function(L, what, "decode", true);
	f->encode_ref = field_function(L, what, "encode", false);
	f->scale = 1;
	if (get_field(L, "values") != LUA_TNIL) {
		lua_pop(L, 1);
		f->mask = 0xFFFFFFFFu;
		feature_choices(L, f, what, false);
	} else {
		lua_pop(L, 1);
		f->min = field_number(L, what, "min", false, 0, &f->has_min);
		f->max = field_number(L, what, "max", false, 0, &f->has_max);
		if (f->has_min != f->has_max || (f->has_min && f->min > f->max))
			decl_error(L, "%s: give both min and max (min <= max), or neither", what);
		f->type = f->has_min ? SCRIPT_VALUE_NUMBER : SCRIPT_VALUE_STRING;
		if (field_string(L, what, "unit", false))
			f->unit = script_strdup(L, field_string(L, what, "unit", false));
	}
}

/* The kind named by a feature declaration ("bit" when only bit is given). */
static enum script_feature_kind feature_kind(lua_State *L, const char *what)
{
	static const char *const names[] = { "bit", "choice", "number", "string", "custom", NULL };
	const char *k = field_string(L, what, "kind", false);
	int i;

	if (k == NULL) {
		if (get_field(L, "bit") == LUA_TNIL)
			decl_error(L, "%s: field 'kind' is required (bit, choice, number, string, "
				      "custom)",
				   what);
		lua_pop(L, 1);
		return FEATURE_BIT;
	}
	for (i = 0; names[i]; i++)
		if (strcmp(k, names[i]) == 0)
			return (enum script_feature_kind)i;
	decl_error(L, "%s: unknown kind '%s' (bit, choice, number, string, custom)", what, k);
	return FEATURE_BIT;
}

/* Checks the fields of a feature declaration against its kind. */
static void feature_known_fields(lua_State *L, enum script_feature_kind kind, const char *what)
{
	static const char *const common[] = { "id", "name", "help", "kind", "supported", NULL };
	static const char *const bit[] = { "did", "byte", "bit", NULL };
	static const char *const choice[] = { "did", "byte", "bytes", "big_endian", "mask",
					      "values", NULL };
	static const char *const number[] = { "did", "byte", "bytes", "big_endian", "mask",
					      "signed", "scale", "offset", "min", "max", "unit",
					      NULL };
	static const char *const string[] = { "did", "byte", "bytes", "charset", "pad", NULL };
	static const char *const custom[] = { "dids", "decode", "encode", "values", "min", "max",
					      "unit", NULL };
	static const char *const *const per_kind[] = { bit, choice, number, string, custom };

	check_known_fields(L, what, common, per_kind[kind]);
}

/* Reads the kind-specific part of a feature declaration. */
static void feature_body(lua_State *L, struct script_feature *f, const char *what)
{
	switch (f->kind) {
	case FEATURE_BIT:
		feature_location(L, f, what, 1, 1);
		f->bit = (unsigned)field_integer(L, what, "bit", 0, 7, true, 0);
		f->mask = 1u << f->bit;
		f->shift = f->bit;
		break;
	case FEATURE_CHOICE:
		feature_location(L, f, what, 4, 1);
		feature_choices(L, f, what, true);
		break;
	case FEATURE_NUMBER:
		feature_location(L, f, what, 4, 1);
		feature_number(L, f, what);
		break;
	case FEATURE_STRING:
		feature_location(L, f, what, SCRIPT_VALUE_MAX - 1, 1);
		feature_string(L, f, what);
		break;
	case FEATURE_CUSTOM:
		feature_custom(L, f, what);
		break;
	}
	if (f->kind != FEATURE_CUSTOM)
		f->ndids = 1;
}

/* module:feature { id, name, kind, ... } declares a coding feature. */
static int api_feature(lua_State *L)
{
	struct script_host *h = script_host_of(L);
	size_t module = handle_index(L, 1, &MODULE_META, "module:feature");
	size_t brand = h->modules[module].brand;
	struct script_feature *f;
	const char *id, *what;
	size_t i;

	check_loading(L, "feature");
	method_table(L, "feature");
	id = field_string(L, "feature", "id", true);
	what = lua_pushfstring(L, "feature '%s'", id);
	for (i = 0; i < h->nfeatures; i++)
		if (h->modules[h->features[i].module].brand == brand &&
		    strcmp(h->features[i].id, id) == 0)
			decl_error(L, "%s: duplicate id (first declared at %s:%d)", what,
				   h->features[i].file, h->features[i].line);
	h->features = grow(L, h->features, h->nfeatures, sizeof *h->features);
	f = &h->features[h->nfeatures++];
	f->supported_ref = f->decode_ref = f->encode_ref = LUA_NOREF;
	f->module = module;
	f->id = script_strdup(L, id);
	caller_position(L, &f->file, &f->line);
	f->kind = feature_kind(L, what);
	feature_known_fields(L, f->kind, what);
	f->name = script_strdup(L, field_string(L, what, "name", true));
	if (field_string(L, what, "help", false))
		f->help = script_strdup(L, field_string(L, what, "help", false));
	f->scale = 1;
	feature_body(L, f, what);
	f->supported_ref = field_function(L, what, "supported", false);
	return 0;
}

/* Reads a list of strings field (accepted identification) into out. */
static size_t flash_list(lua_State *L, int idx, const char *key, char **out)
{
	lua_Integer i, n;

	if (lua_getfield(L, idx, key) == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	if (!lua_istable(L, -1))
		decl_error(L, "flash: accepts.%s must be a list of strings", key);
	n = (lua_Integer)lua_rawlen(L, -1);
	if (n > SCRIPT_FLASH_LIST_MAX)
		decl_error(L, "flash: accepts.%s has more than %d entries", key, SCRIPT_FLASH_LIST_MAX);
	for (i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, i);
		if (lua_type(L, -1) != LUA_TSTRING)
			decl_error(L, "flash: accepts.%s[%d] must be a string", key, (int)i);
		out[i - 1] = script_strdup(L, lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return (size_t)n;
}

/* Integer field of the table at idx within [0, max], or def when absent. */
static lua_Integer flash_int(lua_State *L, int idx, const char *what, const char *key,
			     lua_Integer def, lua_Integer max)
{
	lua_Integer v;
	int ok;

	if (lua_getfield(L, idx, key) == LUA_TNIL) {
		lua_pop(L, 1);
		return def;
	}
	v = lua_tointegerx(L, -1, &ok);
	lua_pop(L, 1);
	if (!ok || v < 0 || v > max)
		decl_error(L, "flash: %s%s must be an integer from 0 to %lld", what, key, (long long)max);
	return v;
}

/* Reads accepts = { part, hw, sw }. */
static void flash_accepts(lua_State *L, struct script_flash *fl)
{
	static const char *const known[] = { "part", "hw", "sw", NULL };

	if (lua_getfield(L, 1, "accepts") == LUA_TTABLE) {
		script_known_fields(L, -1, "flash: accepts", known, NULL);
		fl->npart = flash_list(L, -1, "part", fl->accept_part);
		fl->nhw = flash_list(L, -1, "hw", fl->accept_hw);
		fl->nsw = flash_list(L, -1, "sw", fl->accept_sw);
	} else if (!lua_isnil(L, -1)) {
		decl_error(L, "flash: accepts must be a table");
	}
	lua_pop(L, 1);
}

/* Reads one ident entry { at, length, module = "part"|"hw"|"sw" } (the
 * table on top of the stack). */
static void flash_ident_entry(lua_State *L, struct script_flash *fl)
{
	static const char *const known[] = { "at", "length", "module", NULL };
	struct script_flash_ident *id = &fl->ident[fl->nident];
	const char *field;

	if (!lua_istable(L, -1))
		decl_error(L, "flash: ident must be { at, length, module } or a list of them");
	script_known_fields(L, -1, "flash: ident", known, NULL);
	id->at = (uint32_t)flash_int(L, -1, "ident.", "at", 0, 0xFFFFFFFF);
	id->len = (size_t)flash_int(L, -1, "ident.", "length", 0, 64);
	lua_getfield(L, -1, "module");
	field = lua_isstring(L, -1) ? lua_tostring(L, -1) : "part";
	if (strcmp(field, "part") != 0 && strcmp(field, "hw") != 0 && strcmp(field, "sw") != 0)
		decl_error(L, "flash: ident.module must be \"part\", \"hw\" or \"sw\"");
	snprintf(id->field, sizeof id->field, "%s", field);
	lua_pop(L, 1);
	if (id->len == 0 || (uint64_t)id->at + id->len > fl->size)
		decl_error(L, "flash: ident must name 1..64 bytes inside the region");
	fl->nident++;
}

/* Reads ident = { at, length, module } or a list of such tables. */
static void flash_ident(lua_State *L, struct script_flash *fl)
{
	lua_Integer i, n;

	if (lua_getfield(L, 1, "ident") == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	if (!lua_istable(L, -1))
		decl_error(L, "flash: ident must be { at, length, module } or a list of them");
	n = (lua_Integer)lua_rawlen(L, -1);
	if (n == 0) {
		flash_ident_entry(L, fl);
	} else {
		if (n > SCRIPT_FLASH_IDENT_MAX)
			decl_error(L, "flash: ident lists at most %d places", SCRIPT_FLASH_IDENT_MAX);
		for (i = 1; i <= n; i++) {
			lua_rawgeti(L, -1, i);
			flash_ident_entry(L, fl);
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
}

/* Reads readout = true | { session, level, key }. */
static void flash_readout(lua_State *L, struct script_flash *fl)
{
	static const char *const known[] = { "session", "level", "key", NULL };
	int t = lua_getfield(L, 1, "readout");

	fl->readout = t == LUA_TTABLE || (t == LUA_TBOOLEAN && lua_toboolean(L, -1));
	fl->readout_session = 0x03;
	if (t != LUA_TTABLE && t != LUA_TBOOLEAN && t != LUA_TNIL)
		decl_error(L, "flash: readout must be true, false or { session, level, key }");
	if (t == LUA_TTABLE) {
		script_known_fields(L, -1, "flash: readout", known, NULL);
		fl->readout_session = (uint8_t)flash_int(L, -1, "readout.", "session", 3, 0x7F);
		fl->readout_level = (uint8_t)flash_int(L, -1, "readout.", "level", 0, 0x7D);
		if (fl->readout_level % 2 == 0 && fl->readout_level != 0)
			decl_error(L, "flash: readout.level is an odd seed level");
		t = lua_getfield(L, -1, "key");
		if (t == LUA_TFUNCTION)
			fl->readout_key_ref = luaL_ref(L, LUA_REGISTRYINDEX);
		else if (t != LUA_TNIL)
			decl_error(L, "flash: readout.key must be a function(seed, level)");
		else
			lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* Reads what a procedure declares besides its functions. */
static void flash_fields(lua_State *L, struct script_flash *fl)
{
	static const char *const known[] = { "id", "name", "module", "region", "accepts", "ident",
		"volts", "volts_wait", "engine_off", "readout", "restart", "prepare", "run", NULL };
	static const char *const region[] = { "address", "size", NULL };
	const char *restart;

	check_known_fields(L, "flash", known, NULL);
	fl->module = script_strdup(L, field_string(L, "flash", "module", true));
	if (lua_getfield(L, 1, "region") != LUA_TTABLE)
		decl_error(L, "flash: region = { address, size } is required");
	script_known_fields(L, -1, "flash: region", region, NULL);
	fl->address = (uint32_t)flash_int(L, -1, "region.", "address", 0, 0xFFFFFFFF);
	fl->size = (uint32_t)flash_int(L, -1, "region.", "size", 0, 0x1000000);
	lua_pop(L, 1);
	if (fl->size == 0)
		decl_error(L, "flash: region.size must be 1 to 16 MiB");
	flash_accepts(L, fl);
	flash_ident(L, fl);
	flash_readout(L, fl);
	fl->min_volts = field_number(L, "flash", "volts", false, 0, NULL);
	if (!(fl->min_volts >= 0 && fl->min_volts <= 30))
		decl_error(L, "flash: volts must be 0 to 30 (the battery voltage the flash needs)");
	fl->engine_off = field_bool(L, "flash", "engine_off", false);
	lua_getfield(L, 1, "volts_wait");
	fl->volts_wait = lua_isnil(L, -1) ? 10 : lua_isnumber(L, -1) ? lua_tonumber(L, -1) : -1;
	if (!(fl->volts_wait >= 0 && fl->volts_wait <= 600))
		decl_error(L, "flash: volts_wait must be 0 to 600 seconds");
	lua_getfield(L, 1, "restart");
	restart = lua_isstring(L, -1) ? lua_tostring(L, -1) : "erase";
	if (strcmp(restart, "erase") != 0 && strcmp(restart, "block") != 0)
		decl_error(L, "flash: restart must be \"erase\" or \"block\"");
	fl->restart_block = restart[0] == 'b';
	lua_getfield(L, 1, "run");
	if (!lua_isfunction(L, -1))
		decl_error(L, "flash: run = function(job) ... end is required");
	lua_getfield(L, 1, "prepare");
	if (!lua_isnil(L, -1) && !lua_isfunction(L, -1))
		decl_error(L, "flash: prepare must be a function(img)");
	fl->has_prepare = lua_isfunction(L, -1);
	lua_pop(L, 4);
}

/* brand:flash { id, name, module, region, accepts, ident, volts, volts_wait,
 * engine_off, readout, restart, prepare, run } declares a flash procedure. */
static int api_flash(lua_State *L)
{
	struct script_host *h = script_host_of(L);
	size_t brand = handle_index(L, 1, &BRAND_META, "brand:flash");
	struct script_flash *fl;
	const char *id;
	size_t i;

	check_loading(L, "flash");
	method_table(L, "flash");
	id = field_string(L, "flash", "id", true);
	for (i = 0; i < h->nflashes; i++)
		if (h->flashes[i].brand == brand && strcmp(h->flashes[i].id, id) == 0)
			decl_error(L, "flash: duplicate id '%s' (first declared at %s:%d)", id,
				   h->flashes[i].file, h->flashes[i].line);
	h->flashes = grow(L, h->flashes, h->nflashes, sizeof *h->flashes);
	fl = &h->flashes[h->nflashes++];
	fl->ref = LUA_NOREF;
	fl->readout_key_ref = LUA_NOREF;
	fl->brand = brand;
	fl->id = script_strdup(L, id);
	fl->name = script_strdup(L, field_string(L, "flash", "name", false)
					    ? field_string(L, "flash", "name", false)
					    : id);
	caller_position(L, &fl->file, &fl->line);
	flash_fields(L, fl);
	lua_pushvalue(L, 1);
	fl->ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

/* Creates a handle metatable with its methods, stored in the registry. */
static void make_meta(lua_State *L, const char *key, const luaL_Reg *methods)
{
	lua_newtable(L);
	lua_newtable(L);
	luaL_setfuncs(L, methods, 0);
	lua_setfield(L, -2, "__index");
	lua_pushliteral(L, "obdcon declaration");
	lua_setfield(L, -2, "__metatable");
	lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}

/* Registers brand() and the handle metatables. */
void script_api_decl_open(lua_State *L)
{
	static const luaL_Reg brand_methods[] = {
		{ "module", api_module },
		{ "flash", api_flash },
		{ NULL, NULL },
	};
	static const luaL_Reg module_methods[] = {
		{ "feature", api_feature },
		{ NULL, NULL },
	};

	make_meta(L, &BRAND_META, brand_methods);
	make_meta(L, &MODULE_META, module_methods);
	lua_register(L, "brand", api_brand);
}

/* Releases a registry reference when the state is still open. */
static void unref(lua_State *L, int *ref)
{
	if (L && *ref >= 0)
		luaL_unref(L, LUA_REGISTRYINDEX, *ref);
	*ref = LUA_NOREF;
}

/* Frees one feature's strings, tables and references. */
static void feature_free(lua_State *L, struct script_feature *f)
{
	size_t i;

	unref(L, &f->supported_ref);
	unref(L, &f->decode_ref);
	unref(L, &f->encode_ref);
	for (i = 0; i < f->nchoices; i++)
		free(f->choices[i].name);
	free(f->choices);
	if (f->kind == FEATURE_CUSTOM)
		free(f->dids);
	free(f->id);
	free(f->name);
	free(f->help);
	free(f->file);
	free(f->unit);
	free(f->charset);
}

/* Frees one brand's strings. */
static void brand_free(lua_State *L, struct script_brand *b)
{
	size_t i;

	unref(L, &b->match_ref);
	for (i = 0; i < b->nwmi; i++)
		free(b->wmi[i]);
	free(b->wmi);
	free(b->id);
	free(b->name);
	free(b->file);
}

/* Frees declarations beyond the given counts (after a failed file). */
void script_decls_truncate(struct script_host *h, size_t nb, size_t nm, size_t nf, size_t nfl)
{
	lua_State *L = h->sb.L;

	while (h->nfeatures > nf)
		feature_free(L, &h->features[--h->nfeatures]);
	while (h->nflashes > nfl) {
		struct script_flash *fl = &h->flashes[--h->nflashes];
		size_t k;
		unref(L, &fl->ref);
		unref(L, &fl->readout_key_ref);
		free(fl->id);
		free(fl->name);
		free(fl->file);
		free(fl->module);
		for (k = 0; k < SCRIPT_FLASH_LIST_MAX; k++) {
			free(fl->accept_part[k]);
			free(fl->accept_hw[k]);
			free(fl->accept_sw[k]);
		}
	}
	while (h->nmodules > nm) {
		struct script_module *m = &h->modules[--h->nmodules];
		unref(L, &m->key_ref);
		free(m->id);
		free(m->name);
		free(m->file);
	}
	while (h->nbrands > nb)
		brand_free(L, &h->brands[--h->nbrands]);
}
