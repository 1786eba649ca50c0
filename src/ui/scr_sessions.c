/* scr_sessions.c: the sessions kept on this machine, newest first: when
 * each started, the VIN, clean or unfinished, what was done, and whether
 * the directory, an archive or both are kept. Enter shows the manifest and
 * the events, t the adapter transcript; e exports in a chosen format, i
 * imports an archive (path entry with Tab completion), R writes a
 * session's backups back through the same confirmation as coding. */
#include "config.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "session/store.h"
#include "ui/console.h"
#include "util/fsutil.h"

#define TRANSCRIPT_SHOWN (4u << 20) /* the last 4 MiB of a transcript */
#define EVENTS_SHOWN (1u << 20)

/* The screen's state. */
struct sessions {
	struct session_info *v; /* oldest first, as listed; rows show newest first */
	size_t n;
	char problem[256];      /* why the list could not be read */
};

static const struct ui_binding sessions_bindings[] = {
	{ '\n', 0, "Enter", "details: the manifest (vehicle, modules, backups, files) and events",
	  "Enter", "Details", 2, ACT_OPEN },
	{ 't', 0, "t", "the adapter transcript of the session (every byte both ways)", "t",
	  "Transcript", 41, ACT_TRANSCRIPT },
	{ 'e', 0, "e", "export: pack the session into an archive (tar.gz, tar.xz or zip)", "e",
	  "Export", 42, ACT_EXPORT },
	{ 'i', 0, "i", "import an archive (checked against its manifest) as a new session", "i",
	  "Import", 43, ACT_IMPORT },
	{ 'R', 0, "R", "restore: write the session's backed-up values back to the connected "
	  "vehicle (asks first, No by default)", "R", "Restore", 44, ACT_RESTORE },
	{ KEY_F(5), 'r', "F5 r", "read the list again", NULL, NULL, 0, ACT_REFRESH },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* The listing entry shown on a row (newest first). */
static const struct session_info *entry(const struct sessions *ss, size_t row)
{
	return row < ss->n ? &ss->v[ss->n - 1 - row] : NULL;
}

/* The extension of an archive's name (".tar.gz", ".tar.xz", ".zip"). */
static const char *archive_ext(const char *a)
{
	static const char *const exts[] = { ".tar.gz", ".tar.xz", ".zip" };
	size_t i, len = strlen(a);

	for (i = 0; i < 3; i++)
		if (len >= strlen(exts[i]) && strcmp(a + len - strlen(exts[i]), exts[i]) == 0)
			return exts[i];
	return "archive";
}

/* Where a session is kept, in words: "dir", "dir + .tar.gz", ".zip only". */
static void stored_text(const struct session_info *si, char *out, size_t n)
{
	if (si->path && si->archive)
		snprintf(out, n, "dir + %s", archive_ext(si->archive));
	else if (si->path)
		snprintf(out, n, "dir");
	else
		snprintf(out, n, "%s only", si->archive ? archive_ext(si->archive) : "?");
}

/* True when the entry is the session of this connection. */
static bool is_current(const struct ui *u, const struct session_info *si)
{
	return si->path && u->snap->session[0] && strcmp(si->path, u->snap->session) == 0;
}

/* Text of a row. */
static void sessions_row(struct ui *u, struct ui_screen *s, size_t row, char *out, size_t n)
{
	const struct session_info *si = entry(s->data, row);
	char when[32], what[256], stored[32];

	if (si == NULL)
		return;
	snprintf(when, sizeof when, "%.16s", si->started ? si->started : "-");
	if (strlen(when) > 10 && when[10] == 'T')
		when[10] = ' ';
	stored_text(si, stored, sizeof stored);
	snprintf(out, n, " %-16s  %-17s  %-10s  %-13s %s", when, si->vin ? si->vin : "-",
		 si->problem ? "unreadable" : is_current(u, si) ? "this one" : si->clean ? "clean"
											: "unfinished",
		 stored, session_info_what(si, what, sizeof what));
}

/* Unfinished sessions stand out, unreadable ones are dim. */
static enum ui_role sessions_role(struct ui *u, struct ui_screen *s, size_t row)
{
	const struct session_info *si = entry(s->data, row);

	if (si == NULL || si->problem)
		return R_DIM;
	return !si->clean && !is_current(u, si) ? R_WARN : R_NORMAL;
}

/* Reads the list again. */
static void load(struct sessions *ss)
{
	struct error e;

	session_list_free(ss->v, ss->n);
	ss->v = NULL;
	ss->n = 0;
	ss->problem[0] = 0;
	error_clear(&e);
	if (session_list(NULL, &ss->v, &ss->n, &e) < 0)
		snprintf(ss->problem, sizeof ss->problem, "%s", e.text);
}

/* Recounts the rows. */
static void sessions_refresh(struct ui *u, struct ui_screen *s)
{
	struct sessions *ss = s->data;

	(void)u;
	list_view_set_count(&s->list, ss->n);
}

/* Reads the list again and selects the session at path (NULL: keep). */
void ui_sessions_reload(struct ui *u, struct ui_screen *s, const char *path)
{
	struct sessions *ss = s->data;
	size_t row;

	load(ss);
	sessions_refresh(u, s);
	for (row = 0; path && row < ss->n; row++)
		if (entry(ss, row)->path && strcmp(entry(ss, row)->path, path) == 0)
			list_view_select(&s->list, row);
	u->dirty = true;
}

/* Draws the list and, below, where the selected session is kept. */
static void sessions_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	struct sessions *ss = s->data;
	struct ui_rect a = { area.y + 1, area.x + 1, area.h - 1, area.w - 2 };
	const struct session_info *si = entry(ss, s->list.selected);
	char base[PATH_MAX];

	if (fs_xdg_data_dir(base, sizeof base) < 0)
		base[0] = 0;
	ui_putf(u, a.y, a.x, a.w, R_NORMAL, "%zu session%s in %s/sessions", ss->n,
		ss->n == 1 ? "" : "s", base);
	ui_putf(u, a.y + 1, a.x, a.w, R_DIM, " %-16s  %-17s  %-10s  %-13s %s", "started (UTC)",
		"VIN", "state", "kept as", "what was done");
	if (ss->problem[0] || ss->n == 0) {
		ui_put(u, a.y + 3, a.x, a.w, ss->problem[0] ? R_ERROR : R_DIM,
		       ss->problem[0] ? ss->problem : " no sessions yet (i imports an archive)");
		return;
	}
	ui_draw_list(u, s, (struct ui_rect){ a.y + 2, a.x, a.h - 5, a.w });
	if (si == NULL)
		return;
	ui_putf(u, a.y + a.h - 2, a.x, a.w, R_DIM, " %s", si->path ? si->path : si->archive);
	ui_putf(u, a.y + a.h - 1, a.x, a.w, si->problem ? R_WARN : R_DIM, " %s",
		si->problem ? si->problem : si->path && si->archive ? si->archive : "");
}

/* Adds formatted text as one line. */
static void line(struct ui_lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Adds formatted text as one line. */
static void line(struct ui_lines *l, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	ui_lines_add(l, text);
}

/* The manifest as lines. */
static void manifest_lines(const struct session_manifest *m, struct ui_lines *l)
{
	size_t i;

	line(l, "Manifest:");
	line(l, "  program     %s", m->program ? m->program : "-");
	line(l, "  started     %s", m->started ? m->started : "-");
	line(l, "  ended       %s", m->ended ? m->ended : "- (did not end cleanly)");
	line(l, "  VIN         %s", m->vin ? m->vin : "-");
	for (i = 0; i < m->noperations; i++)
		line(l, "  operation   %s", m->operations[i]);
	for (i = 0; i < m->ninfo; i++)
		line(l, "  %-19s %s", m->info[i].key, m->info[i].value ? m->info[i].value : "-");
	line(l, "Modules:");
	for (i = 0; i < m->nmodules; i++)
		line(l, "  %-4s %-26s %03X/%03X part %s sw %s hw %s", m->modules[i].id,
		     m->modules[i].name ? m->modules[i].name : "", (unsigned)m->modules[i].tx,
		     (unsigned)m->modules[i].rx, m->modules[i].part ? m->modules[i].part : "-",
		     m->modules[i].sw ? m->modules[i].sw : "-", m->modules[i].hw ? m->modules[i].hw : "-");
	line(l, "Backups:");
	for (i = 0; i < m->nbackups; i++)
		line(l, "  module %s DID %04X, %zu bytes: %s", m->backups[i].module, m->backups[i].did,
		     m->backups[i].len, m->backups[i].file);
	line(l, "Files:");
	for (i = 0; i < m->nfiles; i++)
		line(l, "  %10llu  %.16s...  %s", (unsigned long long)m->files[i].size,
		     m->files[i].sha256, m->files[i].path);
}

/* Appends a file of the session to the lines (transcript lines formatted). */
static void file_lines(const char *dir, const char *name, size_t tail, struct ui_lines *l)
{
	char path[PATH_MAX], text[1024];
	struct ui_lines raw = { 0 };
	struct error e;
	struct stat st;
	size_t i;

	error_clear(&e);
	if (fs_join(path, sizeof path, dir, name) < 0 || ui_read_tail(path, tail, &raw, &e) < 0) {
		line(l, "  (%s)", e.text[0] ? e.text : "cannot read it");
		return;
	}
	if (stat(path, &st) == 0 && (size_t)st.st_size > tail)
		line(l, "  (its last %zu MiB of %.1f MiB: the whole file is %s)", tail >> 20,
		     (double)st.st_size / (1 << 20), path);
	for (i = 0; i < raw.n; i++) {
		if (strcmp(name, "transcript.log") == 0)
			ui_transcript_line(raw.v[i], text, sizeof text);
		else
			snprintf(text, sizeof text, "  %s", raw.v[i]);
		ui_lines_add(l, text);
	}
	if (raw.n == 0)
		line(l, "  (empty)");
	ui_lines_free(&raw);
}

/* Opens a session (a directory, or a private copy of its archive) and
 * adds its details or its transcript to the lines. */
static int read_session(const struct session_info *si, bool transcript, struct ui_lines *l,
			struct error *e)
{
	struct session_view *v = NULL;

	if (session_open_existing(NULL, si->path ? si->path : si->archive, &v, e) < 0 &&
	    (si->path == NULL || e->kind != ERR_VERIFY))
		return -(int)e->kind;
	if (v == NULL) { /* a directory whose files no longer match: show what is there */
		line(l, "Note: %s", e->text);
		file_lines(si->path, transcript ? "transcript.log" : "events.log",
			   transcript ? TRANSCRIPT_SHOWN : EVENTS_SHOWN, l);
		return 0;
	}
	if (!transcript) {
		manifest_lines(&v->manifest, l);
		line(l, "Events:");
	}
	file_lines(v->dir, transcript ? "transcript.log" : "events.log",
		   transcript ? TRANSCRIPT_SHOWN : EVENTS_SHOWN, l);
	session_view_close(v);
	return 0;
}

/* Enter or t: the details or the transcript in a text view. */
static int show(struct ui *u, struct ui_screen *s, bool transcript)
{
	const struct session_info *si = entry(s->data, s->list.selected);
	struct ui_lines l = { 0 };
	char title[300];
	struct error e;

	if (si == NULL)
		return UI_HANDLED;
	error_clear(&e);
	if (read_session(si, transcript, &l, &e) < 0) {
		ui_lines_free(&l);
		ui_say(u, APP_ERROR, "%s: %s", si->name, e.text);
		return UI_HANDLED | UI_REDRAW;
	}
	snprintf(title, sizeof title, "%s %s", transcript ? "Transcript" : "Session", si->name);
	ui_push(u, ui_text_screen(u, title, &l));
	return UI_HANDLED | UI_REDRAW;
}

static const char *const formats[] = { "tar.gz (the default, smallest to pack)",
				       "tar.xz (smaller files)", "zip (for Windows users)" };

/* The chosen export format: packs the session. */
static void export_chosen(struct ui *u, int index, void *arg)
{
	char *what = arg;

	if (index >= 0)
		ui_start_export(u, what, index);
	free(what);
}

/* e: asks the format, then exports. */
static int export_session(struct ui *u, struct ui_screen *s)
{
	const struct session_info *si = entry(s->data, s->list.selected);
	char body[300], *what;

	if (si == NULL || (what = strdup(si->path ? si->path : si->archive)) == NULL)
		return UI_HANDLED;
	snprintf(body, sizeof body, "Pack %s\ninto an archive beside it, in which format?", si->name);
	ui_push(u, ui_choice_screen(u, "Export", body, formats, 3, export_chosen, what));
	return UI_HANDLED | UI_REDRAW;
}

/* The typed archive path: imports it. */
static void import_typed(struct ui *u, const char *text, void *arg)
{
	char path[PATH_MAX];

	(void)arg;
	if (text == NULL || text[0] == 0)
		return;
	ui_expand_home(text, path, sizeof path);
	ui_start_import(u, path);
}

/* i: asks for the archive's path. */
static int import_session(struct ui *u)
{
	char initial[PATH_MAX];
	const char *home = getenv("HOME");

	snprintf(initial, sizeof initial, "%s/", home ? home : ".");
	ui_push(u, ui_path_screen(u, "Import a session",
				  "Archive to import (.tar.gz, .tar.xz or .zip). Every file is\n"
				  "checked against its manifest before the session appears.",
				  initial, import_typed, NULL));
	return UI_HANDLED | UI_REDRAW;
}

/* R: writes the session's backups back (the app checks and asks). */
static int restore_session(struct ui *u, struct ui_screen *s)
{
	const struct session_info *si = entry(s->data, s->list.selected);

	if (si == NULL)
		return UI_HANDLED;
	if (si->nbackups == 0) {
		ui_say(u, APP_INFO, "%s holds no backups to write back", si->name);
		return UI_HANDLED | UI_REDRAW;
	}
	ui_start_restore(u, si->path ? si->path : si->archive);
	return UI_HANDLED | UI_REDRAW;
}

/* Keys of the sessions screen. */
static int sessions_action(struct ui *u, struct ui_screen *s, enum ui_action act, int key)
{
	(void)key;
	switch (act) {
	case ACT_OPEN: return show(u, s, false);
	case ACT_TRANSCRIPT: return show(u, s, true);
	case ACT_EXPORT: return export_session(u, s);
	case ACT_IMPORT: return import_session(u);
	case ACT_RESTORE: return restore_session(u, s);
	case ACT_REFRESH:
		ui_sessions_reload(u, s, NULL);
		ui_say(u, APP_INFO, "sessions listed again");
		return UI_HANDLED | UI_REDRAW;
	default: return 0;
	}
}

/* Frees the listing. */
static void sessions_destroy(struct ui_screen *s)
{
	struct sessions *ss = s->data;

	if (ss)
		session_list_free(ss->v, ss->n);
	free(ss);
}

const struct ui_screen_ops ui_sessions_ops = {
	.name = "Sessions",
	.bindings = sessions_bindings,
	.draw = sessions_draw,
	.action = sessions_action,
	.update = sessions_refresh,
	.row_text = sessions_row,
	.row_role = sessions_role,
	.destroy = sessions_destroy,
};

/* The sessions kept on this machine. */
struct ui_screen *ui_sessions_screen(struct ui *u)
{
	struct sessions *ss = calloc(1, sizeof *ss);

	if (ss == NULL)
		return NULL;
	load(ss);
	return ui_screen_new(u, &ui_sessions_ops, ss);
}
