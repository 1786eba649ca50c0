/* layout.h: terminal-independent parts of the console: list scrolling and
 * selection, incremental search, one-line text entry, text fitting, dialog
 * wrapping and progress text. Unit-tested without a terminal. */
#ifndef OBDCON_UI_LAYOUT_H
#define OBDCON_UI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/keys.h"

/* Scroll and selection state of a list. Rows a screen marks as not
 * selectable (group headers) are skipped by movement. */
struct list_view {
	size_t count;
	size_t selected;
	size_t top;
	int height;
	bool (*selectable)(void *arg, size_t row);
	void *arg;
};

/* Applies a movement action to a list; returns true when it changed. */
bool list_view_move(struct list_view *lv, enum ui_action act);
/* Sets the visible height and keeps the selection in view. */
void list_view_set_height(struct list_view *lv, int height);
/* Sets the number of rows, clamping the selection. */
void list_view_set_count(struct list_view *lv, size_t count);
/* Selects a row (clamped, moved to a selectable one) and scrolls to it. */
void list_view_select(struct list_view *lv, size_t row);
/* Scrolls by lines (mouse wheel) without moving past either end; the
 * selection follows when it would leave the window. */
bool list_view_scroll_by(struct list_view *lv, int lines);

/* Text of a row for searching. */
typedef void (*ui_row_text_fn)(void *arg, size_t row, char *out, size_t n);

/* True when text contains query, ignoring ASCII case (empty matches all). */
bool ui_match(const char *text, const char *query);
/* Index of the first row matching query from start in direction dir (+1 or
 * -1), wrapping around; start itself is tried first when include_start.
 * Returns -1 when nothing matches. */
long ui_search(size_t count, size_t start, int dir, bool include_start, const char *query,
	       ui_row_text_fn text, void *arg);

#define UI_ENTRY_MAX 256

/* A one-line text field. */
struct ui_entry {
	char text[UI_ENTRY_MAX];
	size_t len;
	size_t cur;
};

/* Replaces the text and puts the cursor at its end. */
void ui_entry_set(struct ui_entry *en, const char *text);
/* Applies an editing key (printable, Backspace, Delete, Left, Right, Home,
 * End, ^A, ^E, ^U, ^K, ^W); returns true when the key was an editing key. */
bool ui_entry_key(struct ui_entry *en, int key);
/* True for keys a focused text field takes before the bindings do. */
bool ui_entry_wants(int key);

#define BOX_MAX_LINES 48
#define BOX_LINE_MAX 256

/* A dialog's size and its wrapped lines. */
struct text_box {
	int width, height;
	int nlines;
	bool clipped; /* the body had more lines than fit */
	char lines[BOX_MAX_LINES][BOX_LINE_MAX];
};

/* Wraps body text for a dialog that fits a screen of cols x rows, leaving
 * extra_rows for buttons; long lines wrap at spaces where possible. */
struct text_box layout_box(const char *body, int cols, int rows, int extra_rows);
/* Copies text clipped or padded to exactly width columns (UTF-8 aware). */
void layout_fit(const char *text, size_t width, char *out, size_t n);
/* Fits a list of items separated by ", " into width columns: as many
 * whole items as fit, then " +N" for the N left out ("failed, confirmed
 * +3"); the first item is clipped when even it does not fit. */
void layout_list_fit(const char *list, size_t width, char *out, size_t n);
/* Columns text takes (UTF-8 sequences count one). */
size_t layout_width(const char *text);

/* What an operation reports about its progress; unknown parts are < 0. */
struct ui_progress {
	const char *step;   /* what it is doing now */
	int64_t elapsed_ms;
	long long done;     /* bytes or items done, < 0 when unknown */
	long long total;    /* bytes or items in all, < 0 when unknown */
	bool bytes;         /* done/total count bytes (throughput shown) */
};

/* One line of progress: spinner frame, step, then percentage, amount,
 * throughput and ETA where known, and the time spent once over a second:
 * "/ writing 09 DID 0601 - 45% 12.0/26.5 KiB 1.2 KiB/s ETA 0:12". */
void ui_progress_text(const struct ui_progress *p, const char *spinner, char *out, size_t n);
/* Picks up "N%" or "N/M" in a step text so progress shows where the app
 * reports it in words; returns true when found. */
bool ui_progress_parse(const char *step, long long *done, long long *total);

#endif
