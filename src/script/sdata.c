/* sdata.c: plain data trees from Lua data files (profiles). */
#include "config.h"
#include "script/sdata.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/sandbox.h"
#include "util/hex.h"

#define SDATA_MAX_DEPTH 24
#define SDATA_MEMORY ((size_t)16 << 20)
#define SDATA_BUDGET 5000000L

/* hex("0A 0B") in data files: the bytes as a binary string. */
static int data_hex(lua_State *L)
{
	size_t n;
	const char *text = luaL_checklstring(L, 1, &n);
	uint8_t *bytes = lua_newuserdatauv(L, n / 2 + 1, 0);
	long len = hex_decode(text, bytes, n / 2 + 1);

	if (len < 0)
		return luaL_error(L, "hex: malformed hex string");
	lua_pushlstring(L, (const char *)bytes, (size_t)len);
	return 1;
}

static int sdata_convert(lua_State *L, int idx, struct sdata *out, int depth, const char *path,
			 struct error *e);

/* Orders entries: integer keys ascending first, then strings. */
static int entry_compare(const void *a, const void *b)
{
	const struct sdata *ka = &((const struct sdata_entry *)a)->key;
	const struct sdata *kb = &((const struct sdata_entry *)b)->key;

	if (ka->type != kb->type)
		return ka->type == SD_NUM ? -1 : 1;
	if (ka->type == SD_NUM)
		return (ka->num > kb->num) - (ka->num < kb->num);
	return strcmp(ka->str, kb->str);
}

/* Converts the table at idx (absolute) into out. */
static int sdata_convert_table(lua_State *L, int idx, struct sdata *out, int depth,
			       const char *path, struct error *e)
{
	size_t cap = 0;
	char sub[256];

	out->type = SD_TABLE;
	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		struct sdata_entry *ent;
		int kt = lua_type(L, -2);
		if (kt != LUA_TSTRING && kt != LUA_TNUMBER) {
			lua_pop(L, 2);
			return error_set(e, ERR_FORMAT, "%s: table key of type %s", path,
					 luaL_typename(L, -2));
		}
		if (out->len == cap) {
			cap = cap ? cap * 2 : 8;
			ent = realloc(out->items, cap * sizeof *ent);
			if (ent == NULL) {
				lua_pop(L, 2);
				return error_set(e, ERR_NOMEM, "out of memory");
			}
			out->items = ent;
		}
		ent = &out->items[out->len++];
		memset(ent, 0, sizeof *ent);
		if (kt == LUA_TNUMBER) {
			ent->key.type = SD_NUM;
			ent->key.num = lua_tonumber(L, -2);
			snprintf(sub, sizeof sub, "%s[%g]", path, ent->key.num);
		} else {
			ent->key.type = SD_STR;
			ent->key.str = strdup(lua_tostring(L, -2));
			ent->key.len = strlen(ent->key.str);
			snprintf(sub, sizeof sub, "%s.%s", path, ent->key.str);
		}
		if (sdata_convert(L, lua_gettop(L), &ent->val, depth + 1, sub, e) < 0) {
			lua_pop(L, 2);
			return -(int)e->kind;
		}
		lua_pop(L, 1);
	}
	if (out->len > 1)
		qsort(out->items, out->len, sizeof *out->items, entry_compare);
	return 0;
}

/* Converts the Lua value at idx (absolute) into out. */
static int sdata_convert(lua_State *L, int idx, struct sdata *out, int depth, const char *path,
			 struct error *e)
{
	const char *s;

	memset(out, 0, sizeof *out);
	if (depth > SDATA_MAX_DEPTH)
		return error_set(e, ERR_FORMAT, "%s: nested too deeply", path);
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		return 0;
	case LUA_TBOOLEAN:
		out->type = SD_BOOL;
		out->b = lua_toboolean(L, idx);
		return 0;
	case LUA_TNUMBER:
		out->type = SD_NUM;
		out->num = lua_tonumber(L, idx);
		return 0;
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &out->len);
		out->type = SD_STR;
		out->str = malloc(out->len + 1);
		if (out->str == NULL)
			return error_set(e, ERR_NOMEM, "out of memory");
		memcpy(out->str, s, out->len + 1);
		return 0;
	case LUA_TTABLE:
		return sdata_convert_table(L, idx, out, depth, path, e);
	default:
		return error_set(e, ERR_FORMAT, "%s: values of type %s are not allowed in data files",
				 path, luaL_typename(L, idx));
	}
}

/* Runs the loaded chunk and converts its result. */
static int sdata_run(struct sandbox *sb, const char *name, struct sdata *out, struct error *e)
{
	int rc;

	if (sandbox_call(sb, 0, 1, e) < 0)
		return -ERR_FORMAT;
	if (!lua_istable(sb->L, -1))
		return error_set(e, ERR_FORMAT, "%s: a data file must return a table", name);
	rc = sdata_convert(sb->L, lua_gettop(sb->L), out, 0, name, e);
	if (rc < 0)
		sdata_free(out);
	return rc;
}

/* Opens a sandbox for data files, with hex() available. */
static int sdata_sandbox(struct sandbox *sb, struct error *e)
{
	if (sandbox_open(sb, SDATA_MEMORY, SDATA_BUDGET, e) < 0)
		return -(int)e->kind;
	lua_pushcfunction(sb->L, data_hex);
	lua_setglobal(sb->L, "hex");
	return 0;
}

/* Runs a Lua data file and converts the table it returns. */
int sdata_load_file(const char *path, struct sdata *out, struct error *e)
{
	struct sandbox sb;
	int rc;

	memset(out, 0, sizeof *out);
	if (sdata_sandbox(&sb, e) < 0)
		return -(int)e->kind;
	rc = sandbox_load_file(&sb, path, e);
	if (rc == 0)
		rc = sdata_run(&sb, path, out, e);
	sandbox_close(&sb);
	if (rc < 0)
		e->kind = ERR_FORMAT;
	return rc < 0 ? -ERR_FORMAT : 0;
}

/* Runs a Lua data chunk held in memory. */
int sdata_load_string(const char *name, const char *text, size_t n, struct sdata *out,
		      struct error *e)
{
	struct sandbox sb;
	int rc;

	memset(out, 0, sizeof *out);
	if (sdata_sandbox(&sb, e) < 0)
		return -(int)e->kind;
	rc = sandbox_load_string(&sb, name, text, n, e);
	if (rc == 0)
		rc = sdata_run(&sb, name, out, e);
	sandbox_close(&sb);
	if (rc < 0)
		e->kind = ERR_FORMAT;
	return rc < 0 ? -ERR_FORMAT : 0;
}

/* Frees a tree. */
void sdata_free(struct sdata *d)
{
	size_t i;

	if (d == NULL)
		return;
	if (d->type == SD_TABLE) {
		for (i = 0; i < d->len; i++) {
			sdata_free(&d->items[i].key);
			sdata_free(&d->items[i].val);
		}
		free(d->items);
	}
	if (d->type == SD_STR)
		free(d->str);
	memset(d, 0, sizeof *d);
}

/* Field of a table by string key. */
const struct sdata *sdata_get(const struct sdata *t, const char *key)
{
	size_t i;

	if (t == NULL || t->type != SD_TABLE)
		return NULL;
	for (i = 0; i < t->len; i++)
		if (t->items[i].key.type == SD_STR && strcmp(t->items[i].key.str, key) == 0)
			return &t->items[i].val;
	return NULL;
}

/* Element of a table by integer key. */
const struct sdata *sdata_at(const struct sdata *t, long index)
{
	size_t i;

	if (t == NULL || t->type != SD_TABLE)
		return NULL;
	for (i = 0; i < t->len; i++)
		if (t->items[i].key.type == SD_NUM && t->items[i].key.num == (double)index)
			return &t->items[i].val;
	return NULL;
}

/* Number of array elements (keys 1..n). */
size_t sdata_array_len(const struct sdata *t)
{
	size_t n = 0;

	while (sdata_at(t, (long)n + 1) != NULL)
		n++;
	return n;
}

/* String field or fallback. */
const char *sdata_str(const struct sdata *t, const char *key, const char *fallback)
{
	const struct sdata *v = sdata_get(t, key);

	return v && v->type == SD_STR ? v->str : fallback;
}

/* Numeric field or fallback. */
double sdata_num(const struct sdata *t, const char *key, double fallback)
{
	const struct sdata *v = sdata_get(t, key);

	return v && v->type == SD_NUM ? v->num : fallback;
}

/* Boolean field or fallback. */
bool sdata_bool(const struct sdata *t, const char *key, bool fallback)
{
	const struct sdata *v = sdata_get(t, key);

	return v && v->type == SD_BOOL ? v->b : fallback;
}
