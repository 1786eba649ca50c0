/* settings.c: the configuration file (key = value lines, errors reported as
 * config:LINE: message and skipped) and the list of recent ports. */
#include "config.h"
#include "ui/settings.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/fsutil.h"

#define CONFIG_LIMIT (64 * 1024)
#define LINE_MAX_LEN 1024

/* The settings without a file. */
void ui_config_defaults(struct ui_config *c)
{
	memset(c, 0, sizeof *c);
	c->theme = UI_THEME_DEFAULT;
	c->mouse = true;
}

/* Reports one problem as "config:LINE: message". */
static void report(ui_config_error_fn err, void *arg, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Reports one problem as "config:LINE: message". */
static void report(ui_config_error_fn err, void *arg, int line, const char *fmt, ...)
{
	char text[512], msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(text, sizeof text, "config:%d: %s", line, msg);
	if (err)
		err(arg, text);
}

/* Parses a boolean word; -1 when it is none. */
static int parse_bool(const char *v)
{
	static const char *const on[] = { "on", "yes", "true", "1", NULL };
	static const char *const off[] = { "off", "no", "false", "0", NULL };
	size_t i;

	for (i = 0; on[i]; i++)
		if (strcasecmp(v, on[i]) == 0)
			return 1;
	for (i = 0; off[i]; i++)
		if (strcasecmp(v, off[i]) == 0)
			return 0;
	return -1;
}

/* Removes leading and trailing white space in place. */
static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = 0;
	return s;
}

/* Sets a boolean key; false when the value is not a boolean. */
static bool set_bool(bool *dst, const char *v)
{
	int b = parse_bool(v);

	if (b < 0)
		return false;
	*dst = b == 1;
	return true;
}

/* Applies one key = value; returns NULL or the problem. */
static const char *apply(struct ui_config *c, const char *key, const char *v, char *why, size_t n)
{
	bool b;

	if (strcmp(key, "port") == 0) {
		if (v[0] == 0 || strlen(v) >= sizeof c->port)
			return "port needs a value (device, tcp:HOST:PORT or sim:)";
		snprintf(c->port, sizeof c->port, "%s", v);
	} else if (strcmp(key, "theme") == 0) {
		if (strcmp(v, "default") != 0 && strcmp(v, "mono") != 0)
			return snprintf(why, n, "theme is default or mono, not '%s'", v), why;
		c->theme = strcmp(v, "mono") == 0 ? UI_THEME_MONO : UI_THEME_DEFAULT;
	} else if (strcmp(key, "mouse") == 0 || strcmp(key, "ascii") == 0 ||
		   strcmp(key, "confirm_default") == 0) {
		if (!set_bool(&b, v))
			return snprintf(why, n, "%s is %s, not '%s'", key,
					key[0] == 'c' ? "yes or no" : "on or off", v), why;
		if (key[0] == 'm')
			c->mouse = b;
		else if (key[0] == 'a')
			c->ascii = b;
		else
			c->confirm_yes = b;
	} else {
		return snprintf(why, n,
				"unknown key '%s' (known: port, theme, mouse, ascii, confirm_default)",
				key), why;
	}
	return NULL;
}

/* Applies one line; false when it was bad (and reported). */
static bool parse_line(struct ui_config *c, char *line, int lineno, ui_config_error_fn err,
		       void *arg)
{
	char why[400], *eq, *hash, *key, *value;
	const char *problem;

	line = trim(line);
	if (line[0] == 0 || line[0] == '#')
		return true;
	hash = strstr(line, " #");
	if (hash == NULL)
		hash = strstr(line, "\t#");
	if (hash)
		*hash = 0;
	eq = strchr(line, '=');
	if (eq == NULL) {
		report(err, arg, lineno, "expected 'key = value', got '%.60s'", line);
		return false;
	}
	*eq = 0;
	key = trim(line);
	value = trim(eq + 1);
	problem = apply(c, key, value, why, sizeof why);
	if (problem)
		report(err, arg, lineno, "%s", problem);
	return problem == NULL;
}

/* Applies the lines of a configuration text. */
int ui_config_parse(const char *text, struct ui_config *c, ui_config_error_fn err, void *arg)
{
	char line[LINE_MAX_LEN];
	int lineno = 0, bad = 0;
	const char *p = text;

	while (*p) {
		size_t len = strcspn(p, "\n");
		lineno++;
		if (len >= sizeof line) {
			report(err, arg, lineno, "line longer than %d bytes", LINE_MAX_LEN - 1);
			bad++;
		} else {
			memcpy(line, p, len);
			line[len] = 0;
			bad += !parse_line(c, line, lineno, err, arg);
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	return bad;
}

/* Reads and applies the configuration file. */
int ui_config_load(const char *path, struct ui_config *c, ui_config_error_fn err, void *arg)
{
	struct buf b = { 0 };
	struct error e;
	char text[600];
	int bad;

	error_clear(&e);
	if (fs_read_file(path, &b, CONFIG_LIMIT, &e) < 0) {
		buf_free(&b);
		if (e.kind == ERR_NOT_FOUND)
			return 0;
		snprintf(text, sizeof text, "config:0: %s", e.text);
		if (err)
			err(arg, text);
		return 1;
	}
	bad = ui_config_parse(buf_str(&b), c, err, arg);
	buf_free(&b);
	return bad;
}

/* Joins an XDG directory with a file name. */
static int xdg_file(int (*dir)(char *, size_t), const char *name, char *out, size_t n)
{
	char d[4096];

	if (dir(d, sizeof d) < 0)
		return -1;
	return fs_join(out, n, d, name);
}

/* Path of the configuration file. */
int ui_config_path(char *out, size_t n)
{
	return xdg_file(fs_xdg_config_dir, "config", out, n);
}

/* True when a locale codeset is UTF-8 ("UTF-8", "utf8"). */
bool ui_codeset_is_utf8(const char *codeset)
{
	return codeset && (strcasecmp(codeset, "UTF-8") == 0 || strcasecmp(codeset, "UTF8") == 0);
}

/* Index of port in the list, or n. */
static size_t recent_find(const struct ui_recent *r, const char *port)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->ports[i], port) == 0)
			break;
	return i;
}

/* Reads a recent list from text. */
void ui_recent_parse(const char *text, struct ui_recent *r)
{
	char line[UI_PORT_MAX];
	const char *p = text;

	r->n = 0;
	while (*p && r->n < UI_RECENT_MAX) {
		size_t len = strcspn(p, "\n");
		if (len > 0 && len < sizeof line) {
			memcpy(line, p, len);
			line[len] = 0;
			if (trim(line)[0] && recent_find(r, trim(line)) == r->n)
				snprintf(r->ports[r->n++], UI_PORT_MAX, "%s", trim(line));
		}
		p += len;
		if (*p == '\n')
			p++;
	}
}

/* Puts port first. */
void ui_recent_add(struct ui_recent *r, const char *port)
{
	size_t at = recent_find(r, port), i;

	if (port[0] == 0 || strlen(port) >= UI_PORT_MAX)
		return;
	if (at == r->n)
		at = r->n < UI_RECENT_MAX ? r->n++ : UI_RECENT_MAX - 1;
	for (i = at; i > 0; i--)
		memcpy(r->ports[i], r->ports[i - 1], UI_PORT_MAX);
	snprintf(r->ports[0], UI_PORT_MAX, "%s", port);
}

/* Reads the recent list at path. */
int ui_recent_load(const char *path, struct ui_recent *r, struct error *e)
{
	struct buf b = { 0 };

	r->n = 0;
	if (fs_read_file(path, &b, CONFIG_LIMIT, e) < 0) {
		buf_free(&b);
		if (e->kind == ERR_NOT_FOUND) {
			error_clear(e);
			return 0;
		}
		return -(int)e->kind;
	}
	ui_recent_parse(buf_str(&b), r);
	buf_free(&b);
	return 0;
}

/* Writes the recent list atomically. */
int ui_recent_save(const char *path, const struct ui_recent *r, struct error *e)
{
	struct buf b = { 0 };
	char dir[4096], *slash;
	size_t i;
	int rc;

	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (fs_mkdir_p(dir, 0700, e) < 0)
			return -(int)e->kind;
	}
	for (i = 0; i < r->n; i++)
		buf_printf(&b, "%s\n", r->ports[i]);
	rc = fs_write_atomic(path, buf_str(&b), b.len, 0600, e);
	buf_free(&b);
	return rc;
}

/* Path of the recent list. */
int ui_recent_path(char *out, size_t n)
{
	return xdg_file(fs_xdg_state_dir, "recent", out, n);
}
