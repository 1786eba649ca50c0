/* script.h: the Lua host for brand scripts: a sandboxed interpreter that
 * loads every scripts/NAME.lua and exposes their declarations (brands,
 * modules, coding features) as plain C data, decodes and encodes feature
 * values in DID records, computes security keys, and checks script files.
 * The only layer that includes Lua. The Lua side is documented in
 * obdcon-scripts(5). */
#ifndef OBDCON_SCRIPT_SCRIPT_H
#define OBDCON_SCRIPT_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define SCRIPT_VALUE_MAX 256  /* longest string value, NUL included */
#define SCRIPT_RECORD_MAX 4095 /* longest DID record a script handles */

/* A brand: which vehicles it matches. */
struct script_brand {
	char *id;
	char *name;
	char *file;      /* script it came from */
	char **wmi;      /* VIN prefixes */
	size_t nwmi;
	bool fallback;   /* matches any vehicle no other brand matches */
	int match_ref;   /* match(vin, ident) refinement, negative: none */
	int line;
};

/* A module declared by a brand script. */
struct script_module {
	char *id;
	char *name;
	size_t brand;    /* index into brands */
	uint32_t tx, rx;
	bool ext;        /* 29-bit identifiers */
	uint8_t write_session;  /* session needed for writing (0x03), 0: none */
	uint8_t security_level; /* seed request level needed for writing, 0: none */
	int key_ref;     /* key(seed) function, negative: none */
	char *file;
	int line;
};

/* Kinds of coding feature. */
enum script_feature_kind {
	FEATURE_BIT = 0, /* one bit: off/on */
	FEATURE_CHOICE,  /* bits under a mask with named values */
	FEATURE_NUMBER,  /* unsigned or signed integer, scaled, with a range */
	FEATURE_STRING,  /* fixed-size text field */
	FEATURE_CUSTOM,  /* decode/encode functions in Lua over whole records */
};

/* What values of a feature look like to users. */
enum script_value_type {
	SCRIPT_VALUE_NUMBER = 0,
	SCRIPT_VALUE_STRING,
};

/* A named value of a choice (or of a custom feature with values). */
struct script_choice {
	uint32_t raw;    /* value as it sits under the mask (not shifted) */
	char *name;
};

/* A coding feature: a value located in a DID of a module. */
struct script_feature {
	char *id;
	char *name;
	char *help;      /* optional longer description, or NULL */
	char *file;
	int line;        /* where it was declared */
	size_t module;   /* index into modules */
	enum script_feature_kind kind;
	enum script_value_type type;
	uint16_t did;    /* the DID (custom: the first of dids) */
	unsigned byte;   /* offset of the field's first byte in the record */
	unsigned bit;    /* FEATURE_BIT: bit 0..7 within that byte */
	unsigned bytes;  /* field width: 1..4 (string: 1..SCRIPT_VALUE_MAX-1) */
	uint32_t mask;   /* bits of the field within its bytes read as an integer */
	unsigned shift;  /* lowest bit of mask */
	bool big_endian;
	bool is_signed;  /* FEATURE_NUMBER: two's complement */
	double scale, offset; /* value = raw * scale + offset */
	bool has_min, has_max;
	double min, max;
	char *unit;      /* "s", "km/h", or NULL */
	char *charset;   /* FEATURE_STRING: "ascii" or "digits" */
	char pad;        /* FEATURE_STRING: ' ' or '\0' */
	struct script_choice *choices;
	size_t nchoices;
	uint16_t *dids;  /* custom: every DID it reads (built-in: NULL, see
			  * script_feature_dids()) */
	size_t ndids;
	int supported_ref, decode_ref, encode_ref; /* Lua references, negative: none */
};

/* A flash procedure declared with brand:flash{}: stored, not run yet. */
#define SCRIPT_FLASH_LIST_MAX 16
#define SCRIPT_FLASH_IDENT_MAX 4

/* Where an image names itself: the module it is for ("part", "hw": must
 * equal the module's identification) or the software it carries ("sw":
 * the module must show it after the flash). */
struct script_flash_ident {
	uint32_t at;      /* offset in the region */
	size_t len;       /* 1..64 bytes; trailing spaces, NUL and 0xFF dropped */
	char field[8];    /* "part", "hw" or "sw" */
};

/* A flash procedure: what it accepts and needs; run(job) does the work. */
struct script_flash {
	char *id;
	char *name;
	size_t brand;
	char *file;
	int line;
	int ref;          /* the declaration table */
	char *module;     /* module id it programs */
	uint32_t address; /* the memory region the image fills */
	uint32_t size;
	char *accept_part[SCRIPT_FLASH_LIST_MAX]; /* module identification accepted */
	char *accept_hw[SCRIPT_FLASH_LIST_MAX];   /* (empty lists: any) */
	char *accept_sw[SCRIPT_FLASH_LIST_MAX];
	size_t npart, nhw, nsw;
	struct script_flash_ident ident[SCRIPT_FLASH_IDENT_MAX]; /* how the image names itself */
	size_t nident;
	double min_volts;    /* battery voltage needed (0: not checked) */
	double volts_wait;   /* seconds a sag may pause the download (default 10) */
	bool engine_off;     /* the engine must stand still (rpm 0) */
	bool readout;        /* the module allows reading its software out */
	uint8_t readout_session;
	uint8_t readout_level; /* 0: no unlock needed for the read-out */
	int readout_key_ref; /* readout.key, or negative: the module's key */
	bool restart_block;  /* resume from the last block (else from the erase) */
	bool has_prepare;
};

/* A checksum a procedure's prepare(img) puts into the image. */
struct script_checksum {
	const char *kind;    /* "crc32", "crc16", "sum16" */
	uint32_t from, length, at;
	bool big_endian;
	uint32_t old_value, new_value;
};

/* The image as prepare(img) sees it (offsets within the region). */
struct script_flash_image_ops {
	size_t (*size)(void *ctx);
	int (*read)(void *ctx, uint32_t off, uint8_t *out, size_t n, struct error *e);
	int (*checksum)(void *ctx, struct script_checksum *c, struct error *e);
};

/* Computes a security key from a seed (the script's function). */
typedef int (*script_key_fn)(void *arg, const uint8_t *seed, size_t n, uint8_t *key, size_t cap,
			     size_t *klen, struct error *e);

/* The steps run(job) may take; the console carries them out. */
struct script_flash_ops {
	int (*session)(void *ctx, uint8_t session, struct error *e);
	int (*unlock)(void *ctx, uint8_t level, script_key_fn key, void *key_arg, struct error *e);
	int (*erase)(void *ctx, uint16_t routine, uint32_t addr, uint32_t size, struct error *e);
	int (*download)(void *ctx, uint32_t addr, uint32_t size, uint8_t format, struct error *e);
	/* expect >= 0: the first status byte must be this, else the step fails */
	int (*routine)(void *ctx, uint16_t id, const uint8_t *record, size_t n, int expect,
		       uint8_t *status, size_t cap, size_t *slen, struct error *e);
	int (*reset)(void *ctx, uint8_t type, struct error *e);
	int (*wait)(void *ctx, int ms, struct error *e);
};

/* Identification of a module, handed to supported() predicates. */
struct script_ecu {
	const char *part;
	const char *sw;
	const char *hw;
};

/* One identification DID value, for script_ident. */
struct script_ident_did {
	uint16_t did;
	const uint8_t *data;
	size_t len;
};

/* Everything the console read to identify a module: the ecu table of
 * supported() and the ident of brand match(). NULL strings become "". */
struct script_ident {
	const char *part;   /* F187 */
	const char *sw;     /* F189 */
	const char *hw;     /* F191 */
	const char *serial; /* F18C */
	const char *system; /* F197 */
	const struct script_ident_did *dids; /* other values, ecu.did(0xF1A0) */
	size_t ndids;
};

/* A feature value: a number (bit 0/1, choice raw value, number) or a string. */
struct script_value {
	enum script_value_type type;
	double num;
	size_t len;
	char str[SCRIPT_VALUE_MAX];
};

/* One DID record: decode reads it, encode rewrites data in place (same length). */
struct script_record {
	uint16_t did;
	uint8_t *data;
	size_t len;
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
size_t script_flash_count(const struct script_host *h);
const struct script_flash *script_flash(const struct script_host *h, size_t i);
/* Index of the feature of a brand with the given id, or -1. */
int script_feature_find(const struct script_host *h, size_t brand, const char *id);

/* Index of the brand whose VIN prefixes match vin (longest prefix wins), or
 * -1. Ignores match() refinements and fallback brands. */
int script_match_vin(const struct script_host *h, const char *vin);
/* Full matching: brands whose VIN prefix matches, longest first, each
 * asked its match(vin, ident) when it has one; then a brand declaring
 * match() without prefixes; then the fallback brand. *brand is -1 when
 * nothing matches. ident may be NULL. A script error in match() skips that
 * brand and is returned (-ERR_SCRIPT) after the search. */
int script_match_vehicle(struct script_host *h, const char *vin, const struct script_ident *ident,
			 int *brand, struct error *e);

/* Asks a feature's supported() predicate. Without a predicate the feature
 * is supported. A script error returns -ERR_SCRIPT and the feature must be
 * treated as unsupported. */
int script_feature_supported(struct script_host *h, size_t feature, const struct script_ecu *ecu,
			     bool *supported, char *reason, size_t n, struct error *e);
/* The same with the full identification (serial, system, other DIDs). */
int script_feature_supported_ident(struct script_host *h, size_t feature,
				   const struct script_ident *ident, bool *supported, char *reason,
				   size_t n, struct error *e);

/* The DIDs a feature reads and writes (one for built-in kinds). */
const uint16_t *script_feature_dids(const struct script_host *h, size_t feature, size_t *n);
/* Decodes a feature's value from the records (every DID of
 * script_feature_dids() must be among them). Errors: -ERR_ARG (a record is
 * missing), -ERR_UNSUPPORTED (a record is too short for the location),
 * -ERR_SCRIPT ("file:line: message" from a custom decode). */
int script_feature_decode(struct script_host *h, size_t feature, const struct script_record *recs,
			  size_t n, struct script_value *out, struct error *e);
/* Encodes v into the records in place. All or nothing: on any error
 * (-ERR_ARG for a value out of range or not allowed, -ERR_UNSUPPORTED,
 * -ERR_SCRIPT) every record is left untouched. */
int script_feature_encode(struct script_host *h, size_t feature, struct script_record *recs,
			  size_t n, const struct script_value *v, struct error *e);
/* Parses what a user typed ("on", "fast", "12.5", "ABC") into a value the
 * feature accepts; -ERR_ARG with the reason and the allowed values. */
int script_value_parse(struct script_host *h, size_t feature, const char *text,
		       struct script_value *out, struct error *e);
/* Formats a value for users ("on", "fast", "12.5 s", "ABC"). */
void script_value_format(const struct script_host *h, size_t feature, const struct script_value *v,
			 char *out, size_t n);
/* Describes the values a feature accepts ("off, on", "0..60 s, steps of 1"). */
void script_feature_describe_values(const struct script_host *h, size_t feature, char *out,
				    size_t n);

/* Computes the security-access key of a module for a seed with its
 * script's key function. level must be the module's security level.
 * -ERR_UNSUPPORTED when the module declares no key; -ERR_SCRIPT on a
 * script error or a key longer than cap. */
int script_module_key(struct script_host *h, size_t module, uint8_t level, const uint8_t *seed,
		      size_t n, uint8_t *key, size_t cap, size_t *klen, struct error *e);

/* Runs a flash procedure's run(job), every step through ops (no time limit:
 * the steps wait on the car). A failed step's own error is returned. */
int script_flash_run(struct script_host *h, size_t fi, const struct script_flash_ops *ops,
		     void *ctx, struct error *e);
/* Runs a procedure's prepare(img) (checksum corrections), if it has one. */
int script_flash_prepare(struct script_host *h, size_t fi, const struct script_flash_image_ops *ops,
			 void *ctx, struct error *e);
/* Index of the flash procedure id of a brand, or -1. */
int script_flash_find(const struct script_host *h, size_t brand, const char *id);
/* The key for a read-out: the procedure's readout.key(seed, level);
 * -ERR_UNSUPPORTED when it has none (the module's key applies then). */
int script_flash_readout_key(struct script_host *h, size_t fi, uint8_t level, const uint8_t *seed,
			     size_t n, uint8_t *key, size_t cap, size_t *klen, struct error *e);

/* Sets where script log() and print() calls go (the session's events),
 * and the traceback of every failed script call, one line at a time. */
void script_set_logger(struct script_host *h, void (*log)(void *arg, const char *line), void *arg);
/* Sets who answers ask(question, choices): returns the index of the
 * chosen answer, or a negative number when the user cancels. Without an
 * asker, ask() fails with a clear error. The asker must not call back into
 * the host. */
void script_set_asker(struct script_host *h,
		      int (*ask)(void *arg, const char *question, const char *const *choices,
				 size_t n),
		      void *arg);
/* Sets the wall time allowed per call into a script (default 3000 ms;
 * 0 restores the default). */
void script_set_time_limit(struct script_host *h, long ms);
/* Traceback of the last script error, for the session log ("" if none). */
const char *script_traceback(const struct script_host *h);

/* A simulated vehicle for script_check: its VIN and the length of each DID
 * of each module (by request CAN id). */
struct script_check_did {
	uint32_t tx;
	uint16_t did;
	size_t len;
};

/* The flash memory of a module of a vehicle, for script_check. */
struct script_check_flash {
	uint32_t tx;                 /* request ID of the module */
	uint32_t addr, size, sector; /* the memory and its erase unit */
	uint16_t erase_routine, check_routine;
	uint32_t part_at, hw_at, sw_at; /* offsets in the memory the module reads
					 * F187, F191, F189 from (UINT32_MAX: none) */
};

struct script_check_vehicle {
	const char *vin;
	size_t n;
	const struct script_check_did *dids;
	size_t nflash;
	const struct script_check_flash *flash;
};

/* Checks script files: syntax, declarations, overlapping bits in one DID,
 * locations outside the DIDs of the given vehicles (for vehicles a brand
 * matches), brands that can match nothing, and flash procedures against
 * the flash memory of those vehicles (region, sectors, erase and check
 * routines, where the image names itself), their steps planned as the
 * console plans them. Each problem is reported as (file, line, message);
 * returns the number of problems. */
int script_check(const char *const *files, size_t n, const struct script_check_vehicle *vehicles,
		 size_t nv, void (*report)(void *arg, const char *file, int line, const char *msg),
		 void *arg);

#endif
