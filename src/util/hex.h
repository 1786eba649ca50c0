/* hex.h: hexadecimal text to bytes and back. */
#ifndef OBDCON_UTIL_HEX_H
#define OBDCON_UTIL_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Value of one hex digit, or -1. */
int hex_digit(int c);
/* Parses hex text (spaces allowed between bytes) into out; returns the byte
 * count, or -1 on a bad digit, an odd digit count, or more than cap bytes. */
long hex_decode(const char *text, uint8_t *out, size_t cap);
/* Writes 2*n hex digits (upper case) plus NUL into out (size >= 2n+1). */
void hex_encode(const uint8_t *data, size_t n, char *out);
/* Like hex_encode with a separator between bytes (size >= 3n). */
void hex_encode_sep(const uint8_t *data, size_t n, char sep, char *out);
/* Parses an unsigned number: 0x-prefixed hex or decimal; -1 if malformed. */
int parse_uint(const char *s, unsigned long max, unsigned long *out);

#endif
