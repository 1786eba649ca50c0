/* sandbox.c: construction of sandboxed Lua states. */
#include "config.h"
#include "script/sandbox.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOOK_EVERY 1000

static const char SANDBOX_KEY = 'S';

/* Allocator that counts bytes and refuses to pass the cap. */
static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct sandbox *sb = ud;
	size_t old = ptr ? osize : 0;
	void *p;

	if (nsize == 0) {
		free(ptr);
		sb->mem_used -= old;
		return NULL;
	}
	if (nsize > old && sb->mem_used - old + nsize > sb->mem_limit)
		return NULL;
	p = realloc(ptr, nsize);
	if (p != NULL)
		sb->mem_used = sb->mem_used - old + nsize;
	return p;
}

/* The sandbox that owns a Lua state. */
struct sandbox *sandbox_of(lua_State *L)
{
	struct sandbox *sb;

	lua_rawgetp(L, LUA_REGISTRYINDEX, &SANDBOX_KEY);
	sb = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return sb;
}

/* Instruction hook: once over budget, fails at every instruction so that
 * pcall inside the script cannot swallow the limit. */
static void sandbox_hook(lua_State *L, lua_Debug *ar)
{
	struct sandbox *sb = sandbox_of(L);

	(void)ar;
	if (!sb->over_budget) {
		sb->used += HOOK_EVERY;
		if (sb->used < sb->budget)
			return;
		sb->over_budget = true;
		lua_sethook(L, sandbox_hook, LUA_MASKCOUNT, 1);
	}
	luaL_error(L, "instruction limit exceeded (%I instructions)", (lua_Integer)sb->budget);
}

/* Stub for a blocked global function; its name is the upvalue. */
static int blocked_function(lua_State *L)
{
	return luaL_error(L, "%s is not available in the obdcon script sandbox",
			  lua_tostring(L, lua_upvalueindex(1)));
}

/* __index of a blocked library table: every field is a named stub. */
static int blocked_library_index(lua_State *L)
{
	const char *lib = lua_tostring(L, lua_upvalueindex(1));
	const char *field = luaL_optstring(L, 2, "?");

	lua_pushfstring(L, "%s.%s", lib, field);
	lua_pushcclosure(L, blocked_function, 1);
	return 1;
}

/* Installs a global that fails with its own name when called. */
static void block_global(lua_State *L, const char *name)
{
	lua_pushstring(L, name);
	lua_pushcclosure(L, blocked_function, 1);
	lua_setglobal(L, name);
}

/* Installs a library table whose every function fails with its name. */
static void block_library(lua_State *L, const char *name)
{
	lua_newtable(L);
	lua_newtable(L);
	lua_pushstring(L, name);
	lua_pushcclosure(L, blocked_library_index, 1);
	lua_setfield(L, -2, "__index");
	lua_pushliteral(L, "blocked");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_setglobal(L, name);
}

/* load() restricted to text chunks in the sandbox's environment. */
static int sandbox_load(lua_State *L)
{
	size_t n;
	const char *text = luaL_checklstring(L, 1, &n);
	const char *name = luaL_optstring(L, 2, "=(load)");

	if (n > 0 && text[0] == LUA_SIGNATURE[0])
		return luaL_error(L, "load: precompiled chunks are not allowed");
	if (luaL_loadbufferx(L, text, n, name, "t") != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 2;
	}
	return 1;
}

/* Opens one allowed standard library under its usual global name. */
static void open_library(lua_State *L, const char *name, lua_CFunction fn)
{
	luaL_requiref(L, name, fn, 1);
	lua_pop(L, 1);
}

/* Removes a field from a global table. */
static void remove_field(lua_State *L, const char *table, const char *field)
{
	lua_getglobal(L, table);
	lua_pushnil(L);
	lua_setfield(L, -2, field);
	lua_pop(L, 1);
}

/* Loads the allowlisted libraries and stubs for everything else. */
static void sandbox_libraries(lua_State *L)
{
	static const char *const blocked_globals[] = {
		"dofile", "loadfile", "require", "collectgarbage", NULL,
	};
	static const char *const blocked_libs[] = { "os", "io", "package", "debug", NULL };
	size_t i;

	open_library(L, LUA_GNAME, luaopen_base);
	open_library(L, LUA_STRLIBNAME, luaopen_string);
	open_library(L, LUA_TABLIBNAME, luaopen_table);
	open_library(L, LUA_MATHLIBNAME, luaopen_math);
	open_library(L, LUA_UTF8LIBNAME, luaopen_utf8);
	remove_field(L, LUA_STRLIBNAME, "dump");
	for (i = 0; blocked_globals[i]; i++)
		block_global(L, blocked_globals[i]);
	for (i = 0; blocked_libs[i]; i++)
		block_library(L, blocked_libs[i]);
	lua_pushcfunction(L, sandbox_load);
	lua_setglobal(L, "load");
}

/* Opens a sandbox. */
int sandbox_open(struct sandbox *sb, size_t mem_limit, long budget, struct error *e)
{
	memset(sb, 0, sizeof *sb);
	sb->mem_limit = mem_limit ? mem_limit : SANDBOX_DEFAULT_MEMORY;
	sb->budget = budget > 0 ? budget : SANDBOX_DEFAULT_BUDGET;
	sb->L = lua_newstate(sandbox_alloc, sb);
	if (sb->L == NULL)
		return error_set(e, ERR_NOMEM, "cannot create a Lua state");
	lua_pushlightuserdata(sb->L, sb);
	lua_rawsetp(sb->L, LUA_REGISTRYINDEX, &SANDBOX_KEY);
	sandbox_libraries(sb->L);
	return 0;
}

/* Closes the interpreter. */
void sandbox_close(struct sandbox *sb)
{
	if (sb->L)
		lua_close(sb->L);
	sb->L = NULL;
}

/* Turns the error on top of the stack into an error record and pops it. */
static int pop_error(lua_State *L, struct error *e)
{
	const char *msg = lua_tostring(L, -1);

	error_set(e, ERR_SCRIPT, "%s", msg ? msg : "(error object is not a string)");
	lua_pop(L, 1);
	return -ERR_SCRIPT;
}

/* Loads a text chunk from a file. */
int sandbox_load_file(struct sandbox *sb, const char *path, struct error *e)
{
	if (luaL_loadfilex(sb->L, path, "t") != LUA_OK)
		return pop_error(sb->L, e);
	return 0;
}

/* Loads a text chunk from memory. */
int sandbox_load_string(struct sandbox *sb, const char *name, const char *text, size_t n,
			struct error *e)
{
	char chunk[256];

	snprintf(chunk, sizeof chunk, "@%s", name);
	if (luaL_loadbufferx(sb->L, text, n, chunk, "t") != LUA_OK)
		return pop_error(sb->L, e);
	return 0;
}

/* Message handler: a string message (using __tostring for other objects)
 * with a traceback saved in the sandbox. */
static int message_handler(lua_State *L)
{
	struct sandbox *sb = sandbox_of(L);
	const char *msg = lua_tostring(L, 1);

	if (msg == NULL) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	snprintf(sb->traceback, sizeof sb->traceback, "%s", lua_tostring(L, -1));
	lua_pushstring(L, msg);
	return 1;
}

/* Calls a function under the instruction budget and message handler. */
int sandbox_call(struct sandbox *sb, int nargs, int nresults, struct error *e)
{
	lua_State *L = sb->L;
	int base = lua_gettop(L) - nargs;
	int rc;

	sb->used = 0;
	sb->over_budget = false;
	sb->traceback[0] = 0;
	lua_pushcfunction(L, message_handler);
	lua_insert(L, base);
	lua_sethook(L, sandbox_hook, LUA_MASKCOUNT, HOOK_EVERY);
	rc = lua_pcall(L, nargs, nresults, base);
	lua_sethook(L, NULL, 0, 0);
	lua_remove(L, base);
	if (rc != LUA_OK) {
		if (rc == LUA_ERRMEM || sb->mem_used >= sb->mem_limit - 1024) {
			lua_pop(L, 1);
			return error_set(e, ERR_SCRIPT, "script memory limit exceeded (%zu bytes)",
					 sb->mem_limit);
		}
		return pop_error(L, e);
	}
	return 0;
}
