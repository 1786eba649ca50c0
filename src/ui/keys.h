/* keys.h: what keys mean. Each screen has its own binding table; the
 * global table applies everywhere a screen does not bind the key itself.
 * The function-key bar and the help are generated from these tables, so
 * what the screen shows is what the keys do. No terminal needed. */
#ifndef OBDCON_UI_KEYS_H
#define OBDCON_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#define UI_KEY_ESC 27
#define UI_KEY_CTRL(c) ((c) & 0x1f)

/* Things a key can ask for. */
enum ui_action {
	ACT_NONE = 0,
	ACT_HELP,
	ACT_QUIT,
	ACT_BACK,
	ACT_UP,
	ACT_DOWN,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_HOME,
	ACT_END,
	ACT_SEARCH,
	ACT_SEARCH_NEXT,
	ACT_SEARCH_PREV,
	ACT_OPEN,       /* Enter: open or choose the selected row */
	ACT_TOGGLE,     /* Space: toggle the selected row */
	ACT_REVIEW,     /* review the pending coding changes */
	ACT_APPLY,      /* write the reviewed changes */
	ACT_FORGET,     /* forget the pending changes */
	ACT_CODING,     /* open the coding screen */
	ACT_REFRESH,    /* read again from the vehicle */
	ACT_LOG,        /* open the log */
	ACT_TERMINAL,   /* open the adapter terminal */
	ACT_NEXT_VIEW,  /* next tab of a screen */
	ACT_CONNECT,    /* connect to the chosen port */
	ACT_YES,
	ACT_NO,
	ACT_SWITCH,     /* move the focus between dialog buttons */
	ACT_REDRAW,     /* paint the whole screen again */
	ACT_FAULTS,     /* open the fault codes */
	ACT_LIVE,       /* open the live data */
	ACT_FLASH,      /* open the flash wizard */
	ACT_SESSIONS,   /* open the sessions */
	ACT_CLEAR,      /* clear the fault codes shown */
	ACT_PAUSE,      /* pause or go on */
	ACT_EXPORT,     /* export the selected session */
	ACT_IMPORT,     /* import an archive */
	ACT_RESTORE,    /* write a session's backups back */
	ACT_TRANSCRIPT, /* open a session's adapter transcript */
	ACT_COMPLETE,   /* complete the typed path */
	ACT_EDIT,       /* edit the selected row's text field */
	ACT_COUNT
};

/* One key binding: up to two key codes, the names shown in help, its help
 * line and, when it belongs in the function-key bar, the bar's short key
 * name, label and position (lower first). A NULL keyname ends a table. */
struct ui_binding {
	int key;
	int key2;
	const char *keyname;
	const char *help;
	const char *bar_key;
	const char *bar_label;
	int bar_pos;
	enum ui_action action;
};

/* The bindings that apply on every screen. */
const struct ui_binding *ui_global_bindings(void);
/* Maps Enter variants to '\n' so tables need list only one. */
int ui_key_normalize(int key);
/* Action bound to key in one table, ACT_NONE when unbound. */
enum ui_action ui_binding_action(const struct ui_binding *table, int key);
/* Action for key on a screen: its own table first, then the global one. */
enum ui_action ui_action_for_key(const struct ui_binding *screen, int key);
/* The binding for key in a screen's table or the global one, or NULL. */
const struct ui_binding *ui_binding_for_key(const struct ui_binding *screen, int key);
/* Short name of an action, for tests and messages. */
const char *ui_action_name(enum ui_action act);

/* Help text generated from a screen's bindings and the global ones. */
void ui_help_text(const char *screen_title, const struct ui_binding *screen, char *out,
		  size_t n);

#define UI_BAR_MAX 16

/* One item of the function-key bar as laid out on the bottom line. */
struct ui_bar_item {
	int x;           /* first column */
	int width;       /* columns including the key name and one space */
	const char *key; /* shown highlighted */
	const char *label;
	enum ui_action action;
};

/* The bit of an action in a mask of actions to leave out of the bar. */
#define UI_ACT_BIT(act) (1UL << (act))

/* Lays out the bar from a screen's and the global bindings for a width;
 * items are ordered by bar_pos, a screen binding replaces a global one
 * with the same action or key, and actions in the hide mask are left out
 * (search on a screen without a list, Back on the root). When they do not
 * all fit, items are left out from the right: first the global ones that
 * work everywhere anyway (Search, Log), then the screen's own, then Back
 * (Help and Quit stay longest). Returns the number laid out. */
size_t ui_bar_layout(const struct ui_binding *screen, unsigned long hide, int cols,
		     struct ui_bar_item *items, size_t max);
/* Action of the bar item under column x, ACT_NONE when none. */
enum ui_action ui_bar_hit(const struct ui_bar_item *items, size_t n, int x);

#endif
