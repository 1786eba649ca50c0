/* settings.h: the console's configuration file and its list of recent
 * ports. No terminal needed.
 *
 * $XDG_CONFIG_HOME/obdcon/config (default ~/.config/obdcon/config) holds
 * "key = value" lines; blank lines and lines starting with # are ignored,
 * so is " # comment" after a value. Keys:
 *
 *   port = PORT              port to connect to when none is given on the
 *                            command line (device[@BAUD], tcp:HOST:PORT,
 *                            sim:[VEHICLE]); without it the console starts
 *                            on the connect screen
 *   theme = default | mono   colours, or monochrome (bold/reverse only)
 *   mouse = on | off         clicks on the key bar and lists, wheel scrolls
 *   ascii = on | off         ASCII line drawing even in a UTF-8 locale
 *   confirm_default = no | yes
 *                            the answer focused first in questions that do
 *                            not write to a vehicle (leaving while an
 *                            operation runs); a write to a vehicle always
 *                            starts on No
 *
 * Booleans also take yes/no, true/false, 1/0. A bad line is reported as
 * "config:LINE: message" in the log and skipped; it never stops the
 * console. The command line wins over the file (--no-color, --ascii,
 * --no-mouse, --port).
 *
 * $XDG_STATE_HOME/obdcon/recent (default ~/.local/state/obdcon/recent)
 * lists the ports connected to, newest first, one a line, at most 10. */
#ifndef OBDCON_UI_SETTINGS_H
#define OBDCON_UI_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

#define UI_PORT_MAX 256
#define UI_RECENT_MAX 10

/* Colour themes. */
enum ui_theme_kind {
	UI_THEME_DEFAULT,
	UI_THEME_MONO,
};

/* Settings read from the configuration file. */
struct ui_config {
	char port[UI_PORT_MAX];
	enum ui_theme_kind theme;
	bool mouse;
	bool ascii;
	bool confirm_yes;
};

/* Receives one "config:LINE: message" text. */
typedef void (*ui_config_error_fn)(void *arg, const char *text);

/* The settings without a file. */
void ui_config_defaults(struct ui_config *c);
/* Applies the lines of a configuration text; bad lines are reported and
 * skipped. Returns the number of bad lines. */
int ui_config_parse(const char *text, struct ui_config *c, ui_config_error_fn err, void *arg);
/* Reads and applies the file at path; a missing file is no error. Returns
 * the number of problems reported. */
int ui_config_load(const char *path, struct ui_config *c, ui_config_error_fn err, void *arg);
/* Path of the configuration file into out; -1 when it does not fit. */
int ui_config_path(char *out, size_t n);

/* True when a locale codeset (nl_langinfo(CODESET)) is UTF-8. */
bool ui_codeset_is_utf8(const char *codeset);

/* Ports connected to, newest first. */
struct ui_recent {
	char ports[UI_RECENT_MAX][UI_PORT_MAX];
	size_t n;
};

/* Reads a recent list from text, one port a line, skipping blanks and
 * repeats, keeping at most UI_RECENT_MAX. */
void ui_recent_parse(const char *text, struct ui_recent *r);
/* Puts port first, removing an older copy and dropping the oldest past the limit. */
void ui_recent_add(struct ui_recent *r, const char *port);
/* Reads the recent list at path; a missing file gives an empty list. */
int ui_recent_load(const char *path, struct ui_recent *r, struct error *e);
/* Writes the recent list atomically, creating the directory. */
int ui_recent_save(const char *path, const struct ui_recent *r, struct error *e);
/* Path of the recent list into out; -1 when it does not fit. */
int ui_recent_path(char *out, size_t n);

#endif
