/* scr_flash.c: the flash wizard, in four pages: pick the procedure (the
 * brand script's, for the connected vehicle or one module), type the image
 * path (Tab completes it), then watch: the app checks the module's
 * identification and the image, corrects checksums, checks the battery,
 * the engine and the adapter, reads the old software out, and asks, the
 * checklist and the point of no return in its question (No by default);
 * the steps and a progress bar with bytes, throughput and ETA follow, and
 * at the end the result: summary, corrections, identification afterwards.
 * Past the confirmation Esc does not cancel, and says why. The wizard
 * also resumes a flash an earlier session left unfinished. */
#include "config.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/console.h"

/* The wizard's pages. */
enum flash_page { PAGE_PICK, PAGE_IMAGE, PAGE_RUN, PAGE_DONE };

/* The wizard's state. */
struct flashw {
	enum flash_page page;
	int module;                      /* -1: the procedures of every module */
	size_t procs[UI_FLASH_MAX];      /* snapshot indices offered */
	size_t nprocs;
	size_t chosen;                   /* snapshot index of the procedure */
	struct ui_entry image;
	struct ui_lines matches;         /* names Tab left open */
	bool resume;
	struct app_flash_pending pending;
	unsigned long since;             /* log lines before the run */
	struct app_progress progress;    /* the last figures seen */
	char progress_step[128];
	bool had_progress;
	struct ui_flash_outcome out;
};

static const struct ui_binding flash_bindings[] = {
	{ '\n', 0, "Enter", "next page: choose the procedure, check and flash the image, close",
	  "Enter", "Next", 2, ACT_OPEN },
	{ '\t', 0, "Tab", "complete the image's file name and list the names that fit", "Tab",
	  "Complete", 5, ACT_COMPLETE },
	{ UI_KEY_ESC, 0, "Esc",
	  "back a page; before the confirmation: stop (nothing written); after it the flash "
	  "cannot be stopped", "Esc", "Back", 90, ACT_BACK },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* The procedure chosen. */
static const struct ui_flash_proc *proc(const struct ui *u, const struct flashw *f)
{
	return f->chosen < u->snap->nflash ? &u->snap->flash[f->chosen] : NULL;
}

/* Collects the procedures offered (those of the module, or all). */
static void flash_refresh(struct ui *u, struct ui_screen *s)
{
	struct flashw *f = s->data;
	size_t i;

	f->nprocs = 0;
	for (i = 0; i < u->snap->nflash; i++)
		if (f->module < 0 || (size_t)f->module >= u->snap->nmodules ||
		    strcmp(u->snap->flash[i].module, u->snap->modules[f->module].id) == 0)
			f->procs[f->nprocs++] = i;
	list_view_set_count(&s->list, f->page == PAGE_PICK ? f->nprocs : 0);
}

/* Text of a procedure row. */
static void flash_row(struct ui *u, struct ui_screen *s, size_t row, char *out, size_t n)
{
	struct flashw *f = s->data;
	const struct ui_flash_proc *p;
	int mi;

	if (row >= f->nprocs)
		return;
	p = &u->snap->flash[f->procs[row]];
	mi = ui_snapshot_module(u->snap, p->module);
	snprintf(out, n, " %-16s %-30s module %s %-22s %7.1f KiB  read-out %s", p->id, p->name,
		 p->module, mi >= 0 ? u->snap->modules[mi].name : "(not found)",
		 p->size / 1024.0, p->readout ? "yes" : "no");
}

/* The module a procedure programs, with its identification; returns rows. */
static int draw_module(struct ui *u, const char *id, struct ui_rect a)
{
	int mi = ui_snapshot_module(u->snap, id);
	const struct app_module *m;

	if (mi < 0) {
		ui_putf(u, a.y, a.x, a.w, R_ERROR, "module %s: not found on this vehicle", id);
		return 1;
	}
	m = &u->snap->modules[mi];
	ui_putf(u, a.y, a.x, a.w, R_NORMAL, "Module     %s %s (%03X -> %03X)%s", m->id, m->name,
		(unsigned)m->tx, (unsigned)m->rx, m->present ? "" : "  NOT ANSWERING");
	ui_putf(u, a.y + 1, a.x, a.w, R_NORMAL, "Now        part %s, software %s, hardware %s",
		m->part[0] ? m->part : "-", m->sw[0] ? m->sw : "-", m->hw[0] ? m->hw : "-");
	return 2;
}

/* Page 1: the procedures. */
static void draw_pick(struct ui *u, struct ui_screen *s, struct flashw *f, struct ui_rect a)
{
	ui_put(u, a.y, a.x, a.w, R_NORMAL,
	       "1. Choose the flash procedure (Enter). Nothing is written before you confirm.");
	if (f->nprocs == 0) {
		ui_put(u, a.y + 2, a.x, a.w, R_DIM,
		       u->snap->nflash ? " no flash procedure for this module in the brand script"
				       : " the brand script declares no flash procedure for this vehicle");
		return;
	}
	ui_putf(u, a.y + 1, a.x, a.w, R_DIM, " %-16s %-30s %s", "procedure", "name", "programs");
	ui_draw_list(u, s, (struct ui_rect){ a.y + 2, a.x, a.h - 2, a.w });
}

/* Page 2: the image path. */
static void draw_image(struct ui *u, struct flashw *f, struct ui_rect a)
{
	const struct ui_flash_proc *p = proc(u, f);
	int y = a.y;
	size_t i;

	if (p == NULL)
		return;
	ui_put(u, y++, a.x, a.w, R_NORMAL, "2. The image file: raw binary, Intel HEX or Motorola S-record.");
	y++;
	ui_putf(u, y++, a.x, a.w, R_HEADER, "Procedure  %s (%s), %u bytes", p->name, p->id, p->size);
	y += draw_module(u, p->module, (struct ui_rect){ y, a.x, 2, a.w }) + 1;
	ui_draw_entry(u, y++, a.x, a.w, "Image file ", &f->image, true);
	for (i = 0; i < f->matches.n && i < 8 && y < a.y + a.h - 3; i++)
		ui_putf(u, y++, a.x, a.w, R_DIM, "           %s", f->matches.v[i]);
	if (f->matches.n > 8)
		ui_putf(u, y++, a.x, a.w, R_DIM, "           ... and %zu more", f->matches.n - 8);
	y++;
	ui_put(u, y++, a.x, a.w, R_NORMAL,
	       "Enter checks the module's identification, the image, the battery, the");
	ui_put(u, y++, a.x, a.w, R_NORMAL,
	       "engine and the adapter, reads the old software out where it can, and");
	ui_put(u, y++, a.x, a.w, R_NORMAL,
	       "then asks you (No first). Nothing is written before you answer yes.");
}

/* The last progress figures (kept when the operation ends). */
static const struct app_progress *progress(struct ui *u, struct flashw *f)
{
	if (ui_busy(u) && u->run.has_progress) {
		f->progress = u->run.progress;
		snprintf(f->progress_step, sizeof f->progress_step, "%s", u->run.progress_step);
		f->progress.step = f->progress_step;
		f->had_progress = true;
	} else if (ui_busy(u)) {
		f->had_progress = false; /* a step without figures: no stale bar */
	}
	return f->had_progress ? &f->progress : NULL;
}

/* What Esc does now, in words. */
static const char *esc_text(struct ui *u)
{
	if (!ui_busy(u))
		return "";
	if (ui_worker_cancellable(u->worker))
		return "Esc stops before anything is written.";
	return "Cannot be stopped now: stopping would leave the module without software.";
}

/* Page 3: the steps and the progress bar. */
static void draw_run(struct ui *u, struct flashw *f, struct ui_rect a)
{
	const struct app_progress *p = progress(u, f);
	const struct ui_flash_proc *pr = proc(u, f);

	if (f->resume)
		ui_putf(u, a.y, a.x, a.w, R_HEADER, "3. Resuming %s of module %s from %s",
			f->pending.procedure, f->pending.module, f->pending.name);
	else
		ui_putf(u, a.y, a.x, a.w, R_HEADER, "3. Flashing %s into module %s with %s",
			pr ? pr->id : "?", pr ? pr->module : "?", f->image.text);
	ui_draw_steps(u, (struct ui_rect){ a.y + 2, a.x, a.h - 7, a.w }, f->since);
	if (p) {
		ui_putf(u, a.y + a.h - 4, a.x, a.w, R_NORMAL, "%s:", p->step);
		ui_draw_progress(u, a.y + a.h - 3, a.x, a.w, p);
	}
	ui_put(u, a.y + a.h - 1, a.x, a.w,
	       ui_busy(u) && !ui_worker_cancellable(u->worker) ? R_WARN : R_DIM, esc_text(u));
}

/* Page 4 after a flash that ended well: what it did and what the module
 * shows now. */
static int draw_success(struct ui *u, const struct app_flash_result *r, int y, struct ui_rect a)
{
	ui_putf(u, y++, a.x, a.w, R_NORMAL, "Result       %s", r->summary);
	ui_putf(u, y++, a.x, a.w, R_NORMAL, "Throughput   %.0f bytes/s in the download, %.1f s in all",
		r->download_rate > 0 ? r->download_rate : r->rate, r->seconds);
	ui_putf(u, y++, a.x, a.w, R_NORMAL, "Checksums    %s",
		r->corrections[0] ? r->corrections : "none needed correcting");
	ui_putf(u, y++, a.x, a.w, r->verified ? R_GOOD : R_WARN, "Software     %s%s%s%s",
		r->module_sw[0] ? r->module_sw : "?",
		r->verified ? " (the image's)" : r->image_sw[0] ? " (the image carries " : "",
		r->verified ? "" : r->image_sw, !r->verified && r->image_sw[0] ? ")" : "");
	ui_putf(u, y++, a.x, a.w, r->dtcs ? R_WARN : R_NORMAL, "Afterwards   %s", r->after);
	return y;
}

/* Page 4 after a flash that did not end well: why, and what to do. */
static int draw_failure(struct ui *u, const struct ui_flash_outcome *o, bool unfinished, int y,
			struct ui_rect a)
{
	struct text_box tb = layout_box(o->err.text, a.w + 8, a.h - 6, 0);
	int i;

	for (i = 0; i < tb.nlines; i++)
		ui_put(u, y++, a.x, a.w, R_ERROR, tb.lines[i]);
	if (o->res.corrections[0])
		ui_putf(u, y++, a.x, a.w, R_NORMAL, "Checksums    %s", o->res.corrections);
	if (unfinished)
		ui_put(u, ++y, a.x, a.w, R_WARN, "Connecting again offers to resume it from the "
		       "journal in this session.");
	return y;
}

/* Page 4: the result. */
static void draw_done(struct ui *u, struct flashw *f, struct ui_rect a)
{
	const struct ui_flash_outcome *o = &f->out;
	bool unfinished = o->rc < 0 && (o->res.written ||
					 strstr(o->err.text, "after the point of no return"));
	int y = a.y;

	ui_putf(u, y++, a.x, a.w, o->rc == 0 && o->res.verified ? R_GOOD : R_ERROR, "4. %s",
		o->rc == 0 ? "Flash done."
		: unfinished ? "The flash did not finish: the module needs its software."
			     : "Nothing was written.");
	y++;
	if (o->rc == 0)
		y = draw_success(u, &o->res, y, a);
	else
		y = draw_failure(u, o, unfinished, y, a);
	y++;
	ui_put(u, y, a.x, a.w, R_DIM, "Every step is in the log (F8) and the session. Enter closes.");
}

/* Draws the current page. */
static void flash_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	struct flashw *f = s->data;
	struct ui_rect a = { area.y + 1, area.x + 1, area.h - 1, area.w - 2 };

	switch (f->page) {
	case PAGE_PICK: draw_pick(u, s, f, a); break;
	case PAGE_IMAGE: draw_image(u, f, a); break;
	case PAGE_RUN: draw_run(u, f, a); break;
	case PAGE_DONE: draw_done(u, f, a); break;
	}
}

/* The image field takes typed keys on page 2. */
static struct ui_entry *flash_entry(struct ui *u, struct ui_screen *s)
{
	struct flashw *f = s->data;

	(void)u;
	return f->page == PAGE_IMAGE ? &f->image : NULL;
}

/* Goes to a page. */
static void go(struct ui *u, struct ui_screen *s, enum flash_page page)
{
	struct flashw *f = s->data;

	f->page = page;
	ui_lines_free(&f->matches);
	flash_refresh(u, s);
	u->dirty = true;
}

/* Enter on page 2: starts the flash (checks first, then the question). */
static void start(struct ui *u, struct ui_screen *s)
{
	struct flashw *f = s->data;
	const struct ui_flash_proc *p = proc(u, f);
	char path[PATH_MAX];

	if (p == NULL || f->image.len == 0) {
		ui_say(u, APP_INFO, "type the image file's path first (Tab completes)");
		return;
	}
	ui_expand_home(f->image.text, path, sizeof path);
	ui_entry_set(&f->image, path);
	f->since = u->log.total;
	f->had_progress = false;
	ui_start_flash(u, p->id, path);
	if (ui_busy(u) && u->run.owner == s)
		go(u, s, PAGE_RUN);
}

/* Tab on page 2: completes the path. */
static void complete(struct ui *u, struct flashw *f)
{
	char out[UI_ENTRY_MAX];
	size_t n = ui_complete_path(f->image.text, out, sizeof out, &f->matches);

	if (n == 0)
		ui_say(u, APP_INFO, "no file or directory starts with that");
	ui_entry_set(&f->image, out);
	if (n < 2)
		ui_lines_free(&f->matches);
}

/* Enter: the next step of the page. */
static int next(struct ui *u, struct ui_screen *s)
{
	struct flashw *f = s->data;

	switch (f->page) {
	case PAGE_PICK:
		if (s->list.selected >= f->nprocs)
			return UI_HANDLED;
		f->chosen = f->procs[s->list.selected];
		go(u, s, PAGE_IMAGE);
		return UI_HANDLED | UI_REDRAW;
	case PAGE_IMAGE: start(u, s); return UI_HANDLED | UI_REDRAW;
	case PAGE_RUN: return UI_HANDLED;
	case PAGE_DONE: return UI_HANDLED | UI_POP;
	}
	return UI_HANDLED;
}

/* Esc: back a page; while the flash runs the framework stops it where
 * that is safe and says why not where it is not. */
static int back(struct ui *u, struct ui_screen *s)
{
	struct flashw *f = s->data;

	if (f->page == PAGE_IMAGE && !ui_busy(u)) {
		go(u, s, PAGE_PICK);
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}

/* Keys of the wizard. */
static int flash_action(struct ui *u, struct ui_screen *s, enum ui_action act, int key)
{
	struct flashw *f = s->data;

	(void)key;
	switch (act) {
	case ACT_OPEN: return next(u, s);
	case ACT_COMPLETE:
		if (f->page == PAGE_IMAGE)
			complete(u, f);
		return UI_HANDLED | UI_REDRAW;
	case ACT_BACK: return back(u, s);
	default: return 0;
	}
}

/* A flash or a resume ended: the result page. */
void ui_flash_finished(struct ui *u, struct ui_screen *s, const struct ui_flash_outcome *o)
{
	struct flashw *f = s->data;

	f->out = *o;
	go(u, s, PAGE_DONE);
}

/* Frees the state. */
static void flash_destroy(struct ui_screen *s)
{
	struct flashw *f = s->data;

	if (f)
		ui_lines_free(&f->matches);
	free(f);
}

const struct ui_screen_ops ui_flash_ops = {
	.name = "Flash",
	.bindings = flash_bindings,
	.draw = flash_draw,
	.action = flash_action,
	.update = flash_refresh,
	.row_text = flash_row,
	.entry = flash_entry,
	.destroy = flash_destroy,
};

/* The flash wizard, for a module (index) or every module (-1). */
struct ui_screen *ui_flash_screen(struct ui *u, int module)
{
	struct flashw *f = calloc(1, sizeof *f);
	const char *home = getenv("HOME");
	char initial[UI_ENTRY_MAX];
	struct ui_screen *s;

	if (f == NULL)
		return NULL;
	f->module = module;
	snprintf(initial, sizeof initial, "%s/", home ? home : ".");
	ui_entry_set(&f->image, initial);
	s = ui_screen_new(u, &ui_flash_ops, f);
	if (s && module >= 0 && (size_t)module < u->snap->nmodules)
		snprintf(s->title, sizeof s->title, "Flash %s", u->snap->modules[module].id);
	return s;
}

/* The flash wizard resuming the flash journaled in a session directory. */
struct ui_screen *ui_flash_resume_screen(struct ui *u, const struct app_flash_pending *p)
{
	struct ui_screen *s = ui_flash_screen(u, -1);
	struct flashw *f;
	int i;

	if (s == NULL)
		return NULL;
	f = s->data;
	f->resume = true;
	f->pending = *p;
	f->page = PAGE_RUN;
	f->since = u->log.total;
	for (i = 0; i < (int)u->snap->nflash; i++)
		if (strcmp(u->snap->flash[i].id, p->procedure) == 0)
			f->chosen = (size_t)i;
	ui_entry_set(&f->image, p->image);
	snprintf(s->title, sizeof s->title, "Flash resume %s", p->module);
	return s;
}

/* The unfinished flash offered, while the question is open. */
static struct app_flash_pending offered;

/* The answer to "resume the unfinished flash?". */
static void resume_answer(struct ui *u, bool yes, void *arg)
{
	(void)arg;
	if (!yes) {
		ui_say(u, APP_WARNING, "the unfinished flash of %s stays unfinished: it is offered "
			    "again at the next connection (or: obdcon flash --resume %s)",
		       offered.module, offered.name);
		return;
	}
	ui_push(u, ui_flash_resume_screen(u, &offered));
	ui_start_flash_resume(u, offered.session);
}

/* What an unfinished flash left in the module, as the scan found it. */
static const char *resume_state(const struct app_flash_pending *p, char *out, size_t n)
{
	if (!p->no_return)
		return "It stopped before the erase: the module is unchanged.";
	if (!p->module_runs)
		return "The erase was done: the module is in its boot loader and needs its software.";
	snprintf(out, n, "The module answers with its software%s%s now, not its boot loader: if "
		 "it refuses the resumed download, the resume starts again from the erase.",
		 p->module_sw[0] ? " " : "", p->module_sw);
	return out;
}

/* Offers to resume the newest unfinished flash found at connect. */
void ui_offer_resume(struct ui *u, const struct app_flash_pending *p, size_t n)
{
	char body[2048], state[256];

	offered = p[0];
	snprintf(body, sizeof body,
		 "An earlier session did not finish flashing this vehicle:\n\n"
		 "  session    %s\n  procedure  %s, module %s\n  image      %s%s\n"
		 "  state      %s\n  download   %llu of %llu blocks confirmed\n\n"
		 "%s\nResume it now? The checks and the confirmation come first.%s",
		 p->name, p->procedure, p->module, p->image,
		 p->image_present ? "" : " (MISSING: put it back first)", p->state,
		 (unsigned long long)p->confirmed, (unsigned long long)p->blocks,
		 resume_state(p, state, sizeof state),
		 n > 1 ? "\n(More unfinished flashes are listed in the sessions screen.)" : "");
	ui_say(u, APP_WARNING, "unfinished flash of module %s found in session %s", p->module,
	       p->name);
	ui_push(u, ui_ask_screen(u, "Resume the unfinished flash?", body, false, resume_answer, NULL));
}
