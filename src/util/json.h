/* json.h: a small streaming JSON writer (RFC 8259) into a buffer. */
#ifndef OBDCON_UTIL_JSON_H
#define OBDCON_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define JSON_MAX_DEPTH 32

/* Writer state: where to write and whether a comma is due at each level. */
struct json {
	struct buf *out;
	bool pretty;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
};

/* Starts writing into out; pretty adds newlines and two-space indents. */
void json_init(struct json *j, struct buf *out, bool pretty);
/* Opens an object. */
void json_obj_begin(struct json *j);
/* Closes an object. */
void json_obj_end(struct json *j);
/* Opens an array. */
void json_arr_begin(struct json *j);
/* Closes an array. */
void json_arr_end(struct json *j);
/* Writes an object key; the next value belongs to it. */
void json_key(struct json *j, const char *key);
/* Writes a string value (escaped; invalid UTF-8 bytes become U+FFFD). */
void json_str(struct json *j, const char *s);
/* Writes a string value of given length. */
void json_strn(struct json *j, const char *s, size_t n);
/* Writes an integer value. */
void json_int(struct json *j, long long v);
/* Writes a number value (finite; non-finite becomes null). */
void json_num(struct json *j, double v);
/* Writes true or false. */
void json_bool(struct json *j, bool v);
/* Writes null. */
void json_null(struct json *j);
/* Key plus string value. */
void json_kv_str(struct json *j, const char *key, const char *v);
/* Key plus integer value. */
void json_kv_int(struct json *j, const char *key, long long v);
/* Key plus boolean value. */
void json_kv_bool(struct json *j, const char *key, bool v);

#endif
