/* layout.h: terminal-independent parts of the console: text fitting,
 * list scrolling, pane split, dialog boxes, key bindings. Unit-tested
 * without a terminal. */
#ifndef OBDCON_UI_LAYOUT_H
#define OBDCON_UI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

/* Things a key can ask for. */
enum ui_action {
	ACT_NONE = 0,
	ACT_HELP,
	ACT_QUIT,
	ACT_UP,
	ACT_DOWN,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_HOME,
	ACT_END,
	ACT_SWITCH_PANE,
	ACT_ACTIVATE,
	ACT_REFRESH,
	ACT_BACK,
};

/* One key binding: key code(s), its name in help, its bar label. */
struct binding {
	int key;
	int key2;
	const char *keyname;   /* as shown in help; NULL ends the table */
	const char *help;
	const char *bar_key;   /* as shown in the function-key bar, or NULL */
	const char *bar_label;
	enum ui_action action;
};

/* The binding table (ends with a NULL keyname). */
const struct binding *ui_bindings(void);
/* Action bound to a key code, ACT_NONE when unbound. */
enum ui_action ui_action_for_key(int key);
/* Help text generated from the bindings. */
void ui_help_text(char *out, size_t n);

/* Scroll and selection state of a list. */
struct list_view {
	size_t count;
	size_t selected;
	size_t top;
	int height;
};

/* Applies a movement action to a list; returns true when it changed. */
bool list_view_move(struct list_view *lv, enum ui_action act);
/* Sets the visible height and keeps the selection in view. */
void list_view_set_height(struct list_view *lv, int height);
/* Sets the number of rows, clamping the selection. */
void list_view_set_count(struct list_view *lv, size_t count);

/* Rows given to two stacked panes (each with a one-line header). */
struct pane_split {
	int first_rows;
	int second_rows;
};

/* Splits available rows between two lists: the first gets what it needs up
 * to half, the second the rest. */
struct pane_split layout_split(int rows, size_t first_count, size_t second_count);

#define BOX_MAX_LINES 40
#define BOX_LINE_MAX 256

/* A dialog's size and its wrapped lines. */
struct text_box {
	int width, height;
	int nlines;
	char lines[BOX_MAX_LINES][BOX_LINE_MAX];
};

/* Wraps body text for a dialog that fits a screen of cols x rows. */
struct text_box layout_box(const char *body, int cols, int rows);
/* Copies text clipped or padded to exactly width columns (UTF-8 aware). */
void layout_fit(const char *text, size_t width, char *out, size_t n);

#endif
