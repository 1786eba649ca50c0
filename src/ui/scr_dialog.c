/* scr_dialog.c: dialogs drawn over the screen below: a yes/no question
 * whose first answer is No, a one-line text question (for a file path with
 * Tab completion), a list of choices, and a message that stays until a
 * key. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/console.h"

#define BUTTON_NO "[ No ]"
#define BUTTON_YES "[ Yes ]"

/* A question and who gets the answer. */
struct ask {
	char title[128];
	char *body;
	bool yes_focused;
	bool answered;
	void (*answer)(struct ui *u, bool yes, void *arg);
	void *arg;
	int buttons_y, no_x, yes_x;
	struct ui_scroll sc;
};

static const struct ui_binding ask_bindings[] = {
	{ 'y', 'Y', "y", "yes: do it", "y", "Yes", 5, ACT_YES },
	{ 'n', 'N', "n", "no: do nothing", "n", "No", 6, ACT_NO },
	{ '\n', ' ', "Enter Space", "choose the highlighted answer (No at first)", "Enter",
	  "Choose", 4, ACT_OPEN },
	{ '\t', KEY_BTAB, "Tab", "move between No and Yes", NULL, NULL, 0, ACT_SWITCH },
	{ KEY_LEFT, KEY_RIGHT, "Left Right", "move between No and Yes", NULL, NULL, 0, ACT_SWITCH },
	{ 'h', 'l', "h l", "move between No and Yes", NULL, NULL, 0, ACT_SWITCH },
	{ UI_KEY_ESC, 'q', "Esc q", "no: close without doing anything", "Esc", "No", 90, ACT_NO },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* Gives the answer once and marks the dialog answered. */
static void give_answer(struct ui *u, struct ask *a, bool yes)
{
	if (a->answered)
		return;
	a->answered = true;
	if (a->answer)
		a->answer(u, yes, a->arg);
}

/* Draws the question with its buttons; the focused one highlighted. */
static void ask_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	struct ask *a = s->data;
	char body[8192];
	struct ui_rect r;
	int x;

	(void)area;
	snprintf(body, sizeof body, "%s", a->body);
	r = ui_draw_dialog_scroll(u, a->title, body, 2, &a->sc);
	a->buttons_y = r.y + r.h - 3;
	x = r.x + r.w / 2 - 9;
	a->no_x = x;
	a->yes_x = x + 10;
	ui_put(u, a->buttons_y, a->no_x, 6, a->yes_focused ? R_NORMAL : R_SELECTED, BUTTON_NO);
	ui_put(u, a->buttons_y, a->yes_x, 7, a->yes_focused ? R_SELECTED : R_NORMAL, BUTTON_YES);
	ui_put(u, r.y + r.h - 2, r.x + 2, r.w - 4, R_DIM,
	       "y yes   n/Esc no   Tab switch   Enter choose");
}

/* Keys of the question. */
static int ask_action(struct ui *u, struct ui_screen *s, enum ui_action act, int key)
{
	struct ask *a = s->data;

	(void)key;
	switch (act) {
	case ACT_YES: give_answer(u, a, true); return UI_HANDLED | UI_POP;
	case ACT_NO: give_answer(u, a, false); return UI_HANDLED | UI_POP;
	case ACT_OPEN: give_answer(u, a, a->yes_focused); return UI_HANDLED | UI_POP;
	case ACT_SWITCH: a->yes_focused = !a->yes_focused; return UI_HANDLED | UI_REDRAW;
	case ACT_UP: case ACT_DOWN: case ACT_PAGE_UP: case ACT_PAGE_DOWN: case ACT_HOME:
	case ACT_END:
		return UI_HANDLED | (ui_scroll_move(&a->sc, act) ? UI_REDRAW : 0);
	case ACT_HELP: case ACT_QUIT: case ACT_LOG: return 0;
	default: return UI_HANDLED; /* nothing else acts while a question is open */
	}
}

/* A click on a button answers. */
static int ask_click(struct ui *u, struct ui_screen *s, int y, int x)
{
	struct ask *a = s->data;

	if (y != a->buttons_y)
		return 0;
	if (x >= a->no_x && x < a->no_x + 6)
		return ask_action(u, s, ACT_NO, 0);
	if (x >= a->yes_x && x < a->yes_x + 7)
		return ask_action(u, s, ACT_YES, 0);
	return 0;
}

/* Closing without an answer means No. */
static void ask_destroy(struct ui_screen *s)
{
	struct ask *a = s->data;

	if (a == NULL)
		return;
	if (s->u)
		give_answer(s->u, a, false);
	free(a->body);
	free(a);
}

const struct ui_screen_ops ui_ask_ops = {
	.name = "Question",
	.bindings = ask_bindings,
	.overlay = true,
	.draw = ask_draw,
	.action = ask_action,
	.click = ask_click,
	.destroy = ask_destroy,
};

/* A yes/no question. */
struct ui_screen *ui_ask_screen(struct ui *u, const char *title, const char *body,
				bool default_yes, void (*answer)(struct ui *u, bool yes, void *arg),
				void *arg)
{
	struct ask *a = calloc(1, sizeof *a);

	if (a == NULL || (a->body = strdup(body)) == NULL) {
		free(a);
		if (answer)
			answer(u, false, arg);
		return NULL;
	}
	snprintf(a->title, sizeof a->title, "%s", title);
	a->yes_focused = default_yes;
	a->answer = answer;
	a->arg = arg;
	return ui_screen_new(u, &ui_ask_ops, a);
}

/* True when s is a question whose answer goes to answer(). */
bool ui_ask_answers_to(const struct ui_screen *s, void (*answer)(struct ui *u, bool yes, void *arg))
{
	return s && s->ops == &ui_ask_ops && ((const struct ask *)s->data)->answer == answer;
}

#define MATCHES_SHOWN 8

/* A one-line text question. */
struct input {
	char title[128];
	char *body;
	struct ui_entry en;
	bool answered;
	struct ui_lines matches; /* path questions: the names Tab left open */
	void (*answer)(struct ui *u, const char *text, void *arg);
	void *arg;
	ui_input_check_fn check; /* refuses text before Enter takes it, or NULL */
	char refused[400];       /* why the last text was refused */
};

static const struct ui_binding input_bindings[] = {
	{ '\n', 0, "Enter", "take the typed value", "Enter", "OK", 2, ACT_OPEN },
	{ UI_KEY_ESC, 0, "Esc", "close without changing anything", "Esc", "Cancel", 90, ACT_NO },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

static const struct ui_binding path_bindings[] = {
	{ '\n', 0, "Enter", "take the typed path", "Enter", "OK", 2, ACT_OPEN },
	{ '\t', 0, "Tab", "complete the file or directory name and list the names that fit", "Tab",
	  "Complete", 5, ACT_COMPLETE },
	{ UI_KEY_ESC, 0, "Esc", "close without changing anything", "Esc", "Cancel", 90, ACT_NO },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* Gives the typed text (or NULL) once. */
static void give_text(struct ui *u, struct input *in, const char *text)
{
	if (in->answered)
		return;
	in->answered = true;
	if (in->answer)
		in->answer(u, text, in->arg);
}

/* The names Tab left open, below the field; returns the rows they take. */
static int matches_rows(const struct input *in)
{
	size_t n = in->matches.n;

	if (n < 2)
		return 0;
	return (int)(n > MATCHES_SHOWN ? MATCHES_SHOWN + 1 : n);
}

/* Draws the names Tab left open from row y. */
static void draw_matches(struct ui *u, const struct input *in, int y, int x, int w)
{
	size_t i;

	for (i = 0; i < in->matches.n && i < MATCHES_SHOWN; i++)
		ui_putf(u, y + (int)i, x, w, R_DIM, "  %s", in->matches.v[i]);
	if (in->matches.n > MATCHES_SHOWN)
		ui_putf(u, y + MATCHES_SHOWN, x, w, R_DIM, "  ... and %zu more",
			in->matches.n - MATCHES_SHOWN);
}

/* Draws the question and its field. */
static void input_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	struct input *in = s->data;
	bool path = s->ops == &ui_path_ops;
	int extra = matches_rows(in);
	int refused = in->refused[0] ? 1 : 0;
	struct ui_rect r;

	(void)area;
	r = ui_draw_dialog(u, in->title, in->body, 2 + extra + refused);
	ui_draw_entry(u, r.y + r.h - 3 - extra - refused, r.x + 2, r.w - 4, "> ", &in->en, true);
	if (refused)
		ui_put(u, r.y + r.h - 3 - extra, r.x + 2, r.w - 4, R_ERROR, in->refused);
	draw_matches(u, in, r.y + r.h - 2 - extra, r.x + 2, r.w - 4);
	ui_put(u, r.y + r.h - 2, r.x + 2, r.w - 4, R_DIM,
	       path ? "Enter takes it   Tab completes   Esc closes" : "Enter takes it   Esc closes");
}

/* Enter: gives the text, or says why it is refused and stays open. */
static int take_text(struct ui *u, struct input *in)
{
	if (in->check && !in->check(u, in->en.text, in->arg, in->refused, sizeof in->refused)) {
		ui_say(u, APP_WARNING, "%s", in->refused);
		return UI_HANDLED | UI_REDRAW;
	}
	give_text(u, in, in->en.text);
	return UI_HANDLED | UI_POP;
}

/* Tab in a path question: completes as far as the names agree. */
static void complete(struct ui *u, struct input *in)
{
	char out[UI_ENTRY_MAX];
	size_t n = ui_complete_path(in->en.text, out, sizeof out, &in->matches);

	if (n == 0)
		ui_say(u, APP_INFO, "no file or directory starts with that");
	else if (n > 1 && strcmp(out, in->en.text) == 0)
		ui_say(u, APP_INFO, "%zu names fit: type more", n);
	ui_entry_set(&in->en, out);
	if (n < 2)
		ui_lines_free(&in->matches);
}

/* The field takes typed keys. */
static struct ui_entry *input_entry(struct ui *u, struct ui_screen *s)
{
	struct input *in = s->data;

	(void)u;
	return &in->en;
}

/* Keys of the question. */
static int input_action(struct ui *u, struct ui_screen *s, enum ui_action act, int key)
{
	struct input *in = s->data;

	(void)key;
	switch (act) {
	case ACT_OPEN: return take_text(u, in);
	case ACT_NO: give_text(u, in, NULL); return UI_HANDLED | UI_POP;
	case ACT_COMPLETE: complete(u, in); return UI_HANDLED | UI_REDRAW;
	case ACT_HELP: case ACT_QUIT: return 0;
	default: return UI_HANDLED;
	}
}

/* Closing without Enter gives NULL. */
static void input_destroy(struct ui_screen *s)
{
	struct input *in = s->data;

	if (in == NULL)
		return;
	if (s->u)
		give_text(s->u, in, NULL);
	ui_lines_free(&in->matches);
	free(in->body);
	free(in);
}

const struct ui_screen_ops ui_input_ops = {
	.name = "Value",
	.bindings = input_bindings,
	.overlay = true,
	.draw = input_draw,
	.action = input_action,
	.entry = input_entry,
	.destroy = input_destroy,
};

const struct ui_screen_ops ui_path_ops = {
	.name = "Path",
	.bindings = path_bindings,
	.overlay = true,
	.draw = input_draw,
	.action = input_action,
	.entry = input_entry,
	.destroy = input_destroy,
};

/* A text question of either kind. */
static struct ui_screen *text_question(struct ui *u, const struct ui_screen_ops *ops,
				       const char *title, const char *body, const char *initial,
				       void (*answer)(struct ui *u, const char *text, void *arg),
				       void *arg)
{
	struct input *in = calloc(1, sizeof *in);

	if (in == NULL || (in->body = strdup(body)) == NULL) {
		free(in);
		if (answer)
			answer(u, NULL, arg);
		return NULL;
	}
	snprintf(in->title, sizeof in->title, "%s", title);
	ui_entry_set(&in->en, initial);
	in->answer = answer;
	in->arg = arg;
	return ui_screen_new(u, ops, in);
}

/* A one-line text question. */
struct ui_screen *ui_input_screen(struct ui *u, const char *title, const char *body,
				  const char *initial,
				  void (*answer)(struct ui *u, const char *text, void *arg), void *arg)
{
	return text_question(u, &ui_input_ops, title, body, initial, answer, arg);
}

/* Gives a one-line question a check of the typed text. */
void ui_input_set_check(struct ui_screen *s, ui_input_check_fn check)
{
	if (s && (s->ops == &ui_input_ops || s->ops == &ui_path_ops))
		((struct input *)s->data)->check = check;
}

/* A one-line question for a file path, with Tab completion. */
struct ui_screen *ui_path_screen(struct ui *u, const char *title, const char *body,
				 const char *initial,
				 void (*answer)(struct ui *u, const char *text, void *arg), void *arg)
{
	return text_question(u, &ui_path_ops, title, body, initial, answer, arg);
}

/* A list of choices and who gets the answer. */
struct choice {
	char title[128];
	char *body;
	struct ui_lines items;
	bool answered;
	void (*choose)(struct ui *u, int index, void *arg);
	void *arg;
};

static const struct ui_binding choice_bindings[] = {
	{ '\n', ' ', "Enter Space", "choose the highlighted answer", "Enter", "Choose", 2,
	  ACT_OPEN },
	{ UI_KEY_ESC, 'q', "Esc q", "close without choosing (cancel)", "Esc", "Cancel", 90,
	  ACT_NO },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* Gives the choice (or -1) once. */
static void give_choice(struct ui *u, struct choice *c, int index)
{
	if (c->answered)
		return;
	c->answered = true;
	if (c->choose)
		c->choose(u, index, c->arg);
}

/* Text of a choice, numbered. */
static void choice_row(struct ui *u, struct ui_screen *s, size_t row, char *out, size_t n)
{
	struct choice *c = s->data;

	(void)u;
	if (row < c->items.n)
		snprintf(out, n, " %zu  %s", row + 1, c->items.v[row]);
}

#define CHOICE_HINT "1-9 or Enter picks, Esc cancels"

/* Draws the question and the choices as a list: the box is laid out with
 * the choices' text in it, so it is as wide as the widest of them. */
static void choice_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	struct choice *c = s->data;
	int rows = (int)c->items.n < LINES - 12 ? (int)c->items.n : LINES - 12, i;
	int body_lines = layout_box(c->body, COLS, LINES - 4, 0).nlines;
	char *text, row[300];
	size_t len = strlen(c->body) + 64;
	struct ui_rect r;

	(void)area;
	for (i = 0; i < rows; i++)
		len += strlen(c->items.v[i]) + 8;
	if ((text = malloc(len)) == NULL)
		return;
	snprintf(text, len, "%s\n", c->body);
	for (i = 0; i < rows; i++) {
		choice_row(u, s, (size_t)i, row, sizeof row);
		snprintf(text + strlen(text), len - strlen(text), "\n%s", row);
	}
	snprintf(text + strlen(text), len - strlen(text), "\n\n%s", CHOICE_HINT);
	r = ui_draw_dialog(u, c->title, text, 0);
	free(text);
	ui_draw_list(u, s, (struct ui_rect){ r.y + 2 + body_lines, r.x + 2, rows, r.w - 4 });
	ui_put(u, r.y + r.h - 3, r.x + 2, r.w - 4, R_DIM, CHOICE_HINT);
}

/* Keys of the choice list: digits pick at once. */
static int choice_action(struct ui *u, struct ui_screen *s, enum ui_action act, int key)
{
	struct choice *c = s->data;

	if (act == ACT_NONE && key >= '1' && key <= '9' && (size_t)(key - '1') < c->items.n) {
		give_choice(u, c, key - '1');
		return UI_HANDLED | UI_POP;
	}
	switch (act) {
	case ACT_OPEN:
		give_choice(u, c, c->items.n ? (int)s->list.selected : -1);
		return UI_HANDLED | UI_POP;
	case ACT_NO: give_choice(u, c, -1); return UI_HANDLED | UI_POP;
	case ACT_UP: case ACT_DOWN: case ACT_HOME: case ACT_END: case ACT_PAGE_UP:
	case ACT_PAGE_DOWN: case ACT_HELP: case ACT_QUIT: case ACT_LOG: case ACT_SEARCH:
	case ACT_SEARCH_NEXT: case ACT_SEARCH_PREV:
		return 0;
	default: return UI_HANDLED;
	}
}

/* Recounts the choices. */
static void choice_refresh(struct ui *u, struct ui_screen *s)
{
	struct choice *c = s->data;

	(void)u;
	list_view_set_count(&s->list, c->items.n);
}

/* Closing without a choice means cancel. */
static void choice_destroy(struct ui_screen *s)
{
	struct choice *c = s->data;

	if (c == NULL)
		return;
	if (s->u)
		give_choice(s->u, c, -1);
	ui_lines_free(&c->items);
	free(c->body);
	free(c);
}

const struct ui_screen_ops ui_choice_ops = {
	.name = "Choice",
	.bindings = choice_bindings,
	.overlay = true,
	.draw = choice_draw,
	.action = choice_action,
	.update = choice_refresh,
	.row_text = choice_row,
	.destroy = choice_destroy,
};

/* A list of choices. */
struct ui_screen *ui_choice_screen(struct ui *u, const char *title, const char *body,
				   const char *const *choices, size_t n,
				   void (*choose)(struct ui *u, int index, void *arg), void *arg)
{
	struct choice *c = calloc(1, sizeof *c);
	size_t i;

	if (c == NULL || (c->body = strdup(body)) == NULL) {
		free(c);
		if (choose)
			choose(u, -1, arg);
		return NULL;
	}
	snprintf(c->title, sizeof c->title, "%s", title);
	for (i = 0; i < n; i++)
		ui_lines_add(&c->items, choices[i]);
	c->choose = choose;
	c->arg = arg;
	return ui_screen_new(u, &ui_choice_ops, c);
}

/* True when s is a choice list whose answer goes to choose(). */
bool ui_choice_answers_to(const struct ui_screen *s,
			  void (*choose)(struct ui *u, int index, void *arg))
{
	return s && s->ops == &ui_choice_ops && ((const struct choice *)s->data)->choose == choose;
}

/* A message box. */
struct tell {
	char title[128];
	char *body;
	struct ui_scroll sc;
};

static const struct ui_binding tell_bindings[] = {
	{ '\n', UI_KEY_ESC, "Enter Esc", "close this message (any other key does too)", "Enter",
	  "Close", 4, ACT_BACK },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* Draws the message. */
static void tell_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	struct tell *t = s->data;
	struct ui_rect r;

	(void)area;
	r = ui_draw_dialog_scroll(u, t->title, t->body, 1, &t->sc);
	ui_put(u, r.y + r.h - 2, r.x + 2, r.w - 4, R_DIM, "(press any key)");
}

/* Any key but help and F10 closes the message; the movement keys scroll
 * a long one instead. */
static int tell_action(struct ui *u, struct ui_screen *s, enum ui_action act, int key)
{
	struct tell *t = s->data;

	(void)u;
	if (act == ACT_HELP || (act == ACT_QUIT && key != 'q'))
		return 0;
	if (t->sc.total > t->sc.visible && ui_scroll_move(&t->sc, act))
		return UI_HANDLED | UI_REDRAW;
	if (t->sc.total > t->sc.visible && (act == ACT_UP || act == ACT_DOWN || act == ACT_PAGE_UP ||
					    act == ACT_PAGE_DOWN || act == ACT_HOME || act == ACT_END))
		return UI_HANDLED; /* at an end already */
	return UI_HANDLED | UI_POP;
}

/* Frees the message. */
static void tell_destroy(struct ui_screen *s)
{
	struct tell *t = s->data;

	if (t)
		free(t->body);
	free(t);
}

const struct ui_screen_ops ui_tell_ops = {
	.name = "Message",
	.bindings = tell_bindings,
	.overlay = true,
	.draw = tell_draw,
	.action = tell_action,
	.destroy = tell_destroy,
};

/* A message that stays until a key is pressed. */
struct ui_screen *ui_tell_screen(struct ui *u, const char *title, const char *body)
{
	struct tell *t = calloc(1, sizeof *t);

	if (t == NULL || (t->body = strdup(body)) == NULL) {
		free(t);
		return NULL;
	}
	snprintf(t->title, sizeof t->title, "%s", title);
	return ui_screen_new(u, &ui_tell_ops, t);
}
