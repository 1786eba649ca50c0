/* hex.c: hexadecimal text to bytes and back. */
#include "config.h"
#include "util/hex.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

/* Value of one hex digit, or -1. */
int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses hex text with optional spaces between bytes. */
long hex_decode(const char *text, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi;

	while (*text) {
		if (*text == ' ' || *text == '\t') {
			text++;
			continue;
		}
		hi = hex_digit((unsigned char)text[0]);
		if (hi < 0 || hex_digit((unsigned char)text[1]) < 0)
			return -1;
		if (n >= cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | hex_digit((unsigned char)text[1]));
		text += 2;
	}
	return (long)n;
}

/* Writes 2n upper-case hex digits plus NUL. */
void hex_encode(const uint8_t *data, size_t n, char *out)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		*out++ = digits[data[i] >> 4];
		*out++ = digits[data[i] & 15];
	}
	*out = 0;
}

/* Writes hex bytes separated by sep. */
void hex_encode_sep(const uint8_t *data, size_t n, char sep, char *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (i)
			*out++ = sep;
		hex_encode(data + i, 1, out);
		out += 2;
	}
}

/* Parses 0x-hex or decimal into out, at most max. */
int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;
	int base = 10;

	if (s == NULL || *s == 0 || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (hex_digit((unsigned char)*s) < 0)
			return -1;
	}
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}
