/* script_internal.h: what the files of the script host share: the host
 * structure, the registry keys of declaration handles, and the parts each
 * file provides (api_decl.c, api_helpers.c, feature.c, script.c). */
#ifndef OBDCON_SCRIPT_SCRIPT_INTERNAL_H
#define OBDCON_SCRIPT_SCRIPT_INTERNAL_H

#include <lauxlib.h>
#include <lua.h>

#include "script/sandbox.h"
#include "script/script.h"

#define SCRIPT_MEMORY ((size_t)64 << 20)
#define SCRIPT_BUDGET 10000000L
#define SCRIPT_MAX_DECLS 4096

/* The host: one sandbox, every declaration, and the console's callbacks. */
struct script_host {
	struct sandbox sb;
	struct script_brand *brands;
	size_t nbrands;
	struct script_module *modules;
	size_t nmodules;
	struct script_feature *features;
	size_t nfeatures;
	struct script_flash *flashes;
	size_t nflashes;
	const char *current_file;
	bool pure;        /* running decode/encode/key: ask() refused */
	void (*log)(void *arg, const char *line);
	void *log_arg;
	size_t log_bytes;        /* text logged so far (capped) */
	int (*ask)(void *arg, const char *question, const char *const *choices, size_t n);
	void *ask_arg;
};

/* The host that owns a Lua state. */
struct script_host *script_host_of(lua_State *L);
/* Copies a string, raising a Lua error when out of memory. */
char *script_strdup(lua_State *L, const char *s);
/* Raises "WHAT: unknown field 'x'" for the first field of the table at idx
 * that is in neither known nor more (NULL-ended; more may be NULL), so a
 * misspelt option is never ignored. */
void script_known_fields(lua_State *L, int idx, const char *what, const char *const *known,
			 const char *const *more);
/* Appends " (in WHAT)" to a script error, keeping "file:line:" first;
 * returns -kind. */
int script_error_context(struct error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* api_decl.c: registers brand() and the handle metatables. */
void script_api_decl_open(lua_State *L);
/* api_decl.c: frees declarations beyond the given counts. */
void script_decls_truncate(struct script_host *h, size_t nb, size_t nm, size_t nf, size_t nfl);

/* api_helpers.c: registers log, print, ask and the obd table. */
void script_api_helpers_open(lua_State *L);
/* api_helpers.c: the CRCs, shared with C code and tests through Lua. */
uint32_t script_crc(const uint8_t *p, size_t n, unsigned width, uint32_t poly, uint32_t init,
		    bool refin, bool refout, uint32_t xorout);

/* script.c: pushes the ecu table of supported() (identification values
 * and ecu.did(id)). */
void script_push_ident(lua_State *L, const struct script_ident *ident);

#endif
