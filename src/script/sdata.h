/* sdata.h: plain data trees loaded from Lua data files (profiles). The
 * file runs in the sandbox and returns a table; the tree holds copies, so
 * callers never see Lua. */
#ifndef OBDCON_SCRIPT_SDATA_H
#define OBDCON_SCRIPT_SDATA_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

enum sdata_type { SD_NIL = 0, SD_BOOL, SD_NUM, SD_STR, SD_TABLE };

struct sdata_entry;

/* A value: nil, boolean, number, string (may hold NUL bytes) or table. */
struct sdata {
	enum sdata_type type;
	bool b;
	double num;
	char *str;
	size_t len;                 /* string length, or table entry count */
	struct sdata_entry *items;  /* table entries in key order: 1..n first */
};

struct sdata_entry {
	struct sdata key;
	struct sdata val;
};

/* Runs a Lua data file (text only, sandboxed, with budgets) and converts
 * the table it returns. Errors are "file:line: message". */
int sdata_load_file(const char *path, struct sdata *out, struct error *e);
/* Same for a chunk held in memory; name is used in messages. */
int sdata_load_string(const char *name, const char *text, size_t n, struct sdata *out,
		      struct error *e);
/* Frees a tree loaded by the functions above. */
void sdata_free(struct sdata *d);
/* Field of a table by string key, or NULL. */
const struct sdata *sdata_get(const struct sdata *t, const char *key);
/* Element of a table by integer key (1-based, as in Lua), or NULL. */
const struct sdata *sdata_at(const struct sdata *t, long index);
/* Number of array elements (keys 1..n). */
size_t sdata_array_len(const struct sdata *t);
/* String field or fallback. */
const char *sdata_str(const struct sdata *t, const char *key, const char *fallback);
/* Numeric field or fallback. */
double sdata_num(const struct sdata *t, const char *key, double fallback);
/* Boolean field or fallback. */
bool sdata_bool(const struct sdata *t, const char *key, bool fallback);

#endif
