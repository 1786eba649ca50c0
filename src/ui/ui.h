/* ui.h: the ncurses console. The only layer that includes curses. */
#ifndef OBDCON_UI_UI_H
#define OBDCON_UI_UI_H

#include <stdbool.h>

#include "app/app.h"
#include "util/error.h"

/* Options of the console (zero-initialise, then set what was given). */
struct ui_options {
	const char *port;   /* NULL: the config file's port, else the connect screen */
	bool pack_on_close;
	bool fixed_baud;    /* --baud given: keep the UART rate (no ATBRD/STBR) */
	bool no_color;      /* --no-color: monochrome even on a colour terminal */
	bool ascii;         /* --ascii: ASCII line drawing even in a UTF-8 locale */
	bool no_mouse;      /* --no-mouse: leave the mouse to the terminal */
};

/* Runs the console until the user quits: connects (or lets the user pick
 * a port), scans, and offers every screen. Returns the process exit
 * status: 0, the connection's error status when the user left without
 * ever connecting, or 128 + the signal that ended it. */
int ui_run(const struct ui_options *opt);

#endif
