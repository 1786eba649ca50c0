/* flash.c: flash procedures of brand scripts. A procedure is a table
 * declared with brand:flash{}: what it accepts (module identification,
 * image size, where the image names its part number), its preconditions,
 * an optional prepare(img) that corrects checksums, and run(job), built
 * from steps (session, unlock, erase, download, routine, reset, wait)
 * that the console carries out, journals and shows. Scripts never touch
 * the car themselves: every step goes through the ops the console gives. */
#include "config.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/sandbox.h"
#include "script/script_internal.h"

#define FLASH_TIME_LIMIT_MS (6L * 3600 * 1000) /* a run waits on the car, not on Lua */

static const char JOB_KEY = 'J';
static const char IMG_KEY = 'I';

/* What a running procedure needs: the ops and, for unlock, the key function. */
struct flash_run {
	struct script_host *h;
	const struct script_flash *fl;
	const struct script_flash_ops *ops;
	const struct script_flash_image_ops *img;
	void *ctx;
	struct error err; /* why an op failed (kept when the script does not catch it) */
};

/* The running procedure (one at a time per host). */
static struct flash_run *current(lua_State *L, const char *key)
{
	struct flash_run *r;

	lua_rawgetp(L, LUA_REGISTRYINDEX, key);
	r = lua_touserdata(L, -1);
	lua_pop(L, 1);
	if (r == NULL)
		luaL_error(L, "this object can only be used while its procedure runs");
	return r;
}

/* Integer field of the table at idx, or def; range-checked. */
static lua_Integer opt_int(lua_State *L, int idx, const char *key, lua_Integer def,
			   lua_Integer max)
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
		luaL_error(L, "field '%s' must be an integer from 0 to %I", key, max);
	return v;
}

/* Fails the Lua call with an op's error, keeping it for the console. */
static int op_failed(lua_State *L, struct flash_run *r)
{
	return luaL_error(L, "%s", r->err.text);
}

/* job:session(n): enters a diagnostic session. */
static int job_session(lua_State *L)
{
	struct flash_run *r = current(L, &JOB_KEY);
	lua_Integer s = luaL_checkinteger(L, 2);

	luaL_argcheck(L, s >= 1 && s <= 0x7F, 2, "a session is 1..0x7F");
	error_clear(&r->err);
	if (r->ops->session(r->ctx, (uint8_t)s, &r->err) < 0)
		return op_failed(L, r);
	return 0;
}

/* The key function given to job:unlock, called back by the console. */
struct unlock_call {
	lua_State *L;
	int fn; /* stack index of the key function */
};

/* Calls the script's key function for a seed (protected: a script error
 * becomes an error record, never a jump over the console's frames). */
static int unlock_key(void *arg, const uint8_t *seed, size_t n, uint8_t *key, size_t cap,
		      size_t *klen, struct error *e)
{
	struct unlock_call *c = arg;
	lua_State *L = c->L;
	const char *k;
	size_t len;

	lua_pushvalue(L, c->fn);
	lua_pushlstring(L, (const char *)seed, n);
	if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
		error_set(e, ERR_SCRIPT, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "key()");
		lua_pop(L, 1);
		return -ERR_SCRIPT;
	}
	k = lua_tolstring(L, -1, &len);
	if (lua_type(L, -1) != LUA_TSTRING || len == 0 || len > cap) {
		lua_pop(L, 1);
		return error_set(e, ERR_SCRIPT, "the unlock key function must return 1 to %zu bytes",
				 cap);
	}
	memcpy(key, k, len);
	*klen = len;
	lua_pop(L, 1);
	return 0;
}

/* job:unlock(level, key_function): security access with the script's key. */
static int job_unlock(lua_State *L)
{
	struct flash_run *r = current(L, &JOB_KEY);
	lua_Integer level = luaL_checkinteger(L, 2);
	struct unlock_call c = { L, 3 };

	luaL_argcheck(L, level >= 1 && level <= 0x7D && level % 2 == 1, 2,
		      "a seed level is odd, 1..0x7D");
	luaL_checktype(L, 3, LUA_TFUNCTION);
	error_clear(&r->err);
	if (r->ops->unlock(r->ctx, (uint8_t)level, unlock_key, &c, &r->err) < 0)
		return op_failed(L, r);
	return 0;
}

/* Region fields of a step table (address, size), defaulting to the procedure's. */
static void region_of(lua_State *L, int idx, const struct script_flash *fl, uint32_t *addr,
		      uint32_t *size)
{
	*addr = (uint32_t)opt_int(L, idx, "address", fl->address, 0xFFFFFFFF);
	*size = (uint32_t)opt_int(L, idx, "size", fl->size, 0xFFFFFFFF);
}

/* Makes argument 2 a table of step options (an empty one when omitted)
 * holding only the known fields. */
static void step_table(lua_State *L, const char *what, const char *const *known)
{
	lua_settop(L, 2);
	if (lua_isnil(L, 2)) {
		lua_newtable(L);
		lua_replace(L, 2);
	}
	luaL_checktype(L, 2, LUA_TTABLE);
	script_known_fields(L, 2, what, known, NULL);
}

/* job:erase{ routine, address, size }: the erase routine (the point of no return). */
static int job_erase(lua_State *L)
{
	struct flash_run *r = current(L, &JOB_KEY);
	uint32_t addr, size;
	uint16_t routine;

	static const char *const known[] = { "routine", "address", "size", NULL };

	step_table(L, "erase", known);
	routine = (uint16_t)opt_int(L, 2, "routine", 0xFF00, 0xFFFF);
	region_of(L, 2, r->fl, &addr, &size);
	error_clear(&r->err);
	if (r->ops->erase(r->ctx, routine, addr, size, &r->err) < 0)
		return op_failed(L, r);
	return 0;
}

/* job:download{ address, size, format }: the image, block by block. */
static int job_download(lua_State *L)
{
	struct flash_run *r = current(L, &JOB_KEY);
	uint32_t addr, size;
	uint8_t format;

	static const char *const known[] = { "address", "size", "format", NULL };

	step_table(L, "download", known);
	region_of(L, 2, r->fl, &addr, &size);
	format = (uint8_t)opt_int(L, 2, "format", 0x00, 0xFF);
	error_clear(&r->err);
	if (r->ops->download(r->ctx, addr, size, format, &r->err) < 0)
		return op_failed(L, r);
	return 0;
}

/* job:routine{ id, record, expect }: starts a routine; returns its status
 * record. With expect, a first status byte other than it fails the step. */
static int job_routine(lua_State *L)
{
	static const char *const known[] = { "id", "record", "expect", NULL };
	struct flash_run *r = current(L, &JOB_KEY);
	uint8_t status[256];
	size_t rlen = 0, slen = 0;
	const char *record = "";
	uint16_t id;
	int expect;

	luaL_checktype(L, 2, LUA_TTABLE);
	script_known_fields(L, 2, "routine", known, NULL);
	id = (uint16_t)opt_int(L, 2, "id", 0, 0xFFFF);
	expect = lua_getfield(L, 2, "expect") == LUA_TNIL ? -1 : (int)opt_int(L, 2, "expect", 0, 0xFF);
	lua_pop(L, 1);
	if (lua_getfield(L, 2, "record") == LUA_TSTRING)
		record = lua_tolstring(L, -1, &rlen);
	else if (!lua_isnil(L, -1))
		return luaL_error(L, "routine: record must be a byte string");
	lua_pop(L, 1);
	error_clear(&r->err);
	if (r->ops->routine(r->ctx, id, (const uint8_t *)record, rlen, expect, status,
			    sizeof status, &slen, &r->err) < 0)
		return op_failed(L, r);
	lua_pushlstring(L, (const char *)status, slen);
	return 1;
}

/* job:reset([type]): resets the module and waits for it to answer again. */
static int job_reset(lua_State *L)
{
	struct flash_run *r = current(L, &JOB_KEY);
	lua_Integer type = luaL_optinteger(L, 2, 1);

	luaL_argcheck(L, type >= 1 && type <= 5, 2, "a reset type is 1..5");
	error_clear(&r->err);
	if (r->ops->reset(r->ctx, (uint8_t)type, &r->err) < 0)
		return op_failed(L, r);
	return 0;
}

/* job:wait(ms): lets time pass (tester present keeps the session). */
static int job_wait(lua_State *L)
{
	struct flash_run *r = current(L, &JOB_KEY);
	lua_Integer ms = luaL_checkinteger(L, 2);

	luaL_argcheck(L, ms >= 0 && ms <= 600000, 2, "0 to 600000 ms");
	error_clear(&r->err);
	if (r->ops->wait(r->ctx, (int)ms, &r->err) < 0)
		return op_failed(L, r);
	return 0;
}

/* img:size(): bytes of the image region. */
static int img_size(lua_State *L)
{
	struct flash_run *r = current(L, &IMG_KEY);

	lua_pushinteger(L, (lua_Integer)r->img->size(r->ctx));
	return 1;
}

/* img:bytes(offset, n): bytes of the image region as a string. */
static int img_bytes(lua_State *L)
{
	struct flash_run *r = current(L, &IMG_KEY);
	lua_Integer off = luaL_checkinteger(L, 2), n = luaL_checkinteger(L, 3);
	luaL_Buffer b;
	char *p;

	luaL_argcheck(L, off >= 0 && n >= 0 && n <= 65536, 3, "offset >= 0, 0..65536 bytes");
	p = luaL_buffinitsize(L, &b, (size_t)n);
	error_clear(&r->err);
	if (r->img->read(r->ctx, (uint32_t)off, (uint8_t *)p, (size_t)n, &r->err) < 0)
		return op_failed(L, r);
	luaL_pushresultsize(&b, (size_t)n);
	return 1;
}

/* img:checksum(kind, {from, length, at, little_endian}): computes a
 * checksum over a range and stores it at an address, as the module's own
 * check will; returns old and new value. */
static int img_checksum(lua_State *L, const char *kind)
{
	static const char *const known[] = { "from", "length", "at", "little_endian", NULL };
	struct flash_run *r = current(L, &IMG_KEY);
	struct script_checksum c;

	luaL_checktype(L, 2, LUA_TTABLE);
	script_known_fields(L, 2, kind, known, NULL);
	c.kind = kind;
	c.from = (uint32_t)opt_int(L, 2, "from", 0, 0xFFFFFFFF);
	c.length = (uint32_t)opt_int(L, 2, "length", 0, 0xFFFFFFFF);
	c.at = (uint32_t)opt_int(L, 2, "at", 0, 0xFFFFFFFF);
	lua_getfield(L, 2, "little_endian");
	c.big_endian = !lua_toboolean(L, -1);
	lua_pop(L, 1);
	error_clear(&r->err);
	if (r->img->checksum(r->ctx, &c, &r->err) < 0)
		return op_failed(L, r);
	lua_pushinteger(L, c.old_value);
	lua_pushinteger(L, c.new_value);
	return 2;
}

/* img:crc32{...}. */
static int img_crc32(lua_State *L)
{
	return img_checksum(L, "crc32");
}

/* img:crc16{...} (CRC-16/CCITT-FALSE). */
static int img_crc16(lua_State *L)
{
	return img_checksum(L, "crc16");
}

/* img:sum16{...} (16-bit additive sum of the bytes). */
static int img_sum16(lua_State *L)
{
	return img_checksum(L, "sum16");
}

/* Pushes an object whose methods are the given functions. */
static void push_object(lua_State *L, const luaL_Reg *methods)
{
	lua_newtable(L); /* the object */
	lua_newtable(L); /* its metatable */
	lua_newtable(L); /* the methods */
	luaL_setfuncs(L, methods, 0);
	lua_setfield(L, -2, "__index");
	lua_pushliteral(L, "obdcon flash object");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
}

/* Pushes the job object handed to run(job). */
static void push_job(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "session", job_session }, { "unlock", job_unlock }, { "erase", job_erase },
		{ "download", job_download }, { "routine", job_routine }, { "reset", job_reset },
		{ "wait", job_wait }, { NULL, NULL },
	};

	push_object(L, methods);
}

/* Pushes the image object handed to prepare(img). */
static void push_image(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "size", img_size }, { "bytes", img_bytes }, { "crc32", img_crc32 },
		{ "crc16", img_crc16 }, { "sum16", img_sum16 }, { NULL, NULL },
	};

	push_object(L, methods);
}

/* Calls one function field of the declaration (protected by sandbox_run). */
static int call_field(lua_State *L, const char *field, const char *key, void (*push)(lua_State *))
{
	struct flash_run *r = lua_touserdata(L, 1);

	lua_pushlightuserdata(L, r);
	lua_rawsetp(L, LUA_REGISTRYINDEX, key);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->fl->ref);
	if (lua_getfield(L, -1, field) != LUA_TFUNCTION)
		return 0;
	push(L);
	lua_call(L, 1, 0);
	return 0;
}

/* Runs run(job) (protected). */
static int run_protected(lua_State *L)
{
	return call_field(L, "run", &JOB_KEY, push_job);
}

/* Runs prepare(img) (protected). */
static int prepare_protected(lua_State *L)
{
	return call_field(L, "prepare", &IMG_KEY, push_image);
}

/* Runs one of the declaration's functions without the per-call time limit
 * (a flash waits on the car for minutes), then forgets the run. */
static int run_field(struct script_host *h, size_t fi, lua_CFunction fn, struct flash_run *r,
		     struct error *e)
{
	long saved = h->sb.time_limit_ms;
	int rc;

	if (fi >= h->nflashes)
		return error_set(e, ERR_NOT_FOUND, "no flash procedure %zu", fi);
	r->h = h;
	r->fl = &h->flashes[fi];
	error_clear(&r->err);
	h->sb.time_limit_ms = FLASH_TIME_LIMIT_MS;
	snprintf(h->sb.origin, sizeof h->sb.origin, "%s:%d", r->fl->file, r->fl->line);
	rc = sandbox_run(&h->sb, fn, r, e);
	h->sb.time_limit_ms = saved;
	lua_pushnil(h->sb.L);
	lua_rawsetp(h->sb.L, LUA_REGISTRYINDEX, &JOB_KEY);
	lua_pushnil(h->sb.L);
	lua_rawsetp(h->sb.L, LUA_REGISTRYINDEX, &IMG_KEY);
	if (rc < 0 && r->err.kind != ERR_NONE && r->err.kind != ERR_SCRIPT) {
		*e = r->err; /* a step failed: its own error, not the Lua wrapping */
		rc = -(int)e->kind;
	}
	return rc;
}

/* Runs a procedure's run(job), each step through ops. */
int script_flash_run(struct script_host *h, size_t fi, const struct script_flash_ops *ops,
		     void *ctx, struct error *e)
{
	struct flash_run r = { 0 };

	r.ops = ops;
	r.ctx = ctx;
	return run_field(h, fi, run_protected, &r, e);
}

/* Runs a procedure's prepare(img), if it has one. */
int script_flash_prepare(struct script_host *h, size_t fi, const struct script_flash_image_ops *ops,
			 void *ctx, struct error *e)
{
	struct flash_run r = { 0 };

	r.img = ops;
	r.ctx = ctx;
	return run_field(h, fi, prepare_protected, &r, e);
}

/* A read-out key call: the procedure, the seed, room for the key. */
struct readout_key_call {
	const struct script_flash *fl;
	uint8_t level;
	const uint8_t *seed;
	size_t n;
	uint8_t *key;
	size_t cap, len;
};

/* Calls readout.key(seed, level) (protected by sandbox_run). */
static int readout_key_protected(lua_State *L)
{
	struct readout_key_call *c = lua_touserdata(L, 1);
	const char *k;
	size_t len;

	lua_rawgeti(L, LUA_REGISTRYINDEX, c->fl->readout_key_ref);
	lua_pushlstring(L, (const char *)c->seed, c->n);
	lua_pushinteger(L, c->level);
	lua_call(L, 2, 1);
	k = lua_tolstring(L, -1, &len);
	if (lua_type(L, -1) != LUA_TSTRING || len == 0 || len > c->cap)
		return luaL_error(L, "%s:%d: flash '%s': readout.key() must return 1 to %d bytes",
				  c->fl->file, c->fl->line, c->fl->id, (int)c->cap);
	memcpy(c->key, k, len);
	c->len = len;
	return 0;
}

/* The key for a read-out, from the procedure's readout.key. */
int script_flash_readout_key(struct script_host *h, size_t fi, uint8_t level, const uint8_t *seed,
			     size_t n, uint8_t *key, size_t cap, size_t *klen, struct error *e)
{
	struct readout_key_call c = { NULL, level, seed, n, key, cap, 0 };
	int rc;

	*klen = 0;
	if (fi >= h->nflashes)
		return error_set(e, ERR_NOT_FOUND, "no flash procedure %zu", fi);
	c.fl = &h->flashes[fi];
	if (c.fl->readout_key_ref < 0)
		return error_set(e, ERR_UNSUPPORTED, "flash '%s' gives no readout.key", c.fl->id);
	h->pure = true;
	snprintf(h->sb.origin, sizeof h->sb.origin, "%s:%d", c.fl->file, c.fl->line);
	rc = sandbox_run(&h->sb, readout_key_protected, &c, e);
	h->pure = false;
	if (rc < 0)
		return script_error_context(e, "readout.key() of flash '%s'", c.fl->id);
	*klen = c.len;
	return 0;
}

/* Index of the flash procedure id of a brand, or -1. */
int script_flash_find(const struct script_host *h, size_t brand, const char *id)
{
	size_t i;

	for (i = 0; i < h->nflashes; i++)
		if (h->flashes[i].brand == brand && strcmp(h->flashes[i].id, id) == 0)
			return (int)i;
	return -1;
}
