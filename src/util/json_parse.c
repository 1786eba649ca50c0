/* json_parse.c: a small JSON parser (RFC 8259) building a tree. Recursive
 * descent, bounded by the nesting limit; every failure names its place. */
#include "config.h"
#include "util/json_parse.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#define JSON_DEFAULT_SIZE ((size_t)16 << 20)
#define JSON_DEFAULT_STRING ((size_t)1 << 20)
#define JSON_DEFAULT_NODES ((size_t)1000000)
#define JSON_NUMBER_MAX 64 /* characters of one number */

/* Parser state. */
struct jp {
	const unsigned char *p;
	size_t len, pos;
	struct json_limits lim;
	size_t nodes;
	const char *why; /* first failure, or NULL */
	size_t at;       /* its byte offset */
	bool nomem;
};

static int jp_value(struct jp *j, int depth, struct json_value **out);

/* Records the first failure at byte offset at; returns -1. */
static int jp_fail(struct jp *j, size_t at, const char *why)
{
	if (j->why == NULL) {
		j->why = why;
		j->at = at;
	}
	return -1;
}

/* Records running out of memory; returns -1. */
static int jp_nomem(struct jp *j)
{
	j->nomem = true;
	return jp_fail(j, j->pos, "out of memory");
}

/* Skips JSON whitespace (space, tab, LF, CR). */
static void jp_ws(struct jp *j)
{
	while (j->pos < j->len) {
		unsigned char c = j->p[j->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		j->pos++;
	}
}

/* The byte at the current position, or -1 at the end. */
static int jp_peek(const struct jp *j)
{
	return j->pos < j->len ? j->p[j->pos] : -1;
}

/* Allocates a value of kind t, counting it against the node limit. */
static struct json_value *jp_new(struct jp *j, enum json_type t)
{
	struct json_value *v;

	if (++j->nodes > j->lim.max_nodes) {
		jp_fail(j, j->pos, "too many values");
		return NULL;
	}
	v = calloc(1, sizeof *v);
	if (v == NULL) {
		jp_nomem(j);
		return NULL;
	}
	v->type = t;
	return v;
}

/* Matches a literal word at the current position. */
static int jp_word(struct jp *j, const char *word)
{
	size_t n = strlen(word);

	if (j->len - j->pos < n || memcmp(j->p + j->pos, word, n) != 0)
		return jp_fail(j, j->pos, "invalid literal");
	j->pos += n;
	return 0;
}

/* Parses true, false or null. */
static int jp_literal(struct jp *j, struct json_value **out)
{
	int c = jp_peek(j);
	enum json_type t = c == 'n' ? JSON_NULL : JSON_BOOL;

	if (jp_word(j, c == 't' ? "true" : c == 'f' ? "false" : "null") < 0)
		return -1;
	*out = jp_new(j, t);
	if (*out == NULL)
		return -1;
	(*out)->b = c == 't';
	return 0;
}

/* Length of a valid UTF-8 sequence (RFC 3629: no overlongs, no surrogates)
 * at s with n bytes available, or 0. */
static size_t jp_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xE0)
		lo = 0xA0;
	else if (s[0] == 0xED)
		hi = 0x9F;
	else if (s[0] == 0xF0)
		lo = 0x90;
	else if (s[0] == 0xF4)
		hi = 0x8F;
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return len;
}

/* Reads four hex digits after \u; -1 if they are not there. */
static long jp_hex4(struct jp *j)
{
	long v = 0;
	size_t i;

	if (j->len - j->pos < 4)
		return jp_fail(j, j->pos, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		int c = j->p[j->pos + i];
		int d = (c >= '0' && c <= '9') ? c - '0'
		      : (c >= 'a' && c <= 'f') ? c - 'a' + 10
		      : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;

		if (d < 0)
			return jp_fail(j, j->pos + i, "bad hex digit in \\u escape");
		v = v * 16 + d;
	}
	j->pos += 4;
	return v;
}

/* Appends a code point as UTF-8. */
static int jp_put_utf8(struct buf *b, unsigned long cp)
{
	uint8_t u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xC0 | (cp >> 6));
		u[1] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xE0 | (cp >> 12));
		u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (uint8_t)(0xF0 | (cp >> 18));
		u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return buf_append(b, u, n);
}

/* Decodes \uXXXX (pos just after the 'u'), joining a surrogate pair. */
static int jp_unicode(struct jp *j, struct buf *b)
{
	size_t start = j->pos - 2;
	long hi = jp_hex4(j), lo;

	if (hi < 0)
		return -1;
	if (hi >= 0xDC00 && hi <= 0xDFFF)
		return jp_fail(j, start, "lone low surrogate in \\u escape");
	if (hi >= 0xD800 && hi <= 0xDBFF) {
		if (j->len - j->pos < 2 || j->p[j->pos] != '\\' || j->p[j->pos + 1] != 'u')
			return jp_fail(j, start, "high surrogate without its low half");
		j->pos += 2;
		lo = jp_hex4(j);
		if (lo < 0)
			return -1;
		if (lo < 0xDC00 || lo > 0xDFFF)
			return jp_fail(j, start, "high surrogate without its low half");
		hi = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
	}
	return jp_put_utf8(b, (unsigned long)hi) < 0 ? jp_fail(j, start, "string too long") : 0;
}

/* Decodes one escape sequence (pos at the backslash). */
static int jp_escape(struct jp *j, struct buf *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	int c;

	j->pos++;
	c = jp_peek(j);
	if (c < 0)
		return jp_fail(j, j->pos - 1, "unterminated string");
	j->pos++;
	if (c == 'u')
		return jp_unicode(j, b);
	hit = c ? strchr(from, c) : NULL;
	if (hit == NULL)
		return jp_fail(j, j->pos - 2, "invalid escape");
	if (buf_putc(b, (uint8_t)to[hit - from]) < 0)
		return jp_fail(j, j->pos - 2, "string too long");
	return 0;
}

/* Copies a run of plain (unescaped) string bytes, checking UTF-8. */
static int jp_plain(struct jp *j, struct buf *b)
{
	size_t start = j->pos;

	while (j->pos < j->len) {
		unsigned char c = j->p[j->pos];
		size_t n;

		if (c == '"' || c == '\\')
			break;
		if (c < 0x20)
			return jp_fail(j, j->pos, "control character in string");
		n = jp_utf8_len(j->p + j->pos, j->len - j->pos);
		if (n == 0)
			return jp_fail(j, j->pos, "invalid UTF-8 in string");
		j->pos += n;
	}
	if (buf_append(b, j->p + start, j->pos - start) < 0)
		return jp_fail(j, start, "string too long");
	return 0;
}

/* Parses a string (pos at its opening quote) into a new heap string. */
static int jp_string_raw(struct jp *j, char **out, size_t *len)
{
	struct buf b = { .limit = j->lim.max_string };
	size_t start = j->pos;
	int rc = 0;

	j->pos++;
	while (rc == 0 && jp_peek(j) != '"') {
		if (jp_peek(j) < 0)
			rc = jp_fail(j, start, "unterminated string");
		else if (jp_peek(j) == '\\')
			rc = jp_escape(j, &b);
		else
			rc = jp_plain(j, &b);
	}
	if (rc == 0 && b.data == NULL && buf_append(&b, "", 0) < 0)
		rc = jp_nomem(j);
	if (rc < 0) {
		buf_free(&b);
		return -1;
	}
	j->pos++;
	*out = (char *)b.data;
	*len = b.len;
	return 0;
}

/* Parses a string value. */
static int jp_string(struct jp *j, struct json_value **out)
{
	*out = jp_new(j, JSON_STRING);
	if (*out == NULL)
		return -1;
	return jp_string_raw(j, &(*out)->str, &(*out)->len);
}

/* Skips a run of decimal digits; returns how many. */
static size_t jp_digits(struct jp *j)
{
	size_t n = 0;

	while (j->pos < j->len && j->p[j->pos] >= '0' && j->p[j->pos] <= '9') {
		j->pos++;
		n++;
	}
	return n;
}

/* Checks the number grammar from pos; sets *is_int when it has no
 * fraction or exponent. */
static int jp_number_shape(struct jp *j, bool *is_int)
{
	size_t start = j->pos;

	if (jp_peek(j) == '-')
		j->pos++;
	if (jp_peek(j) == '0')
		j->pos++;
	else if (jp_digits(j) == 0)
		return jp_fail(j, start, "invalid number");
	*is_int = true;
	if (jp_peek(j) == '.') {
		j->pos++;
		*is_int = false;
		if (jp_digits(j) == 0)
			return jp_fail(j, start, "digits expected after the decimal point");
	}
	if (jp_peek(j) == 'e' || jp_peek(j) == 'E') {
		j->pos++;
		*is_int = false;
		if (jp_peek(j) == '+' || jp_peek(j) == '-')
			j->pos++;
		if (jp_digits(j) == 0)
			return jp_fail(j, start, "digits expected in the exponent");
	}
	if (j->pos - start > JSON_NUMBER_MAX)
		return jp_fail(j, start, "number too long");
	return 0;
}

/* Converts an integer token exactly; false when it does not fit. */
static bool jp_to_int(const char *s, long long *out)
{
	bool neg = *s == '-';
	unsigned long long v = 0, max = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;

	for (s += neg; *s; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = neg ? (v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v)
		   : (long long)v;
	return true;
}

/* Converts a token with strtod in the C locale (the decimal point is '.'
 * whatever the program's locale is). */
static int jp_to_double(const char *s, double *out)
{
	locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	locale_t old;

	if (c == (locale_t)0)
		return -1;
	old = uselocale(c);
	*out = strtod(s, NULL);
	uselocale(old);
	freelocale(c);
	return isfinite(*out) ? 0 : -1;
}

/* Parses a number. */
static int jp_number(struct jp *j, struct json_value **out)
{
	char tok[JSON_NUMBER_MAX + 1];
	size_t start = j->pos;
	bool is_int = false;

	if (jp_number_shape(j, &is_int) < 0)
		return -1;
	memcpy(tok, j->p + start, j->pos - start);
	tok[j->pos - start] = 0;
	*out = jp_new(j, JSON_NUMBER);
	if (*out == NULL)
		return -1;
	if (is_int && jp_to_int(tok, &(*out)->i)) {
		(*out)->is_int = true;
		(*out)->num = (double)(*out)->i;
		return 0;
	}
	if (jp_to_double(tok, &(*out)->num) < 0)
		return jp_fail(j, start, "number out of range");
	return 0;
}

/* Expects one byte (after whitespace); fails with why otherwise. */
static int jp_expect(struct jp *j, int c, const char *why)
{
	jp_ws(j);
	if (jp_peek(j) != c)
		return jp_fail(j, j->pos, why);
	j->pos++;
	return 0;
}

/* Appends an item to an array value, doubling its capacity as needed. */
static int jp_push_item(struct jp *j, struct json_value *arr, size_t *cap, struct json_value *v)
{
	if (arr->len == *cap) {
		size_t n = *cap ? 2 * *cap : 4;
		struct json_value **items = realloc(arr->items, n * sizeof *items);

		if (items == NULL)
			return jp_nomem(j);
		arr->items = items;
		*cap = n;
	}
	arr->items[arr->len++] = v;
	return 0;
}

/* Parses an array (pos at '['). */
static int jp_array(struct jp *j, int depth, struct json_value **out)
{
	struct json_value *v;
	size_t cap = 0;

	*out = jp_new(j, JSON_ARRAY);
	if (*out == NULL)
		return -1;
	j->pos++;
	jp_ws(j);
	if (jp_peek(j) == ']') {
		j->pos++;
		return 0;
	}
	for (;;) {
		v = NULL;
		if (jp_value(j, depth + 1, &v) < 0 || jp_push_item(j, *out, &cap, v) < 0) {
			json_value_free(v);
			return -1;
		}
		jp_ws(j);
		if (jp_peek(j) == ']') {
			j->pos++;
			return 0;
		}
		if (jp_expect(j, ',', "',' or ']' expected in array") < 0)
			return -1;
	}
}

/* Orders member pointers by key bytes (for the duplicate check). */
static int jp_key_cmp(const void *a, const void *b)
{
	const struct json_member *x = *(const struct json_member *const *)a;
	const struct json_member *y = *(const struct json_member *const *)b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	return x->key_len < y->key_len ? -1 : x->key_len > y->key_len;
}

/* Refuses an object whose keys repeat (sorting pointers: n log n). */
static int jp_unique_keys(struct jp *j, const struct json_value *obj, size_t at)
{
	const struct json_member **v;
	size_t i;
	int rc = 0;

	if (obj->len < 2)
		return 0;
	v = malloc(obj->len * sizeof *v);
	if (v == NULL)
		return jp_nomem(j);
	for (i = 0; i < obj->len; i++)
		v[i] = &obj->members[i];
	qsort(v, obj->len, sizeof *v, jp_key_cmp);
	for (i = 1; i < obj->len && rc == 0; i++)
		if (jp_key_cmp(&v[i - 1], &v[i]) == 0)
			rc = jp_fail(j, at, "duplicate key in object");
	free(v);
	return rc;
}

/* Appends a member (taking key and value) to an object value. */
static int jp_push_member(struct jp *j, struct json_value *obj, size_t *cap,
			  const struct json_member *m)
{
	if (obj->len == *cap) {
		size_t n = *cap ? 2 * *cap : 4;
		struct json_member *v = realloc(obj->members, n * sizeof *v);

		if (v == NULL)
			return jp_nomem(j);
		obj->members = v;
		*cap = n;
	}
	obj->members[obj->len++] = *m;
	return 0;
}

/* Parses one "key": value pair of an object. */
static int jp_member(struct jp *j, int depth, struct json_value *obj, size_t *cap)
{
	struct json_member m = { 0 };

	jp_ws(j);
	if (jp_peek(j) != '"')
		return jp_fail(j, j->pos, "string key expected in object");
	if (jp_string_raw(j, &m.key, &m.key_len) < 0)
		return -1;
	if (jp_expect(j, ':', "':' expected after key") < 0 ||
	    jp_value(j, depth + 1, &m.value) < 0 || jp_push_member(j, obj, cap, &m) < 0) {
		free(m.key);
		json_value_free(m.value);
		return -1;
	}
	return 0;
}

/* Parses an object (pos at '{'). */
static int jp_object(struct jp *j, int depth, struct json_value **out)
{
	size_t cap = 0, start = j->pos;

	*out = jp_new(j, JSON_OBJECT);
	if (*out == NULL)
		return -1;
	j->pos++;
	jp_ws(j);
	if (jp_peek(j) == '}') {
		j->pos++;
		return 0;
	}
	for (;;) {
		if (jp_member(j, depth, *out, &cap) < 0)
			return -1;
		jp_ws(j);
		if (jp_peek(j) == '}') {
			j->pos++;
			return jp_unique_keys(j, *out, start);
		}
		if (jp_expect(j, ',', "',' or '}' expected in object") < 0)
			return -1;
	}
}

/* Parses any value at the current position (after whitespace). On failure
 * *out may hold a partial tree for the caller to free. */
static int jp_value(struct jp *j, int depth, struct json_value **out)
{
	int c;

	*out = NULL;
	jp_ws(j);
	c = jp_peek(j);
	if (c == '{' || c == '[') {
		if (depth >= j->lim.max_depth)
			return jp_fail(j, j->pos, "nesting too deep");
		return c == '{' ? jp_object(j, depth, out) : jp_array(j, depth, out);
	}
	if (c == '"')
		return jp_string(j, out);
	if (c == '-' || (c >= '0' && c <= '9'))
		return jp_number(j, out);
	if (c == 't' || c == 'f' || c == 'n')
		return jp_literal(j, out);
	return jp_fail(j, j->pos, c < 0 ? "unexpected end of input" : "unexpected character");
}

/* Fills defaults into a copy of the caller's limits. */
static void jp_limits(struct json_limits *out, const struct json_limits *in)
{
	if (in)
		*out = *in;
	else
		memset(out, 0, sizeof *out);
	if (out->max_size == 0)
		out->max_size = JSON_DEFAULT_SIZE;
	if (out->max_string == 0)
		out->max_string = JSON_DEFAULT_STRING;
	if (out->max_nodes == 0)
		out->max_nodes = JSON_DEFAULT_NODES;
	if (out->max_depth <= 0 || out->max_depth > JSON_PARSE_MAX_DEPTH)
		out->max_depth = JSON_PARSE_MAX_DEPTH;
}

/* Turns the recorded failure into an error with line, column and offset. */
static int jp_report(const struct jp *j, struct error *e)
{
	size_t i, line = 1, col = 1;

	if (j->nomem)
		return error_set(e, ERR_NOMEM, "JSON: out of memory");
	for (i = 0; i < j->at && i < j->len; i++) {
		if (j->p[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	return error_set(e, ERR_FORMAT, "JSON line %zu, column %zu (byte %zu): %s", line, col,
			 j->at, j->why);
}

/* Parses a whole document into a tree. */
int json_parse(const char *text, size_t len, const struct json_limits *lim,
	       struct json_value **out, struct error *e)
{
	struct jp j = { .p = (const unsigned char *)text, .len = len };
	struct json_value *v = NULL;

	*out = NULL;
	jp_limits(&j.lim, lim);
	if (len > j.lim.max_size)
		return error_set(e, ERR_FORMAT, "JSON: %zu bytes, more than the limit of %zu", len,
				 j.lim.max_size);
	if (text == NULL && len > 0)
		return error_set(e, ERR_ARG, "JSON: no text");
	if (jp_value(&j, 0, &v) == 0) {
		jp_ws(&j);
		if (j.pos < j.len)
			jp_fail(&j, j.pos, "unexpected data after the value");
	}
	if (j.why != NULL) {
		json_value_free(v);
		return jp_report(&j, e);
	}
	*out = v;
	return 0;
}

/* Frees a parsed tree. Recursion is bounded by the parser's depth limit. */
void json_value_free(struct json_value *v)
{
	size_t i;

	if (v == NULL)
		return;
	if (v->type == JSON_ARRAY)
		for (i = 0; i < v->len; i++)
			json_value_free(v->items[i]);
	if (v->type == JSON_OBJECT) {
		for (i = 0; i < v->len; i++) {
			free(v->members[i].key);
			json_value_free(v->members[i].value);
		}
	}
	free(v->items);
	free(v->members);
	free(v->str);
	free(v);
}

/* Name of a value kind. */
const char *json_type_name(enum json_type t)
{
	static const char *const names[] = { "null", "boolean", "number",
					     "string", "array", "object" };

	return (size_t)t < sizeof names / sizeof names[0] ? names[t] : "value";
}

/* True if v is of kind t. */
bool json_is(const struct json_value *v, enum json_type t)
{
	return v != NULL && v->type == t;
}

/* Member of an object by key. */
const struct json_value *json_get(const struct json_value *obj, const char *key)
{
	size_t i, n = strlen(key);

	if (!json_is(obj, JSON_OBJECT))
		return NULL;
	for (i = 0; i < obj->len; i++)
		if (obj->members[i].key_len == n && memcmp(obj->members[i].key, key, n) == 0)
			return obj->members[i].value;
	return NULL;
}

/* Item i of an array. */
const struct json_value *json_at(const struct json_value *arr, size_t i)
{
	return json_is(arr, JSON_ARRAY) && i < arr->len ? arr->items[i] : NULL;
}

/* Items of an array or members of an object. */
size_t json_count(const struct json_value *v)
{
	return json_is(v, JSON_ARRAY) || json_is(v, JSON_OBJECT) ? v->len : 0;
}

/* String member of an object. */
const char *json_get_str(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_get(obj, key);

	return json_is(v, JSON_STRING) ? v->str : NULL;
}

/* Integer member of an object. */
int json_get_int(const struct json_value *obj, const char *key, long long *out)
{
	const struct json_value *v = json_get(obj, key);

	if (!json_is(v, JSON_NUMBER) || !v->is_int)
		return -1;
	*out = v->i;
	return 0;
}

/* Boolean member of an object. */
int json_get_bool(const struct json_value *obj, const char *key, bool *out)
{
	const struct json_value *v = json_get(obj, key);

	if (!json_is(v, JSON_BOOL))
		return -1;
	*out = v->b;
	return 0;
}

/* Writes a parsed value back out through the writer. */
void json_write_value(struct json *j, const struct json_value *v)
{
	size_t i;

	switch (v ? v->type : JSON_NULL) {
	case JSON_BOOL:
		json_bool(j, v->b);
		break;
	case JSON_NUMBER:
		if (v->is_int)
			json_int(j, v->i);
		else
			json_num(j, v->num);
		break;
	case JSON_STRING:
		json_strn(j, v->str, v->len);
		break;
	case JSON_ARRAY:
		json_arr_begin(j);
		for (i = 0; i < v->len; i++)
			json_write_value(j, v->items[i]);
		json_arr_end(j);
		break;
	case JSON_OBJECT:
		json_obj_begin(j);
		for (i = 0; i < v->len; i++) {
			json_key(j, v->members[i].key);
			json_write_value(j, v->members[i].value);
		}
		json_obj_end(j);
		break;
	case JSON_NULL:
	default:
		json_null(j);
		break;
	}
}
