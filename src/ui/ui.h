/* ui.h: the ncurses console. The only layer that includes curses. */
#ifndef OBDCON_UI_UI_H
#define OBDCON_UI_UI_H

#include <stdbool.h>

#include "app/app.h"
#include "util/error.h"

/* Options of the console. */
struct ui_options {
	const char *port;
	bool pack_on_close;
};

/* Runs the console until the user quits: connects, scans, shows modules and
 * coding features. Returns the process exit status. */
int ui_run(const struct ui_options *opt);

#endif
