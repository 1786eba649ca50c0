/* script.h: the Lua host for brand scripts: a sandboxed interpreter that
 * loads every scripts/NAME.lua and exposes their declarations (brands, modules,
 * coding features) as plain C data. The only layer that includes Lua. */
#ifndef OBDCON_SCRIPT_SCRIPT_H
#define OBDCON_SCRIPT_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* A brand: which vehicles it matches. */
struct script_brand {
	char *id;
	char *name;
	char *file;      /* script it came from */
	char **wmi;      /* VIN prefixes */
	size_t nwmi;
};

/* A module declared by a brand script. */
struct script_module {
	char *id;
	char *name;
	size_t brand;    /* index into brands */
	uint32_t tx, rx;
	bool ext;        /* 29-bit identifiers */
};

/* Kinds of coding feature. */
enum script_feature_kind {
	FEATURE_BIT = 0, /* one bit: off/on */
};

/* A coding feature: a value located in a DID of a module. */
struct script_feature {
	char *id;
	char *name;
	char *file;
	int line;        /* where it was declared */
	size_t module;   /* index into modules */
	enum script_feature_kind kind;
	uint16_t did;
	unsigned byte;   /* byte offset within the DID record */
	unsigned bit;    /* bit 0..7 within that byte */
	int supported_ref; /* Lua function reference, or -1 (always supported) */
};

/* Identification of a module, handed to supported() predicates. */
struct script_ecu {
	const char *part;
	const char *sw;
	const char *hw;
};

struct script_host;

/* A fresh sandboxed interpreter with no scripts loaded. */
int script_host_new(struct script_host **out, struct error *e);
/* Frees the interpreter and all declarations. */
void script_host_free(struct script_host *h);
/* Loads one script file. A failure is reported as "file:line: message"
 * and leaves the declarations of other files intact. */
int script_load_file(struct script_host *h, const char *path, struct error *e);
/* Loads every *.lua in the shipped scripts directory and in
 * $XDG_CONFIG_HOME/obdcon/scripts (a user's file of the same name wins).
 * Calls report() for each file that fails; returns the number of failures. */
int script_load_all(struct script_host *h, void (*report)(void *arg, const struct error *e),
		    void *arg);
/* Declarations loaded so far. */
size_t script_brand_count(const struct script_host *h);
const struct script_brand *script_brand(const struct script_host *h, size_t i);
size_t script_module_count(const struct script_host *h);
const struct script_module *script_module(const struct script_host *h, size_t i);
size_t script_feature_count(const struct script_host *h);
const struct script_feature *script_feature(const struct script_host *h, size_t i);
/* Index of the brand whose VIN prefixes match vin, or -1. */
int script_match_vin(const struct script_host *h, const char *vin);
/* Asks a feature's supported() predicate. Without a predicate the feature
 * is supported. A script error returns -ERR_SCRIPT and the feature must be
 * treated as unsupported. */
int script_feature_supported(struct script_host *h, size_t feature, const struct script_ecu *ecu,
			     bool *supported, char *reason, size_t n, struct error *e);
/* Sets where script log() calls go (the session's events). */
void script_set_logger(struct script_host *h, void (*log)(void *arg, const char *line), void *arg);

#endif
