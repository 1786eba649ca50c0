/* logbuf.h: what the log screen shows: the messages of this session kept
 * in a bounded ring, and the raw adapter traffic read back from the
 * session's transcript.log. No terminal needed. */
#ifndef OBDCON_UI_LOGBUF_H
#define OBDCON_UI_LOGBUF_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "util/error.h"

/* One message line. */
struct ui_log_line {
	char time[16]; /* "23:12:09" */
	enum app_level level;
	char *text;
};

/* Messages, oldest dropped past max. */
struct ui_log {
	struct ui_log_line *lines;
	size_t cap, first, n;
	unsigned long total; /* lines ever added */
};

/* Prepares an empty log keeping at most max lines. */
int ui_log_init(struct ui_log *l, size_t max);
/* Adds a message; a text of several lines becomes several log lines. */
void ui_log_add(struct ui_log *l, enum app_level level, const char *time, const char *text);
/* Number of lines kept. */
size_t ui_log_count(const struct ui_log *l);
/* Line i, oldest first, or NULL. */
const struct ui_log_line *ui_log_get(const struct ui_log *l, size_t i);
/* Index of the line that was the total-th added, clamped to what is kept. */
size_t ui_log_index_of(const struct ui_log *l, unsigned long total);
/* Frees the lines. */
void ui_log_free(struct ui_log *l);
/* The current local time as "HH:MM:SS". */
void ui_log_now(char *out, size_t n);

/* A list of text lines. */
struct ui_lines {
	char **v;
	size_t n;
};

/* Reads the last lines of a file, at most tail_bytes of it (a partial
 * first line is dropped); a missing file gives no lines. */
int ui_read_tail(const char *path, size_t tail_bytes, struct ui_lines *out, struct error *e);
/* Appends one line (copied). */
int ui_lines_add(struct ui_lines *l, const char *text);
/* Frees the lines. */
void ui_lines_free(struct ui_lines *l);

/* True when a line typed in the terminal pane is a UDS request (hex
 * bytes) that changes a module: a write, a routine, programming, a reset,
 * clearing codes, a security key. */
bool ui_typed_request_changes(const char *line);

/* The protocol the adapter last reported to ATDP in a transcript text
 * ("ISO 15765-4 (CAN 11/500)"); false when there is none. */
bool ui_transcript_protocol(const char *text, char *out, size_t n);
/* A transcript line for the screen: the date dropped from its time stamp
 * ("23:12:09.060 TX ATZ\r"). */
void ui_transcript_line(const char *raw, char *out, size_t n);

#endif
