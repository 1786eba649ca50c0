/* sandbox.c: construction of sandboxed Lua states and protected calls.
 *
 * What a script cannot do, and how it is stopped:
 * - reach the host: os, io, package, debug, require, dofile, loadfile,
 *   collectgarbage, coroutine and string.dump are stubs or absent; every
 *   stub fails with its own name;
 * - run precompiled code: chunks load as text only, load() included;
 * - run forever: a count hook charges every call an instruction budget and
 *   a wall-time limit; once one is spent the hook fails at every
 *   instruction, so pcall and xpcall inside the script cannot swallow it
 *   (and an xpcall message handler is skipped, since Lua would run it with
 *   hooks off);
 * - loop inside C where the hook cannot see: string.rep of empty strings,
 *   backtracking patterns on long subjects and table functions over huge
 *   lengths (__len) are refused before they start;
 * - exhaust memory: the allocator refuses growth past a cap per call and a
 *   total cap;
 * - run code outside a call: __gc metamethods are refused, so no finalizer
 *   ever runs unbudgeted;
 * - change what other files see: each file runs in its own copy of the
 *   globals and library tables, and the string metatable is locked. */
#include "config.h"
#include "script/sandbox.h"
#include "util/clock.h"

#include <ctype.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOOK_EVERY 256
#define ALLOC_BYTES_PER_INSTRUCTION 32
#define REFUSAL_COST 200000L    /* instructions charged for a refused allocation */
#define PATTERN_COST_MAX 1e8    /* worst-case steps allowed for one pattern call */
#define TABLE_SPAN_MAX ((lua_Integer)1 << 24) /* elements one table call may walk */

/* The sandbox that owns a Lua state (kept in the state's extra space). */
struct sandbox *sandbox_of(lua_State *L)
{
	return *(struct sandbox **)lua_getextraspace(L);
}

/* Allocator that counts bytes and refuses growth past the caps. */
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
	if (nsize > old) {
		size_t grow = nsize - old;
		if (sb->mem_used + grow > sb->mem_limit ||
		    (sb->in_call && sb->mem_used + grow > sb->call_base + sb->call_limit)) {
			sb->mem_refused = true;
			sb->used += REFUSAL_COST;
			return NULL;
		}
		sb->used += (long)(grow / ALLOC_BYTES_PER_INSTRUCTION);
	}
	p = realloc(ptr, nsize);
	if (p != NULL)
		sb->mem_used = sb->mem_used - old + nsize;
	return p;
}

/* Decides why a call that spent its budget or its time is stopped. */
static const char *stop_reason(struct sandbox *sb)
{
	if (clock_ms() >= sb->deadline_ms)
		return "time limit exceeded (%I ms per call)";
	if (sb->mem_refused)
		return "memory limit exceeded (the script went on allocating after being refused)";
	return "instruction limit exceeded (%I instructions per call)";
}

static void sandbox_hook(lua_State *L, lua_Debug *ar);

/* Charges work to the budget and checks the clock; true while within both.
 * Once a limit is hit, the hook fails at every instruction from then on. */
static bool spend(lua_State *L, struct sandbox *sb, long work)
{
	sb->used += work;
	if (sb->used < sb->budget && clock_ms() < sb->deadline_ms)
		return true;
	sb->over_budget = true;
	sb->stop = stop_reason(sb);
	lua_sethook(L, sandbox_hook, LUA_MASKCOUNT, 1);
	return false;
}

/* Instruction hook: remembers where the script is, charges the budget and
 * watches the clock; once a limit is hit, fails at every instruction so
 * that pcall cannot swallow it. */
static void sandbox_hook(lua_State *L, lua_Debug *ar)
{
	struct sandbox *sb = sandbox_of(L);

	if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
		snprintf(sb->where, sizeof sb->where, "%s:%d", ar->short_src, ar->currentline);
	if (!sb->over_budget && spend(L, sb, HOOK_EVERY))
		return;
	lua_pushfstring(L, "%s: ", sb->where);
	lua_pushfstring(L, sb->stop, (lua_Integer)(sb->stop[0] == 't' ? sb->time_limit_ms
									: sb->budget));
	lua_concat(L, 2);
	lua_error(L);
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
	const char *field = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?";

	lua_pushfstring(L, "%s.%s", lib, field);
	lua_pushcclosure(L, blocked_function, 1);
	return 1;
}

/* __newindex of a blocked library table: nothing may be stored in it. */
static int blocked_library_newindex(lua_State *L)
{
	return luaL_error(L, "%s is not available in the obdcon script sandbox",
			  lua_tostring(L, lua_upvalueindex(1)));
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
	lua_pushstring(L, name);
	lua_pushcclosure(L, blocked_library_newindex, 1);
	lua_setfield(L, -2, "__newindex");
	lua_pushliteral(L, "blocked");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_setglobal(L, name);
}

/* Pushes the _ENV of the Lua function at the given call level, or nil. */
static void push_caller_env(lua_State *L, int level)
{
	lua_Debug ar;
	const char *name;
	int i;

	if (!lua_getstack(L, level, &ar) || !lua_getinfo(L, "f", &ar)) {
		lua_pushnil(L);
		return;
	}
	for (i = 1; (name = lua_getupvalue(L, -1, i)) != NULL; i++) {
		if (strcmp(name, "_ENV") == 0) {
			lua_remove(L, -2);
			return;
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	lua_pushnil(L);
}

/* load(text [, name [, mode [, env]]]) restricted to text chunks; the chunk
 * runs in env, or in the caller's environment, never in the shared one. */
static int sandbox_load(lua_State *L)
{
	size_t n;
	const char *text = luaL_checklstring(L, 1, &n);
	const char *name = luaL_optstring(L, 2, "=(load)");

	if (n > 0 && text[0] == LUA_SIGNATURE[0])
		return luaL_error(L, "load: precompiled chunks are not allowed");
	if (!lua_isnoneornil(L, 4))
		luaL_checktype(L, 4, LUA_TTABLE);
	if (luaL_loadbufferx(L, text, n, name, "t") != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 2;
	}
	if (!lua_isnoneornil(L, 4))
		lua_pushvalue(L, 4);
	else
		push_caller_env(L, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	if (lua_setupvalue(L, -2, 1) == NULL)
		lua_pop(L, 1);
	return 1;
}

/* Remembers the script line calling a guarded library function, for
 * errors raised where the instruction hook has not run yet. */
static void note_caller(lua_State *L)
{
	struct sandbox *sb = sandbox_of(L);
	lua_Debug ar;

	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0)
		snprintf(sb->where, sizeof sb->where, "%s:%d", ar.short_src, ar.currentline);
}

/* Calls the original library function (upvalue 1) with the same arguments. */
static int call_original(lua_State *L)
{
	note_caller(L); /* a memory error inside has its line */
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* string.rep guard: an empty result of a huge count is made without the
 * C loop that would copy nothing 2^62 times. */
static int guard_rep(lua_State *L)
{
	size_t l, lsep = 0;

	luaL_checklstring(L, 1, &l);
	luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (l + lsep == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	return call_original(L);
}

/* Skips a character class at p (one char, %x, or a [set]); returns the end. */
static const char *skip_class(const char *p, const char *end)
{
	if (*p == '%')
		return p + 2 <= end ? p + 2 : end;
	if (*p == '[') {
		p++;
		if (p < end && *p == '^')
			p++;
		do {
			if (p < end && *p == '%')
				p++;
			if (p < end)
				p++;
		} while (p < end && *p != ']');
		return p < end ? p + 1 : end;
	}
	return p + 1;
}

/* True when nothing but closing captures follows in the pattern (a '$'
 * anchor makes the item backtrack again, so it is not last). */
static bool last_item(const char *p, const char *end)
{
	while (p < end && *p == ')')
		p++;
	return p == end;
}

/* Number of backtracking elements of a pattern (quantifiers, %b, back
 * references): each can multiply the matching time by the subject length.
 * Optional items (x?) are counted apart in *optional: each can double it. */
static int pattern_degree(const char *p, size_t n, int *optional)
{
	const char *end = p + n;
	int q = 0;

	*optional = 0;
	while (p < end) {
		if (p[0] == '%' && p + 1 < end && (p[1] == 'b' || isdigit((unsigned char)p[1]))) {
			q++;
			p += p[1] == 'b' && end - p >= 4 ? 4 : 2;
			continue;
		}
		if (p[0] == '%' && p + 1 < end && p[1] == 'f') {
			p = skip_class(p + 2, end);
			continue;
		}
		if (*p == '(' || *p == ')' || *p == '^' || *p == '$') {
			p++;
			continue;
		}
		p = skip_class(p, end);
		if (p < end && (*p == '*' || *p == '+' || *p == '-' || *p == '?')) {
			if (*p == '?')
				(*optional)++;
			else if (!last_item(p + 1, end))
				q++; /* a last item never backtracks: once expanded, the match is done */
			p++;
		}
	}
	return q;
}

/* Refuses a pattern call whose worst-case matching time, estimated as
 * (subject length + 1) ^ (degree + 1 unless anchored) * 2 ^ optional items,
 * is too long. */
static void check_pattern(lua_State *L, const char *what, bool anchor_counts)
{
	size_t ls, lp;
	const char *p = (luaL_checklstring(L, 1, &ls), luaL_checklstring(L, 2, &lp));
	int optional, degree = pattern_degree(p, lp, &optional);
	double cost = 1;
	int i, factors = degree + (anchor_counts && lp > 0 && p[0] == '^' ? 0 : 1);

	if (degree == 0 && optional == 0)
		return;
	for (i = 0; i < factors && cost <= PATTERN_COST_MAX; i++)
		cost *= (double)ls + 1;
	for (i = 0; i < optional && cost <= PATTERN_COST_MAX; i++)
		cost *= 2;
	if (cost > PATTERN_COST_MAX)
		luaL_error(L, "string.%s: pattern too complex for a subject of %d bytes (%d "
			      "repetition or optional items could backtrack for hours); use a "
			      "simpler pattern or a shorter string",
			   what, (int)ls, degree + optional);
}

/* string.find guard (plain searches pass). */
static int guard_find(lua_State *L)
{
	if (!lua_toboolean(L, 4))
		check_pattern(L, "find", true);
	return call_original(L);
}

/* string.match guard. */
static int guard_match(lua_State *L)
{
	check_pattern(L, "match", true);
	return call_original(L);
}

/* string.gmatch guard. */
static int guard_gmatch(lua_State *L)
{
	check_pattern(L, "gmatch", false);
	return call_original(L);
}

/* string.gsub guard. */
static int guard_gsub(lua_State *L)
{
	check_pattern(L, "gsub", true);
	return call_original(L);
}

/* Refuses a table call that would walk more than TABLE_SPAN_MAX elements. */
static void check_span(lua_State *L, const char *what, lua_Integer first, lua_Integer last)
{
	lua_Unsigned span = (lua_Unsigned)last - (lua_Unsigned)first;

	if (last >= first && span >= (lua_Unsigned)TABLE_SPAN_MAX)
		luaL_error(L, "table.%s: range %I..%I is too long (limit %I elements)", what, first,
			   last, TABLE_SPAN_MAX);
}

/* Charges work a library function does in C (outside the instruction
 * count) to the budget and checks the clock first, so a loop of cheap
 * instructions around costly calls still stops at its limits. */
static void charge_c_work(lua_State *L, lua_Unsigned work)
{
	struct sandbox *sb = sandbox_of(L);

	if (!sb->over_budget && sb->deadline_ms != 0)
		spend(L, sb, (long)work); /* over: fails at the next instruction */
}

/* table.insert / table.remove / table.sort guard: the length (maybe from
 * __len) bounds the C loop; a sort is charged as work. */
static int guard_length(lua_State *L)
{
	const char *what = lua_tostring(L, lua_upvalueindex(2));
	lua_Integer n;

	luaL_checkany(L, 1);
	n = luaL_len(L, 1);
	check_span(L, what, 1, n);
	/* a sort's C loop is charged its length; insert and remove (usually at
	 * the end) only have the clock checked */
	charge_c_work(L, n > 0 && strcmp(what, "sort") == 0 ? (lua_Unsigned)n : 0);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* table.concat guard. */
static int guard_concat(lua_State *L)
{
	lua_Integer i = luaL_optinteger(L, 3, 1);
	lua_Integer j = lua_isnoneornil(L, 4) ? luaL_len(L, 1) : luaL_checkinteger(L, 4);

	check_span(L, "concat", i, j);
	return call_original(L);
}

/* table.move guard. */
static int guard_move(lua_State *L)
{
	check_span(L, "move", luaL_checkinteger(L, 2), luaL_checkinteger(L, 3));
	return call_original(L);
}

/* setmetatable guard: finalizers (__gc) would run outside any call, so
 * they are refused. */
static int guard_setmetatable(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	if (lua_istable(L, 2)) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "setmetatable: __gc metamethods are not allowed in "
					     "obdcon scripts");
		lua_pop(L, 1);
	}
	return call_original(L);
}

/* The message handler given to xpcall, wrapped: once the call is over its
 * limits the script's handler is not run (Lua runs nested handlers with
 * hooks off, so a looping handler could never be stopped). */
static int xpcall_handler(lua_State *L)
{
	if (sandbox_of(L)->over_budget)
		return 1;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* xpcall guard: wraps the message handler. */
static int guard_xpcall(lua_State *L)
{
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, xpcall_handler, 1);
	lua_replace(L, 2);
	return call_original(L);
}

/* Replaces table[field] with a guard closure over the original (and an
 * optional name as second upvalue). */
static void guard(lua_State *L, const char *table, const char *field, lua_CFunction fn,
		  bool named)
{
	if (table)
		lua_getglobal(L, table);
	else
		lua_pushglobaltable(L);
	lua_getfield(L, -1, field);
	if (named)
		lua_pushstring(L, field);
	lua_pushcclosure(L, fn, named ? 2 : 1);
	lua_setfield(L, -2, field);
	lua_pop(L, 1);
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

/* Locks the metatable shared by all strings against getmetatable. */
static void lock_string_metatable(lua_State *L)
{
	lua_pushliteral(L, "");
	if (lua_getmetatable(L, -1)) {
		lua_pushliteral(L, "string");
		lua_setfield(L, -2, "__metatable");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* Wraps the library functions whose C loops the hook cannot interrupt. */
static void sandbox_guards(lua_State *L)
{
	guard(L, LUA_STRLIBNAME, "rep", guard_rep, false);
	guard(L, LUA_STRLIBNAME, "find", guard_find, false);
	guard(L, LUA_STRLIBNAME, "match", guard_match, false);
	guard(L, LUA_STRLIBNAME, "gmatch", guard_gmatch, false);
	guard(L, LUA_STRLIBNAME, "gsub", guard_gsub, false);
	guard(L, LUA_TABLIBNAME, "insert", guard_length, true);
	guard(L, LUA_TABLIBNAME, "remove", guard_length, true);
	guard(L, LUA_TABLIBNAME, "sort", guard_length, true);
	guard(L, LUA_TABLIBNAME, "concat", guard_concat, false);
	guard(L, LUA_TABLIBNAME, "move", guard_move, false);
	guard(L, NULL, "setmetatable", guard_setmetatable, false);
	guard(L, NULL, "xpcall", guard_xpcall, false);
}

/* Loads the allowlisted libraries and stubs for everything else. */
static void sandbox_libraries(lua_State *L)
{
	static const char *const blocked_globals[] = {
		"dofile", "loadfile", "require", "collectgarbage", "print", NULL,
	};
	static const char *const blocked_libs[] = {
		"os", "io", "package", "debug", "coroutine", NULL,
	};
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
	sandbox_guards(L);
	lock_string_metatable(L);
}

/* Opens a sandbox. */
int sandbox_open(struct sandbox *sb, size_t mem_limit, long budget, struct error *e)
{
	memset(sb, 0, sizeof *sb);
	sb->mem_limit = mem_limit ? mem_limit : SANDBOX_DEFAULT_MEMORY;
	sb->call_limit = sb->mem_limit / 4;
	sb->budget = budget > 0 ? budget : SANDBOX_DEFAULT_BUDGET;
	sb->time_limit_ms = SANDBOX_TIME_LIMIT_MS;
	sb->L = lua_newstate(sandbox_alloc, sb);
	if (sb->L == NULL)
		return error_set(e, ERR_NOMEM, "cannot create a Lua state");
	*(struct sandbox **)lua_getextraspace(sb->L) = sb;
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

/* True when msg starts with a "source:line:" position. */
static bool has_position(const char *msg)
{
	const char *p = msg;

	while ((p = strchr(p, ':')) != NULL) {
		const char *q = p + 1;
		if (!isdigit((unsigned char)*q)) {
			if (*q == ' ' || *q == 0)
				return false;
			p = q;
			continue;
		}
		while (isdigit((unsigned char)*q))
			q++;
		return *q == ':';
	}
	return false;
}

/* Pushes "file:line" of the innermost Lua function on the stack, or the
 * last position the hook saw; returns NULL (nothing pushed) without one. */
static const char *push_position(lua_State *L, struct sandbox *sb)
{
	lua_Debug ar;
	int level;

	for (level = 1; lua_getstack(L, level, &ar); level++)
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0)
			return lua_pushfstring(L, "%s:%d", ar.short_src, ar.currentline);
	if (sb->where[0] || sb->origin[0])
		return lua_pushstring(L, sb->where[0] ? sb->where : sb->origin);
	return NULL;
}

/* Describes an error object that is not a string, without running any of
 * its metamethods. */
static const char *describe_error_object(lua_State *L)
{
	if (lua_type(L, 1) == LUA_TTABLE) {
		lua_pushliteral(L, "message");
		if (lua_rawget(L, 1) == LUA_TSTRING)
			return lua_pushfstring(L, "%s (error object is a table)", lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	return lua_pushfstring(L, "error object is a %s value, not a message",
			       luaL_typename(L, 1));
}

/* Message handler: a "file:line: message" string, with a traceback saved
 * in the sandbox for the session log. */
static int message_handler(lua_State *L)
{
	struct sandbox *sb = sandbox_of(L);
	const char *msg = lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER
				  ? lua_tostring(L, 1)
				  : describe_error_object(L);

	if (!has_position(msg) && push_position(L, sb) != NULL)
		msg = lua_pushfstring(L, "%s: %s", lua_tostring(L, -1), msg);
	luaL_traceback(L, L, msg, 1);
	snprintf(sb->traceback, sizeof sb->traceback, "%s", lua_tostring(L, -1));
	lua_pushstring(L, msg);
	return 1;
}

/* Starts the accounting of one call. */
static void call_begin(struct sandbox *sb)
{
	sb->used = 0;
	sb->over_budget = false;
	sb->mem_refused = false;
	sb->where[0] = 0;
	sb->traceback[0] = 0;
	sb->call_base = sb->mem_used;
	sb->deadline_ms = clock_ms() + sb->time_limit_ms;
	sb->in_call = true;
	lua_sethook(sb->L, sandbox_hook, LUA_MASKCOUNT, HOOK_EVERY);
}

/* Ends the accounting of one call and turns a failure into an error. */
static int call_finish(struct sandbox *sb, int rc, struct error *e)
{
	lua_State *L = sb->L;
	const char *msg;

	if (sb->where[0] == 0)
		snprintf(sb->where, sizeof sb->where, "%s", sb->origin[0] ? sb->origin : "?");
	lua_sethook(L, NULL, 0, 0);
	sb->in_call = false;
	sb->origin[0] = 0;
	if (rc == LUA_OK)
		return 0;
	msg = lua_tostring(L, -1);
	if (rc == LUA_ERRMEM || (sb->mem_refused && (rc == LUA_ERRERR || msg == NULL ||
						     strstr(msg, "not enough memory")))) {
		lua_pop(L, 1);
		if (sb->traceback[0] == 0)
			snprintf(sb->traceback, sizeof sb->traceback, "memory limit hit near %s",
				 sb->where);
		return error_set(e, ERR_SCRIPT,
				 "%s: memory limit exceeded (%zu KiB per call, %zu KiB in all)",
				 sb->where, sb->call_limit >> 10,
				 sb->mem_limit >> 10);
	}
	if (rc == LUA_ERRERR) {
		lua_pop(L, 1);
		return error_set(e, ERR_SCRIPT,
				 "%s: error while handling an error (stack overflow in a "
				 "metamethod or message handler)",
				 sb->where);
	}
	return pop_error(L, e);
}

/* Ends a call; a failure's traceback goes to whoever wants it (the session). */
static int call_end(struct sandbox *sb, int rc, struct error *e)
{
	int r = call_finish(sb, rc, e);

	if (r < 0 && sb->on_error)
		sb->on_error(sb->on_error_arg, sb->traceback[0] ? sb->traceback : e->text);
	return r;
}

/* Calls a function under the instruction budget and message handler. */
int sandbox_call(struct sandbox *sb, int nargs, int nresults, struct error *e)
{
	lua_State *L = sb->L;
	int base = lua_gettop(L) - nargs;
	int rc;

	if (sb->in_call) {
		lua_pop(L, nargs + 1);
		return error_set(e, ERR_SCRIPT, "a script call cannot start inside another one");
	}
	if (!lua_checkstack(L, 4)) {
		lua_pop(L, nargs + 1);
		return error_set(e, ERR_NOMEM, "Lua stack exhausted");
	}
	lua_pushcfunction(L, message_handler);
	lua_insert(L, base);
	call_begin(sb);
	rc = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	return call_end(sb, rc, e);
}

/* Runs fn(ud) protected, under the budget and the per-call memory cap. */
int sandbox_run(struct sandbox *sb, lua_CFunction fn, void *ud, struct error *e)
{
	lua_State *L = sb->L;
	int top = lua_gettop(L);
	int rc;

	if (!lua_checkstack(L, 4))
		return error_set(e, ERR_NOMEM, "Lua stack exhausted");
	if (sb->in_call)
		return error_set(e, ERR_SCRIPT, "a script call cannot start inside another one");
	lua_pushcfunction(L, message_handler);
	lua_pushcfunction(L, fn);
	lua_pushlightuserdata(L, ud);
	call_begin(sb);
	rc = lua_pcall(L, 1, 0, top + 1);
	rc = call_end(sb, rc, e);
	lua_settop(L, top);
	return rc;
}

/* Pushes a copy of the table at idx, copying nested tables depth levels
 * deep and keeping metatables. */
static void copy_table(lua_State *L, int idx, int depth)
{
	idx = lua_absindex(L, idx);
	lua_newtable(L);
	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		if (depth > 0 && lua_istable(L, -1) && !lua_rawequal(L, -1, idx)) {
			copy_table(L, -1, depth - 1);
			lua_remove(L, -2);
		}
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -4);
	}
	if (lua_getmetatable(L, idx))
		lua_setmetatable(L, -2);
}

/* Pushes a fresh environment for one script file. */
void sandbox_push_env(lua_State *L)
{
	lua_pushglobaltable(L);
	copy_table(L, -1, 2);
	lua_remove(L, -2);
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "_G");
}
