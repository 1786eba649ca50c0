/* buf.h: growable byte buffers with a hard cap. */
#ifndef OBDCON_UTIL_BUF_H
#define OBDCON_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* A byte buffer; data is always NUL-terminated for convenience. */
struct buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t limit; /* 0 = default limit (64 MiB) */
};

#define BUF_DEFAULT_LIMIT ((size_t)64 << 20)

/* Makes room for n more bytes; -1 when over the limit or out of memory. */
int buf_reserve(struct buf *b, size_t n);
/* Appends bytes. */
int buf_append(struct buf *b, const void *data, size_t n);
/* Appends one byte. */
int buf_putc(struct buf *b, uint8_t c);
/* Appends a C string. */
int buf_puts(struct buf *b, const char *s);
/* Appends formatted text. */
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends formatted text from a va_list. */
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Removes the first n bytes. */
void buf_consume(struct buf *b, size_t n);
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Frees the memory. */
void buf_free(struct buf *b);
/* Returns the contents as a C string (never NULL). */
const char *buf_str(const struct buf *b);

#endif
