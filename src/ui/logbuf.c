/* logbuf.c: the message ring and the transcript reader of the log screen. */
#include "config.h"
#include "ui/logbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/hex.h"

/* Prepares an empty log. */
int ui_log_init(struct ui_log *l, size_t max)
{
	memset(l, 0, sizeof *l);
	l->lines = calloc(max ? max : 1, sizeof *l->lines);
	if (l->lines == NULL)
		return -1;
	l->cap = max ? max : 1;
	return 0;
}

/* Adds one line of text, dropping the oldest when full. */
static void add_line(struct ui_log *l, enum app_level level, const char *time, const char *text,
		     size_t len)
{
	struct ui_log_line *ln;
	char *copy = malloc(len + 1);

	if (copy == NULL || l->lines == NULL) {
		free(copy);
		return;
	}
	memcpy(copy, text, len);
	copy[len] = 0;
	if (l->n == l->cap) {
		free(l->lines[l->first].text);
		l->first = (l->first + 1) % l->cap;
		l->n--;
	}
	ln = &l->lines[(l->first + l->n) % l->cap];
	snprintf(ln->time, sizeof ln->time, "%s", time);
	ln->level = level;
	ln->text = copy;
	l->n++;
	l->total++;
}

/* Adds a message, one log line per line of text (empty trailing lines dropped). */
void ui_log_add(struct ui_log *l, enum app_level level, const char *time, const char *text)
{
	const char *p = text;

	do {
		size_t len = strcspn(p, "\n");
		if (len > 0 || (p[len] && p[len + 1]))
			add_line(l, level, time, p, len);
		p += len;
		if (*p == '\n')
			p++;
	} while (*p);
}

/* Number of lines kept. */
size_t ui_log_count(const struct ui_log *l)
{
	return l->n;
}

/* Line i, oldest first. */
const struct ui_log_line *ui_log_get(const struct ui_log *l, size_t i)
{
	return i < l->n ? &l->lines[(l->first + i) % l->cap] : NULL;
}

/* Index of the line that was the total-th added. */
size_t ui_log_index_of(const struct ui_log *l, unsigned long total)
{
	unsigned long dropped = l->total - l->n;

	if (total <= dropped)
		return 0;
	return total - dropped > l->n ? l->n : (size_t)(total - dropped);
}

/* Frees the lines. */
void ui_log_free(struct ui_log *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->lines[(l->first + i) % l->cap].text);
	free(l->lines);
	memset(l, 0, sizeof *l);
}

/* The current local time as "HH:MM:SS". */
void ui_log_now(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(out, n, "%H:%M:%S", &tm) == 0)
		snprintf(out, n, "--:--:--");
}

/* Appends one line (copied). */
int ui_lines_add(struct ui_lines *l, const char *text)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof *v);
	char *copy = strdup(text);

	if (v == NULL || copy == NULL) {
		free(copy);
		if (v)
			l->v = v;
		return -1;
	}
	l->v = v;
	l->v[l->n++] = copy;
	return 0;
}

/* Frees the lines. */
void ui_lines_free(struct ui_lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Splits text into lines appended to out; skips a partial first line when asked. */
static int split_lines(char *text, bool skip_first, struct ui_lines *out)
{
	char *p = text, *nl;

	if (skip_first) {
		nl = strchr(p, '\n');
		p = nl ? nl + 1 : p + strlen(p);
	}
	while (*p) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		if (ui_lines_add(out, p) < 0)
			return -1;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}

/* Reads the last lines of a file. */
int ui_read_tail(const char *path, size_t tail_bytes, struct ui_lines *out, struct error *e)
{
	FILE *f = fopen(path, "rb");
	long size, from;
	size_t got;
	char *text;
	int rc;

	if (f == NULL)
		return errno == ENOENT ? 0 : error_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) < 0) {
		fclose(f);
		return error_set(e, ERR_IO, "%s: cannot seek", path);
	}
	from = (size_t)size > tail_bytes ? size - (long)tail_bytes : 0;
	text = malloc((size_t)(size - from) + 1);
	if (text == NULL || fseek(f, from, SEEK_SET) < 0) {
		free(text);
		fclose(f);
		return error_set(e, ERR_NOMEM, "%s: cannot read", path);
	}
	got = fread(text, 1, (size_t)(size - from), f);
	text[got] = 0;
	fclose(f);
	rc = split_lines(text, from > 0, out);
	free(text);
	return rc < 0 ? error_set(e, ERR_NOMEM, "out of memory") : 0;
}

/* True when a typed line is a UDS request that changes a module. */
bool ui_typed_request_changes(const char *line)
{
	uint8_t req[64];
	long n;

	while (*line == ' ')
		line++;
	if (strncasecmp(line, "AT", 2) == 0 || strncasecmp(line, "ST", 2) == 0)
		return false;
	n = hex_decode(line, req, sizeof req);
	return n > 0 && app_request_changes_module(req, (size_t)n);
}

/* The protocol the adapter last reported to ATDP in a transcript text; the
 * answer may come in several RX lines (a slow link), joined up to its
 * first carriage return. */
bool ui_transcript_protocol(const char *text, char *out, size_t n)
{
	const char *p = text, *hit = NULL, *rx, *end;
	char joined[256];
	size_t used = 0, len;

	while ((p = strstr(p, " TX ATDP\\r")) != NULL)
		hit = p++;
	if (hit == NULL)
		return false;
	joined[0] = 0;
	for (p = strchr(hit, '\n'); p && !strstr(joined, "\\r"); p = *end ? end : NULL) {
		p++;
		end = p + strcspn(p, "\n");
		rx = strstr(p, " RX ");
		if (rx == NULL || rx > end || used + (size_t)(end - rx - 4) >= sizeof joined)
			break; /* the answer ended: the next command, or too long */
		len = (size_t)(end - rx - 4);
		memcpy(joined + used, rx + 4, len);
		used += len;
		joined[used] = 0;
	}
	rx = strncmp(joined, "AUTO, ", 6) == 0 ? joined + 6 : joined;
	end = strstr(rx, "\\r");
	if (end == NULL)
		end = rx + strlen(rx);
	if (end <= rx)
		return false;
	snprintf(out, n, "%.*s", (int)(end - rx), rx);
	return true;
}

/* A transcript line with the date dropped from its time stamp. */
void ui_transcript_line(const char *raw, char *out, size_t n)
{
	const char *t = strchr(raw, 'T'), *z = t ? strchr(t, 'Z') : NULL;

	if (t && z && t - raw == 10 && z - t < 16)
		snprintf(out, n, "%.*s%s", (int)(z - t - 1), t + 1, z + 1);
	else
		snprintf(out, n, "%s", raw);
}
