/* json.c: a small streaming JSON writer. */
#include "config.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Starts writing into out. */
void json_init(struct json *j, struct buf *out, bool pretty)
{
	memset(j, 0, sizeof *j);
	j->out = out;
	j->pretty = pretty;
}

/* Writes a newline and indentation in pretty mode. */
static void json_newline(struct json *j)
{
	int i;

	if (!j->pretty)
		return;
	buf_putc(j->out, '\n');
	for (i = 0; i < j->depth; i++)
		buf_puts(j->out, "  ");
}

/* Emits the separator due before a value at the current level. */
static void json_before_value(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (j->need_comma[j->depth])
			buf_putc(j->out, ',');
		json_newline(j);
		j->need_comma[j->depth] = true;
	}
}

/* Opens a container with the given bracket. */
static void json_open(struct json *j, char bracket)
{
	json_before_value(j);
	buf_putc(j->out, (uint8_t)bracket);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

/* Closes a container with the given bracket. */
static void json_close(struct json *j, char bracket)
{
	bool had_items = j->need_comma[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (had_items)
		json_newline(j);
	buf_putc(j->out, (uint8_t)bracket);
	if (j->depth == 0 && j->pretty)
		buf_putc(j->out, '\n');
}

/* Opens an object. */
void json_obj_begin(struct json *j)
{
	json_open(j, '{');
}

/* Closes an object. */
void json_obj_end(struct json *j)
{
	json_close(j, '}');
}

/* Opens an array. */
void json_arr_begin(struct json *j)
{
	json_open(j, '[');
}

/* Closes an array. */
void json_arr_end(struct json *j)
{
	json_close(j, ']');
}

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
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
	if (len > n)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return len;
}

/* Writes an escaped string body. */
static void json_escape(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;

	buf_putc(out, '"');
	while (i < n) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			buf_putc(out, '\\');
			buf_putc(out, c);
		} else if (c == '\n') {
			buf_puts(out, "\\n");
		} else if (c == '\r') {
			buf_puts(out, "\\r");
		} else if (c == '\t') {
			buf_puts(out, "\\t");
		} else if (c < 0x20 || c == 0x7F) {
			buf_printf(out, "\\u%04x", c);
		} else if (c >= 0x80) {
			len = utf8_seq_len(p + i, n - i);
			if (len == 0) {
				buf_puts(out, "\\ufffd");
				i++;
				continue;
			}
			buf_append(out, p + i, len);
			i += len;
			continue;
		} else {
			buf_putc(out, c);
		}
		i++;
	}
	buf_putc(out, '"');
}

/* Writes an object key. */
void json_key(struct json *j, const char *key)
{
	json_before_value(j);
	json_escape(j->out, key, strlen(key));
	buf_puts(j->out, j->pretty ? ": " : ":");
	j->after_key = true;
}

/* Writes a string value of given length. */
void json_strn(struct json *j, const char *s, size_t n)
{
	json_before_value(j);
	json_escape(j->out, s, n);
}

/* Writes a string value; NULL becomes null. */
void json_str(struct json *j, const char *s)
{
	if (s == NULL) {
		json_null(j);
		return;
	}
	json_strn(j, s, strlen(s));
}

/* Writes an integer value. */
void json_int(struct json *j, long long v)
{
	json_before_value(j);
	buf_printf(j->out, "%lld", v);
}

/* Writes a number value. */
void json_num(struct json *j, double v)
{
	if (!isfinite(v)) {
		json_null(j);
		return;
	}
	json_before_value(j);
	buf_printf(j->out, "%.10g", v);
}

/* Writes true or false. */
void json_bool(struct json *j, bool v)
{
	json_before_value(j);
	buf_puts(j->out, v ? "true" : "false");
}

/* Writes null. */
void json_null(struct json *j)
{
	json_before_value(j);
	buf_puts(j->out, "null");
}

/* Key plus string value. */
void json_kv_str(struct json *j, const char *key, const char *v)
{
	json_key(j, key);
	json_str(j, v);
}

/* Key plus integer value. */
void json_kv_int(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	json_int(j, v);
}

/* Key plus boolean value. */
void json_kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}
