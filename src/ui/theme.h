/* theme.h: how things look: colour roles (a colour theme, or bold and
 * reverse video only when the terminal has no colours, NO_COLOR is set,
 * --no-color is given or the theme is mono) and line-drawing glyphs
 * (UTF-8, or ASCII when the locale is not UTF-8 or --ascii is given). */
#ifndef OBDCON_UI_THEME_H
#define OBDCON_UI_THEME_H

#include <curses.h>
#include <stdbool.h>

/* What a piece of text is, for its colour or attribute. */
enum ui_role {
	R_NORMAL = 0,
	R_TITLE,
	R_BAR,
	R_KEY,
	R_SELECTED,
	R_DIM,
	R_ERROR,
	R_WARN,
	R_GOOD,
	R_HEADER,
	R_PENDING,
	R_FRAME,
	R_ENTRY,
	R_ROLE_COUNT
};

/* The characters used to draw lines, boxes and progress. */
struct ui_glyphs {
	const char *hline, *vline, *tl, *tr, *bl, *br;
	const char *sep;      /* between status line fields */
	const char *arrow;    /* old -> new */
	const char *check;    /* a step done */
	const char *cross;    /* a step failed */
	const char *crumb;    /* between screen titles */
	const char *const *spinner;
	int nspinner;
	const char *const *spark; /* sparkline levels, lowest first */
	int nspark;
	const char *bar_full, *bar_empty;  /* progress bar cells */
	const char *const *bar_part;       /* eighths of a cell (none in ASCII) */
	int nbar_part;
};

/* The UTF-8 or ASCII glyph set. */
const struct ui_glyphs *ui_glyphs(bool ascii);
/* True when the console should draw with ASCII only. */
bool ui_want_ascii(const char *codeset, bool ascii_option, bool ascii_config);
/* True when colours should be used. */
bool ui_want_colour(bool terminal_has_colours, const char *no_color_env, bool no_color_option,
		    bool mono_theme);
/* Sets up colour pairs (after initscr); false leaves the console monochrome. */
void ui_theme_start(bool colours);
/* The attribute for a role. */
attr_t ui_attr(bool colours, enum ui_role role);

#endif
