/* theme.c: colour pairs, monochrome attributes and glyph sets. */
#include "config.h"
#include "ui/theme.h"

#include "ui/settings.h"

static const char *const spin_utf8[] = { "\u280b", "\u2819", "\u2839", "\u2838", "\u283c",
					 "\u2834", "\u2826", "\u2827", "\u2807", "\u280f" };
static const char *const spin_ascii[] = { "|", "/", "-", "\\" };
static const char *const spark_utf8[] = { "\u2581", "\u2582", "\u2583", "\u2584",
					  "\u2585", "\u2586", "\u2587", "\u2588" };
static const char *const spark_ascii[] = { "_", ".", "-", "~", "=", "+", "*", "#" };
static const char *const part_utf8[] = { "\u258f", "\u258e", "\u258d", "\u258c",
					 "\u258b", "\u258a", "\u2589" };

static const struct ui_glyphs glyphs_utf8 = {
	"\u2500", "\u2502", "\u250c", "\u2510", "\u2514", "\u2518",
	" \u2502 ", "\u2192", "\u2713", "\u2717", " \u203a ",
	spin_utf8, 10,
	spark_utf8, 8,
	"\u2588", "\u2591", part_utf8, 7,
};

static const struct ui_glyphs glyphs_ascii = {
	"-", "|", "+", "+", "+", "+",
	" | ", "->", "*", "x", " > ",
	spin_ascii, 4,
	spark_ascii, 8,
	"#", "-", NULL, 0,
};

/* Foreground and background of each role in the default theme. */
static const short palette[R_ROLE_COUNT][2] = {
	[R_NORMAL] = { -1, -1 },
	[R_TITLE] = { COLOR_BLACK, COLOR_CYAN },
	[R_BAR] = { COLOR_BLACK, COLOR_CYAN },
	[R_KEY] = { COLOR_WHITE, COLOR_BLACK },
	[R_SELECTED] = { COLOR_BLACK, COLOR_YELLOW },
	[R_DIM] = { COLOR_BLUE, -1 },
	[R_ERROR] = { COLOR_RED, -1 },
	[R_WARN] = { COLOR_YELLOW, -1 },
	[R_GOOD] = { COLOR_GREEN, -1 },
	[R_HEADER] = { COLOR_CYAN, -1 },
	[R_PENDING] = { COLOR_MAGENTA, -1 },
	[R_FRAME] = { COLOR_CYAN, -1 },
	[R_ENTRY] = { COLOR_WHITE, COLOR_BLUE },
};

/* Attributes of each role without colours. */
static const attr_t mono[R_ROLE_COUNT] = {
	[R_NORMAL] = A_NORMAL,   [R_TITLE] = A_REVERSE,   [R_BAR] = A_REVERSE,
	[R_KEY] = A_BOLD,        [R_SELECTED] = A_REVERSE, [R_DIM] = A_DIM,
	[R_ERROR] = A_BOLD,      [R_WARN] = A_BOLD,       [R_GOOD] = A_NORMAL,
	[R_HEADER] = A_BOLD,     [R_PENDING] = A_UNDERLINE, [R_FRAME] = A_NORMAL,
	[R_ENTRY] = A_UNDERLINE,
};

/* The UTF-8 or ASCII glyph set. */
const struct ui_glyphs *ui_glyphs(bool ascii)
{
	return ascii ? &glyphs_ascii : &glyphs_utf8;
}

/* True when the console should draw with ASCII only. */
bool ui_want_ascii(const char *codeset, bool ascii_option, bool ascii_config)
{
	return ascii_option || ascii_config || !ui_codeset_is_utf8(codeset);
}

/* True when colours should be used (NO_COLOR: any non-empty value). */
bool ui_want_colour(bool terminal_has_colours, const char *no_color_env, bool no_color_option,
		    bool mono_theme)
{
	return terminal_has_colours && !(no_color_env && no_color_env[0]) && !no_color_option &&
	       !mono_theme;
}

/* Sets up colour pairs. */
void ui_theme_start(bool colours)
{
	int r;

	if (!colours)
		return;
	start_color();
	use_default_colors();
	for (r = 1; r < R_ROLE_COUNT; r++)
		init_pair((short)r, palette[r][0], palette[r][1]);
}

/* The attribute for a role. */
attr_t ui_attr(bool colours, enum ui_role role)
{
	if (role <= R_NORMAL || role >= R_ROLE_COUNT)
		return A_NORMAL;
	if (!colours)
		return mono[role];
	if (role == R_KEY || role == R_HEADER || role == R_ERROR)
		return COLOR_PAIR(role) | A_BOLD;
	return COLOR_PAIR(role);
}
