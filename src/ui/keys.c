/* keys.c: binding tables, key lookup, and the help and function-key bar
 * generated from them. */
#include "config.h"
#include "ui/keys.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

static const struct ui_binding global_bindings[] = {
	{ KEY_F(1), '?', "F1 ?", "help: the keys of this screen", "F1", "Help", 1, ACT_HELP },
	{ KEY_UP, 'k', "Up k", "previous line", NULL, NULL, 0, ACT_UP },
	{ KEY_DOWN, 'j', "Down j", "next line", NULL, NULL, 0, ACT_DOWN },
	{ KEY_PPAGE, UI_KEY_CTRL('b'), "PgUp ^B", "previous page", NULL, NULL, 0, ACT_PAGE_UP },
	{ KEY_NPAGE, UI_KEY_CTRL('f'), "PgDn ^F", "next page", NULL, NULL, 0, ACT_PAGE_DOWN },
	{ KEY_HOME, 'g', "Home g", "first line", NULL, NULL, 0, ACT_HOME },
	{ KEY_END, 'G', "End G", "last line", NULL, NULL, 0, ACT_END },
	{ '/', KEY_F(3), "/ F3", "search this list as you type (Enter keeps, Esc returns)", "F3",
	  "Search", 30, ACT_SEARCH },
	{ 'n', 0, "n", "next match of the search", NULL, NULL, 0, ACT_SEARCH_NEXT },
	{ 'N', 0, "N", "previous match of the search", NULL, NULL, 0, ACT_SEARCH_PREV },
	{ UI_KEY_CTRL('l'), 0, "^L", "paint the whole screen again", NULL, NULL, 0, ACT_REDRAW },
	{ KEY_F(8), 'L', "F8 L", "log: messages, adapter traffic and a terminal", "F8", "Log", 80,
	  ACT_LOG },
	{ UI_KEY_ESC, 0, "Esc", "go back one screen; stop an operation where that is safe",
	  "Esc", "Back", 90, ACT_BACK },
	{ KEY_F(10), 'q', "F10 q", "quit (the session is packed into an archive)", "F10", "Quit",
	  100, ACT_QUIT },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

static const char *const action_names[ACT_COUNT] = {
	[ACT_NONE] = "none",           [ACT_HELP] = "help",
	[ACT_QUIT] = "quit",           [ACT_BACK] = "back",
	[ACT_UP] = "up",               [ACT_DOWN] = "down",
	[ACT_PAGE_UP] = "page-up",     [ACT_PAGE_DOWN] = "page-down",
	[ACT_HOME] = "home",           [ACT_END] = "end",
	[ACT_SEARCH] = "search",       [ACT_SEARCH_NEXT] = "search-next",
	[ACT_SEARCH_PREV] = "search-prev", [ACT_OPEN] = "open",
	[ACT_TOGGLE] = "toggle",       [ACT_REVIEW] = "review",
	[ACT_APPLY] = "apply",         [ACT_FORGET] = "forget",
	[ACT_CODING] = "coding",       [ACT_REFRESH] = "refresh",
	[ACT_LOG] = "log",             [ACT_TERMINAL] = "terminal",
	[ACT_NEXT_VIEW] = "next-view", [ACT_CONNECT] = "connect",
	[ACT_YES] = "yes",             [ACT_NO] = "no",
	[ACT_SWITCH] = "switch",       [ACT_REDRAW] = "redraw",
	[ACT_FAULTS] = "faults",       [ACT_LIVE] = "live",
	[ACT_FLASH] = "flash",         [ACT_SESSIONS] = "sessions",
	[ACT_CLEAR] = "clear",         [ACT_PAUSE] = "pause",
	[ACT_EXPORT] = "export",       [ACT_IMPORT] = "import",
	[ACT_RESTORE] = "restore",     [ACT_TRANSCRIPT] = "transcript",
	[ACT_COMPLETE] = "complete",   [ACT_EDIT] = "edit",
};

/* The bindings that apply on every screen. */
const struct ui_binding *ui_global_bindings(void)
{
	return global_bindings;
}

/* Maps Enter variants to '\n'. */
int ui_key_normalize(int key)
{
	return key == KEY_ENTER || key == '\r' ? '\n' : key;
}

/* The binding of key in one table, or NULL. */
static const struct ui_binding *find_binding(const struct ui_binding *table, int key)
{
	const struct ui_binding *b;

	key = ui_key_normalize(key);
	if (table == NULL || key == 0)
		return NULL;
	for (b = table; b->keyname; b++)
		if (b->key == key || b->key2 == key)
			return b;
	return NULL;
}

/* Action bound to key in one table. */
enum ui_action ui_binding_action(const struct ui_binding *table, int key)
{
	const struct ui_binding *b = find_binding(table, key);

	return b ? b->action : ACT_NONE;
}

/* The binding for key on a screen: its own table first, then the global one. */
const struct ui_binding *ui_binding_for_key(const struct ui_binding *screen, int key)
{
	const struct ui_binding *b = find_binding(screen, key);

	return b ? b : find_binding(global_bindings, key);
}

/* Action for key on a screen. */
enum ui_action ui_action_for_key(const struct ui_binding *screen, int key)
{
	const struct ui_binding *b = ui_binding_for_key(screen, key);

	return b ? b->action : ACT_NONE;
}

/* Short name of an action. */
const char *ui_action_name(enum ui_action act)
{
	return act >= 0 && act < ACT_COUNT && action_names[act] ? action_names[act] : "?";
}

/* True when the screen table takes over a key. */
static bool taken(const struct ui_binding *screen, int key)
{
	return key != 0 && find_binding(screen, key) != NULL;
}

/* True when the screen table takes over every key of a global binding. */
static bool shadowed(const struct ui_binding *screen, const struct ui_binding *g)
{
	return taken(screen, g->key) && (g->key2 == 0 || taken(screen, g->key2));
}

/* The names of a global binding's keys the screen leaves alone: key names
 * list the first key, then the second ("F10 q"). */
static void free_keynames(const struct ui_binding *screen, const struct ui_binding *g, char *out,
			  size_t n)
{
	size_t first = strcspn(g->keyname, " ");

	if (!taken(screen, g->key2) || g->key2 == 0)
		snprintf(out, n, "%s", taken(screen, g->key) ? g->keyname + first + (g->keyname[first] != 0)
							     : g->keyname);
	else
		snprintf(out, n, "%.*s", (int)first, g->keyname);
}

/* Appends formatted text to out at *used, never past n. */
static void append(char *out, size_t n, size_t *used, const char *name, const char *help)
{
	int w;

	if (*used + 1 >= n)
		return;
	w = snprintf(out + *used, n - *used, "  %-14s %s\n", name, help);
	if (w > 0)
		*used = *used + (size_t)w < n ? *used + (size_t)w : n - 1;
}

/* Help text generated from a screen's bindings and the global ones. */
void ui_help_text(const char *screen_title, const struct ui_binding *screen, char *out, size_t n)
{
	const struct ui_binding *b;
	size_t used = 0;
	int w;

	out[0] = 0;
	if (screen && screen->keyname) {
		w = snprintf(out, n, "Keys on this screen (%s):\n", screen_title);
		used = w > 0 && (size_t)w < n ? (size_t)w : 0;
		for (b = screen; b->keyname; b++)
			append(out, n, &used, b->keyname, b->help);
		append(out, n, &used, "", "");
	}
	w = snprintf(out + used, n - used, "Everywhere:\n");
	used = w > 0 && used + (size_t)w < n ? used + (size_t)w : used;
	for (b = global_bindings; b->keyname; b++) {
		char names[64];
		if (shadowed(screen, b))
			continue;
		free_keynames(screen, b, names, sizeof names);
		append(out, n, &used, names, b->help);
	}
}

/* Adds the bar items of one table to a candidate list, skipping actions
 * already present and keys the screen table takes over. */
static size_t collect(const struct ui_binding *table, const struct ui_binding *screen,
		      unsigned long hide, const struct ui_binding **cand, size_t nc, size_t max)
{
	const struct ui_binding *b;
	size_t i;

	for (b = table; b && b->keyname && nc < max; b++) {
		if (!b->bar_label || (screen && taken(screen, b->key)) ||
		    (hide & UI_ACT_BIT(b->action)))
			continue;
		for (i = 0; i < nc && cand[i]->action != b->action; i++)
			;
		if (i == nc)
			cand[nc++] = b;
	}
	return nc;
}

/* Sorts candidates by bar position (insertion sort keeps table order for ties). */
static void sort_by_pos(const struct ui_binding **cand, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		const struct ui_binding *b = cand[i];
		for (j = i; j > 0 && cand[j - 1]->bar_pos > b->bar_pos; j--)
			cand[j] = cand[j - 1];
		cand[j] = b;
	}
}

/* Columns a bar item takes, its trailing space included. */
static int item_width(const struct ui_binding *b)
{
	return (int)(strlen(b->bar_key) + strlen(b->bar_label)) + 1;
}

/* How long an item stays when the bar is too narrow: 0 for global items
 * that work everywhere anyway, 1 for the screen's own, 2 for Back, 3 for
 * Help and Quit. */
static int keep_rank(const struct ui_binding *b)
{
	const struct ui_binding *g;

	for (g = global_bindings; g->keyname && g != b; g++)
		;
	if (g != b)
		return 1;
	if (b->action == ACT_HELP || b->action == ACT_QUIT)
		return 3;
	return b->action == ACT_BACK ? 2 : 0;
}

/* Leaves out items, lowest rank first and the rightmost of equals, until
 * the rest fits cols; returns how many are left. */
static size_t drop_to_fit(const struct ui_binding **cand, size_t nc, int cols)
{
	int total = 0;
	size_t i, worst;

	for (i = 0; i < nc; i++)
		total += item_width(cand[i]);
	while (nc > 0 && total - 1 > cols) {
		for (worst = 0, i = 1; i < nc; i++)
			if (keep_rank(cand[i]) <= keep_rank(cand[worst]))
				worst = i;
		total -= item_width(cand[worst]);
		memmove(&cand[worst], &cand[worst + 1], (nc - worst - 1) * sizeof *cand);
		nc--;
	}
	return nc;
}

/* Lays out the function-key bar for a width. */
size_t ui_bar_layout(const struct ui_binding *screen, unsigned long hide, int cols,
		     struct ui_bar_item *items, size_t max)
{
	const struct ui_binding *cand[UI_BAR_MAX * 2];
	size_t nc, i, n = 0;
	int x = 0;

	nc = collect(screen, NULL, hide, cand, 0, UI_BAR_MAX * 2);
	nc = collect(global_bindings, screen, hide, cand, nc, UI_BAR_MAX * 2);
	sort_by_pos(cand, nc);
	nc = drop_to_fit(cand, nc, cols);
	for (i = 0; i < nc && n < max; i++) {
		int w = item_width(cand[i]);
		items[n] = (struct ui_bar_item){ x, w, cand[i]->bar_key, cand[i]->bar_label,
						 cand[i]->action };
		x += w;
		n++;
	}
	return n;
}

/* Action of the bar item under column x. */
enum ui_action ui_bar_hit(const struct ui_bar_item *items, size_t n, int x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (x >= items[i].x && x < items[i].x + items[i].width)
			return items[i].action;
	return ACT_NONE;
}
