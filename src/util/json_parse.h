/* json_parse.h: a small JSON parser (RFC 8259) building a tree, with hard
 * limits on input size, nesting, string length and number of values. */
#ifndef OBDCON_UTIL_JSON_PARSE_H
#define OBDCON_UTIL_JSON_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"
#include "util/json.h"

/* Nesting ceiling: deeper documents are refused whatever the limits say. */
#define JSON_PARSE_MAX_DEPTH 64

/* Kinds of values. */
enum json_type {
	JSON_NULL = 0,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_member;

/* One parsed value. Strings are UTF-8 and NUL-terminated, but may hold
 * NUL bytes of their own (from \u0000): len is authoritative. */
struct json_value {
	enum json_type type;
	bool b;                      /* JSON_BOOL */
	bool is_int;                 /* JSON_NUMBER written as an integer that fits i */
	long long i;                 /* JSON_NUMBER, when is_int */
	double num;                  /* JSON_NUMBER */
	char *str;                   /* JSON_STRING */
	size_t len;                  /* bytes of str, items of an array, members of an object */
	struct json_value **items;   /* JSON_ARRAY */
	struct json_member *members; /* JSON_OBJECT, in document order, keys unique */
};

/* One key and its value. */
struct json_member {
	char *key;
	size_t key_len;
	struct json_value *value;
};

/* Hard limits; a zero field takes its default. */
struct json_limits {
	size_t max_size;   /* input bytes (default 16 MiB) */
	size_t max_string; /* decoded bytes of one string or key (default 1 MiB) */
	size_t max_nodes;  /* values in the document (default 1000000) */
	int max_depth;     /* nesting of arrays and objects (default and ceiling 64) */
};

/* Parses a whole document (any value, surrounded by optional whitespace).
 * lim may be NULL for the defaults. On failure *out is NULL and the error
 * (ERR_FORMAT, or ERR_NOMEM) names the line, column and byte offset. */
int json_parse(const char *text, size_t len, const struct json_limits *lim,
	       struct json_value **out, struct error *e);
/* Frees a parsed tree (NULL is fine). */
void json_value_free(struct json_value *v);
/* Name of a value kind ("object", "string"...). */
const char *json_type_name(enum json_type t);
/* True if v is not NULL and of kind t. */
bool json_is(const struct json_value *v, enum json_type t);
/* Member of an object by key, or NULL (also when obj is not an object). */
const struct json_value *json_get(const struct json_value *obj, const char *key);
/* Item i of an array, or NULL. */
const struct json_value *json_at(const struct json_value *arr, size_t i);
/* Items of an array or members of an object; 0 for anything else. */
size_t json_count(const struct json_value *v);
/* String member of an object, or NULL when missing or not a string. */
const char *json_get_str(const struct json_value *obj, const char *key);
/* Integer member of an object; -1 when missing or not an integer. */
int json_get_int(const struct json_value *obj, const char *key, long long *out);
/* Boolean member of an object; -1 when missing or not a boolean. */
int json_get_bool(const struct json_value *obj, const char *key, bool *out);
/* Writes a parsed value back out through the writer. */
void json_write_value(struct json *j, const struct json_value *v);

#endif
