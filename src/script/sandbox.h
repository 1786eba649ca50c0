/* sandbox.h: the one constructor of sandboxed Lua states, shared by brand
 * scripts and data profiles: a counting allocator with a cap, an
 * instruction budget that pcall cannot swallow, an allowlist of libraries,
 * stubs that name blocked functions, and text-only chunk loading. */
#ifndef OBDCON_SCRIPT_SANDBOX_H
#define OBDCON_SCRIPT_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

#include "util/error.h"

#define SANDBOX_DEFAULT_MEMORY ((size_t)32 << 20)
#define SANDBOX_DEFAULT_BUDGET 20000000L

/* A sandboxed interpreter and its accounting. */
struct sandbox {
	lua_State *L;
	size_t mem_used;
	size_t mem_limit;
	long budget;        /* instructions allowed per call */
	long used;          /* instructions used by the running call */
	bool over_budget;   /* the running call hit the instruction limit */
	char traceback[2048]; /* traceback of the last error */
};

/* Opens a sandbox with a memory cap (bytes) and an instruction budget per call. */
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
/* The sandbox that owns a Lua state. */
struct sandbox *sandbox_of(lua_State *L);

#endif
