/* session.h: the record of one connection: a directory with the adapter
 * transcript, events, backups and a manifest, packed into an archive. */
#ifndef OBDCON_SESSION_SESSION_H
#define OBDCON_SESSION_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct session;

/* Direction of transcript bytes (same values as link_dir). */
enum session_dir {
	SESSION_TX = 0, /* console -> adapter */
	SESSION_RX = 1, /* adapter -> console */
};

/* Archive formats for packing. */
enum session_format {
	SESSION_TAR_GZ = 0,
	SESSION_TAR_XZ,
	SESSION_ZIP,
};

/* One module as recorded in the manifest. */
struct session_module {
	const char *id;
	const char *name;
	uint32_t tx, rx;
	const char *part;
	const char *sw;
	const char *hw;
};

/* One backed-up value, as recorded in the manifest for restore. */
struct session_backup {
	const char *module; /* module id */
	uint32_t tx, rx;
	uint16_t did;
	const uint8_t *data;
	size_t len;
};

/* Creates a new session directory (mode 0700) under base, or under
 * $XDG_DATA_HOME/obdcon/sessions when base is NULL. Its name is the UTC
 * start time; session_set_vin() appends the VIN. Opens transcript.log and
 * events.log (mode 0600). */
int session_create(const char *base, struct session **out, struct error *e);
/* The session directory's current path. The pointer stays valid until
 * session_close(); its contents change when session_set_vin() renames. */
const char *session_path(const struct session *s);
/* Appends bytes moved on the link to transcript.log, one timestamped,
 * escaped line per chunk, written immediately (a link tap). */
void session_transcript(void *s, int dir, const uint8_t *data, size_t n);
/* Appends a line to events.log ("what the user and scripts did"). */
void session_event(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets the VIN: renames the directory to <time>-<VIN> and records it. */
int session_set_vin(struct session *s, const char *vin, struct error *e);
/* Records a key/value about the connection for the manifest ("port",
 * "adapter", "adapter.device", "voltage", "brand"...). */
void session_set_info(struct session *s, const char *key, const char *value);
/* Records what was done, for the manifest's "operations" list and for
 * `obdcon sessions`: "scan", "coding", "restore", "flash"... Each name is
 * kept once, in the order first seen; written with the next manifest. */
void session_set_operation(struct session *s, const char *op);
/* Renames an operation already recorded (a coding not confirmed, a flash
 * that wrote nothing); records to when from is not there. */
void session_rename_operation(struct session *s, const char *from, const char *to);
/* Records (or updates, by id) a module's identification for the manifest. */
void session_add_module(struct session *s, const struct session_module *m);
/* Writes backups/<module>-<DID>.bin atomically (temporary name, fsync,
 * rename) before a value is changed, and records it for the manifest. An
 * existing backup of the same DID is kept: the first value is the original. */
int session_backup(struct session *s, const struct session_backup *b, char *path, size_t n,
		   struct error *e);
/* Writes manifest.json now (atomically), with SHA-256 of every file. */
int session_write_manifest(struct session *s, bool clean_end, struct error *e);
/* Closes the session: writes the manifest, closes logs, packs it into
 * <dir>.tar.gz beside the directory when pack is true (archive path in
 * archive, may be NULL), and frees it. */
int session_close(struct session *s, bool pack, char *archive, size_t n, struct error *e);
/* Packs a session directory into an archive file (streaming, 64 KiB at a
 * time; manifest.json first so listings read only the start). */
int session_pack(const char *dir, const char *archive, enum session_format fmt, struct error *e);
/* File name extension of an archive format, with its dot (".tar.gz"). */
const char *session_format_ext(enum session_format fmt);

#endif
