/* sandbox.h: the one constructor of sandboxed Lua states, shared by brand
 * scripts and data profiles: a counting allocator with a total cap and a
 * cap on growth per call, an instruction budget per call that pcall cannot
 * swallow, an allowlist of libraries, stubs that name blocked functions,
 * text-only chunk loading, guards on the library functions whose C loops
 * the instruction budget cannot see, and one environment per script file. */
#ifndef OBDCON_SCRIPT_SANDBOX_H
#define OBDCON_SCRIPT_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "util/error.h"

#define SANDBOX_DEFAULT_MEMORY ((size_t)32 << 20)
#define SANDBOX_DEFAULT_BUDGET 20000000L
#define SANDBOX_TIME_LIMIT_MS 3000L
#define SANDBOX_TRACEBACK_MAX 2048

/* A sandboxed interpreter and its accounting. */
struct sandbox {
	lua_State *L;
	size_t mem_used;
	size_t mem_limit;      /* total cap */
	size_t call_limit;     /* growth allowed during one call */
	size_t call_base;      /* memory in use when the running call started */
	bool in_call;
	bool mem_refused;      /* the running call was refused memory */
	long budget;           /* instructions allowed per call */
	long used;             /* instructions used by the running call */
	bool over_budget;      /* the running call hit the instruction limit */
	long time_limit_ms;    /* wall time allowed per call */
	int64_t deadline_ms;   /* when the running call must end (clock_ms) */
	const char *stop;      /* why the running call is being stopped */
	char where[256];       /* last known "file:line" of the running call */
	char origin[256];      /* what the caller runs ("file:line"), used when
				* an error has no better position */
	char traceback[SANDBOX_TRACEBACK_MAX]; /* traceback of the last error */
	/* Told the traceback of every failed call (may be NULL). */
	void (*on_error)(void *arg, const char *traceback);
	void *on_error_arg;
};

/* Opens a sandbox with a total memory cap (bytes) and an instruction
 * budget per call; growth per call is capped at a quarter of the total,
 * wall time per call at SANDBOX_TIME_LIMIT_MS. Every 32 bytes allocated
 * cost one instruction, every refused allocation many, so that cheap
 * instructions doing expensive work in C also run out. */
int sandbox_open(struct sandbox *sb, size_t mem_limit, long budget, struct error *e);
/* Closes the interpreter. */
void sandbox_close(struct sandbox *sb);
/* Loads a text chunk from a file (bytecode refused) and leaves it on the stack. */
int sandbox_load_file(struct sandbox *sb, const char *path, struct error *e);
/* Loads a text chunk from memory; name appears in messages as "name:line:". */
int sandbox_load_string(struct sandbox *sb, const char *name, const char *text, size_t n,
			struct error *e);
/* Calls the function below nargs arguments under the budget; an error
 * becomes -ERR_SCRIPT with "file:line: message" and a traceback kept in
 * sb->traceback. */
int sandbox_call(struct sandbox *sb, int nargs, int nresults, struct error *e);
/* Runs fn(ud) protected, under the budget and the per-call memory cap: the
 * way C code does Lua work that allocates or calls scripts. Errors as for
 * sandbox_call. */
int sandbox_run(struct sandbox *sb, lua_CFunction fn, void *ud, struct error *e);
/* Pushes a fresh environment for one script file: a copy of the globals,
 * with copies of the library tables, so a file cannot change what other
 * files see. Call from inside sandbox_run. */
void sandbox_push_env(lua_State *L);
/* The sandbox that owns a Lua state. */
struct sandbox *sandbox_of(lua_State *L);

#endif
