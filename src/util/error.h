/* error.h: one error record shared by every layer: a kind and a text. */
#ifndef OBDCON_UTIL_ERROR_H
#define OBDCON_UTIL_ERROR_H

#include <stddef.h>

/* What went wrong, in classes the command line maps to exit codes. */
enum err_kind {
	ERR_NONE = 0,
	ERR_ARG,         /* bad usage or argument (exit 2) */
	ERR_FORMAT,      /* malformed input file, script or profile (exit 2) */
	ERR_NOMEM,       /* out of memory or over a size cap */
	ERR_OPEN,        /* could not open or reach the adapter (exit 3) */
	ERR_BUSY,        /* resource held by someone else (exit 3) */
	ERR_IO,          /* read/write error on the link */
	ERR_EOF,         /* link closed by the other end (adapter pulled) */
	ERR_TIMEOUT,     /* no answer before the deadline */
	ERR_PROTOCOL,    /* reply that cannot be understood */
	ERR_ADAPTER,     /* adapter reported a status (CAN ERROR, ...) */
	ERR_NEGATIVE,    /* ECU answered with a negative response */
	ERR_UNSUPPORTED, /* the car or module cannot do what was asked */
	ERR_VERIFY,      /* read-back did not match what was written */
	ERR_SCRIPT,      /* a brand script failed */
	ERR_REFUSED,     /* the user or a safety check said no */
	ERR_CANCELLED,   /* the user cancelled */
	ERR_NOT_FOUND,   /* named thing does not exist */
};

#define ERR_TEXT_MAX 512

/* An error: its kind, a human-readable text, and an optional detail code
 * (an NRC, an adapter status) for callers that branch on it. */
struct error {
	enum err_kind kind;
	int detail;
	char text[ERR_TEXT_MAX];
};

/* Records an error and returns -kind, so failures leave in one line. */
int error_set(struct error *e, enum err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefixes the existing text with more context ("reading F190: ..."). */
int error_wrap(struct error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Clears an error record. */
void error_clear(struct error *e);
/* Short name of an error kind ("timeout", "negative response"). */
const char *error_kind_name(enum err_kind kind);
/* Exit status for the command line: 0, 1 operation failed, 2 usage, 3 no adapter. */
int error_exit_code(const struct error *e);

#endif
