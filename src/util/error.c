/* error.c: recording and describing errors. */
#include "config.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Records an error and returns -kind. */
int error_set(struct error *e, enum err_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -(int)kind;
	e->kind = kind;
	e->detail = 0;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof e->text, fmt, ap);
	va_end(ap);
	return -(int)kind;
}

/* Prefixes the existing text with more context; keeps the kind. */
int error_wrap(struct error *e, const char *fmt, ...)
{
	char joined[2 * ERR_TEXT_MAX + 2];
	va_list ap;
	int n;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(joined, ERR_TEXT_MAX, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n >= ERR_TEXT_MAX)
		n = ERR_TEXT_MAX - 1;
	joined[n++] = ':';
	joined[n++] = ' ';
	memcpy(joined + n, e->text, strnlen(e->text, ERR_TEXT_MAX - 1) + 1);
	memcpy(e->text, joined, ERR_TEXT_MAX - 1);
	e->text[ERR_TEXT_MAX - 1] = 0;
	return -(int)e->kind;
}

/* Clears an error record. */
void error_clear(struct error *e)
{
	if (e == NULL)
		return;
	e->kind = ERR_NONE;
	e->detail = 0;
	e->text[0] = '\0';
}

/* Short name of an error kind. */
const char *error_kind_name(enum err_kind kind)
{
	static const char *const names[] = {
		[ERR_NONE] = "no error",
		[ERR_ARG] = "bad argument",
		[ERR_FORMAT] = "malformed input",
		[ERR_NOMEM] = "out of memory",
		[ERR_OPEN] = "cannot open",
		[ERR_BUSY] = "busy",
		[ERR_IO] = "I/O error",
		[ERR_EOF] = "link closed",
		[ERR_TIMEOUT] = "timeout",
		[ERR_PROTOCOL] = "protocol error",
		[ERR_ADAPTER] = "adapter error",
		[ERR_NEGATIVE] = "negative response",
		[ERR_UNSUPPORTED] = "unsupported",
		[ERR_VERIFY] = "verification failed",
		[ERR_SCRIPT] = "script error",
		[ERR_REFUSED] = "refused",
		[ERR_CANCELLED] = "cancelled",
		[ERR_NOT_FOUND] = "not found",
	};
	if ((size_t)kind < sizeof names / sizeof names[0] && names[kind])
		return names[kind];
	return "error";
}

/* Exit status for the command line. */
int error_exit_code(const struct error *e)
{
	switch (e->kind) {
	case ERR_NONE:
		return 0;
	case ERR_ARG:
	case ERR_FORMAT:
		return 2;
	case ERR_OPEN:
	case ERR_BUSY:
		return 3;
	default:
		return 1;
	}
}
