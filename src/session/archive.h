/* archive.h: private to the session layer: listing a session directory
 * (shared by the manifest and the packer). Not for other layers. */
#ifndef OBDCON_SESSION_ARCHIVE_H
#define OBDCON_SESSION_ARCHIVE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "session/manifest.h"
#include "session/session.h"
#include "session/store.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"

#define SESSION_MANIFEST_NAME "manifest.json"
/* Deepest directory nesting walked, packed or unpacked. */
#define SESSION_TREE_DEPTH 16
/* Longest path inside a session (relative to its directory). */
#define SESSION_PATH_MAX 1024

/* One directory or regular file, by path relative to the listed root. */
struct session_entry {
	char *rel;
	bool is_dir;
};

/* A sorted listing of a directory tree. */
struct session_tree {
	struct session_entry *v;
	size_t n;
};

/* Lists every directory and regular file under dir, recursively, sorted by
 * relative path (a directory before its contents); links, other file
 * types and the temporary files of atomic writes a crash cut short
 * (fs_is_temp_name) are skipped. */
int session_tree_list(const char *dir, struct session_tree *t, struct error *e);
/* Frees a listing. */
void session_tree_free(struct session_tree *t);
/* True if rel is a safe relative path: non-empty components that are not
 * "." or "..", no leading slash, no control characters or backslashes,
 * at most SESSION_TREE_DEPTH components. */
bool session_rel_ok(const char *rel);
/* Writes the "files" array of a manifest: every regular file under dir but
 * the manifest itself, sorted, with size and SHA-256. */
int session_json_file_list(const char *dir, struct json *j, struct error *e);
/* Packs dir like session_pack(), naming the top folder prefix (NULL: the
 * directory's own name) and, when manifest is not NULL, storing it as
 * manifest.json in place of the file. The manifest goes first. */
int session_pack_as(const char *dir, const char *prefix, const struct buf *manifest,
		    const char *archive, enum session_format fmt, struct error *e);
/* Removes a directory tree without following links; -1 if some of it stayed. */
int session_rmtree(const char *path);
/* Length of the archive extension ending name (".tar.gz", ".tar.xz",
 * ".zip"), or 0; its format goes to fmt (may be NULL). */
size_t session_archive_ext(const char *name, enum session_format *fmt);
/* The directory holding sessions: base, or $XDG_DATA_HOME/obdcon/sessions. */
int session_base_dir(const char *base, char *out, size_t n, struct error *e);

/* An archive unpacked and verified into a private temporary directory. */
struct session_unpacked {
	char tmp[PATH_MAX];     /* the temporary directory (mode 0700) */
	char dir[PATH_MAX];     /* tmp/<top>: the session */
	char top[NAME_MAX + 1]; /* the archive's top-level folder */
	struct session_manifest manifest;
};

/* Unpacks an archive into a new temporary directory "<parent>/<tag>XXXXXX",
 * refusing hostile entries and checking every file against the manifest;
 * on failure nothing is left (the error does not name the archive: the
 * caller adds it). durable fsyncs each file (for import). */
int session_unpack(const char *archive, const char *parent, const char *tag,
		   const struct session_limits *lim, bool durable, struct session_unpacked *u,
		   struct error *e);
/* Removes the temporary directory (whatever is still in it) and frees. */
void session_unpacked_free(struct session_unpacked *u);
/* Reads <top>/manifest.json, and <top>/<rel> when rel is not NULL (within
 * file's limit), out of an archive without unpacking anything; the top
 * folder's name goes to top. Nothing is verified. */
int session_archive_read(const char *archive, const char *rel, struct buf *manifest,
			 struct buf *file, char *top, size_t topn, struct error *e);

#endif
