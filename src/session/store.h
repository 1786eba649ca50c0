/* store.h: the sessions kept on disk: listing them, exporting, importing
 * and opening a finished (or crashed) session read-only, from its
 * directory or its archive. */
#ifndef OBDCON_SESSION_STORE_H
#define OBDCON_SESSION_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "session/manifest.h"
#include "session/session.h"
#include "util/buf.h"
#include "util/error.h"

/* Bounds on what an archive may unpack to; a zero field takes its default. */
struct session_limits {
	uint64_t entry_max;  /* bytes of one file (default 256 MiB) */
	uint64_t total_max;  /* bytes of all files together (default 1 GiB) */
	size_t entries_max;  /* entries, folders included (default 10000) */
	size_t manifest_max; /* bytes of manifest.json (default 32 MiB) */
};

/* One session as `obdcon sessions` shows it. Strings are NULL when unknown. */
struct session_info {
	char *name;    /* directory name, or the archive's name without extension */
	char *path;    /* the session directory, or NULL if only an archive exists */
	char *archive; /* its archive (beside the directory, or alone), or NULL */
	char *started;
	char *ended;
	char *vin;
	bool clean;    /* false: unfinished (crashed, killed, or still running) */
	char **operations;
	size_t noperations;
	size_t nbackups, nmodules;
	char *problem; /* why the manifest could not be read, or NULL */
};

/* Lists the sessions under base (NULL: $XDG_DATA_HOME/obdcon/sessions):
 * every session directory, and every archive (.tar.gz, .tar.xz, .zip) that
 * has no directory beside it, sorted by start time. A session whose
 * manifest cannot be read is listed with the reason in problem. A missing
 * base is an empty list. */
int session_list(const char *base, struct session_info **out, size_t *n, struct error *e);
/* Frees a listing. */
void session_list_free(struct session_info *v, size_t n);
/* Short description of what was done ("scan, coding (2 backups)", "scan only"). */
const char *session_info_what(const struct session_info *s, char *out, size_t n);
/* Appends {"sessions": [{"name", "path", "started", "ended", "vin", "clean",
 * "operations", "archive", "backups", "modules", "problem"}]}. */
void session_list_json(const struct session_info *v, size_t n, struct buf *out);
/* Appends a text table, one session a line, with a header. */
void session_list_text(const struct session_info *v, size_t n, struct buf *out);
/* Prints the listing as JSON or as a table; -1 on a write error. */
int session_list_print(FILE *f, const struct session_info *v, size_t n, bool json);

/* Parses a format name: "tar.gz" (or "tgz", "gz"), "tar.xz" ("txz", "xz"), "zip". */
int session_format_parse(const char *name, enum session_format *out);
/* Finds a session: an existing path (directory or archive) as given, else a
 * name under base: the directory, then NAME.tar.gz, .tar.xz, .zip. */
int session_resolve(const char *base, const char *what, char *path, size_t n, struct error *e);

/* Packs a session (resolved as above) into fmt at out_path (NULL: beside the
 * session, named after it with the format's extension; a directory: inside
 * it). A directory is checked against its manifest first; an unfinished
 * one gets a recomputed file list in the archive's manifest ("recovered").
 * An archive is verified, unpacked privately and packed again. The written
 * path goes to result (may be NULL). */
int session_export(const char *base, const char *session, enum session_format fmt,
		   const char *out_path, char *result, size_t n, struct error *e);
/* Unpacks an archive (tar.gz, tar.xz, zip; told apart by content) into a
 * new session directory under base, named after its top-level folder
 * (-2, -3... when taken). Every file is checked against the manifest's size
 * and SHA-256 before the directory appears; a hostile entry (absolute path,
 * "..", link, device, fifo, outside the single top folder, over a limit) is
 * refused by name and nothing is left behind. The new path goes to new_dir. */
int session_import(const char *archive, const char *base, char *new_dir, size_t n,
		   struct error *e);
/* session_import() with explicit limits (NULL: the defaults). */
int session_import_with(const char *archive, const char *base, const struct session_limits *lim,
			char *new_dir, size_t n, struct error *e);

/* A session opened read-only (for restore and resuming a flash). */
struct session_view {
	const char *dir;    /* where to read its files */
	const char *source; /* what was opened: the directory or the archive */
	bool from_archive;  /* dir is a private copy, removed by session_view_close() */
	bool stale;         /* unfinished: its logs or files go past the manifest */
	struct session_manifest manifest;
};

/* Opens a session (resolved as above) read-only. A directory is checked
 * against its manifest (logs of an unfinished session may have grown); an
 * archive is verified and unpacked into a private directory under base. */
int session_open_existing(const char *base, const char *what, struct session_view **out,
			  struct error *e);
/* The manifest's backup of a module's DID, or NULL. */
const struct session_record *session_view_backup(const struct session_view *v,
						 const char *module, uint16_t did);
/* Closes a view, removing its private copy. */
void session_view_close(struct session_view *v);

#endif
