/* manifest.h: reading a session's manifest.json back: vehicle, what was
 * done, modules, backups with their data, and every file's SHA-256. */
#ifndef OBDCON_SESSION_MANIFEST_H
#define OBDCON_SESSION_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/session.h"
#include "util/error.h"

/* Largest manifest read (it carries backed-up values in hex). */
#define SESSION_MANIFEST_LIMIT ((size_t)32 << 20)

/* One key/value of the manifest's "info" object (value may be NULL). */
struct session_pair {
	const char *key;
	const char *value;
};

/* One backed-up value as listed in a manifest: what restore writes back. */
struct session_record {
	const char *module; /* module id */
	uint32_t tx, rx;
	uint16_t did;
	const char *file; /* relative to the session directory */
	const uint8_t *data;
	size_t len;
};

/* One file of the session with its size and SHA-256 (lower-case hex). */
struct session_file {
	const char *path; /* relative to the session directory */
	uint64_t size;
	const char *sha256;
};

/* A parsed manifest. Every string belongs to it; optional strings are NULL
 * when absent or null. Read-only for callers. */
struct session_manifest {
	const char *format;    /* "obdcon-session-1" */
	const char *program;
	const char *started;   /* ISO 8601 */
	const char *ended;     /* NULL: the session did not end cleanly */
	const char *vin;
	const char *recovered; /* set when an export recomputed the file list */
	bool clean;
	const char **operations;
	size_t noperations;
	struct session_pair *info;
	size_t ninfo;
	struct session_module *modules;
	size_t nmodules;
	struct session_record *backups;
	size_t nbackups;
	struct session_file *files;
	size_t nfiles;
	void *priv; /* the parsed document and decoded data */
};

/* Parses and checks a manifest: known format, field types, safe relative
 * paths, well-formed hashes, no file listed twice, and each backup's data
 * agreeing with its file's hash. ERR_FORMAT (or ERR_VERIFY) with the field. */
int session_manifest_parse(const char *text, size_t len, struct session_manifest *m,
			   struct error *e);
/* Reads and parses dir/manifest.json (ERR_NOT_FOUND when there is none). */
int session_manifest_load(const char *dir, struct session_manifest *m, struct error *e);
/* Frees a manifest (a zeroed one is fine). */
void session_manifest_free(struct session_manifest *m);
/* The manifest's entry for a file, or NULL. */
const struct session_file *session_manifest_file(const struct session_manifest *m,
						 const char *path);
/* Checks the files of a session directory against its manifest: each
 * listed file must exist with its size and hash, and no other file may be
 * there. With grown_logs (for a session that did not end cleanly) a *.log
 * file may have grown since the manifest was written, as long as its first
 * listed bytes still match, and unlisted files are allowed; *stale (may be
 * NULL) then tells whether the directory holds more than the manifest says. */
int session_manifest_verify(const struct session_manifest *m, const char *dir, bool grown_logs,
			    bool *stale, struct error *e);

#endif
