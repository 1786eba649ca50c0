/* fsutil.h: files and directories: creation, atomic writes, XDG paths. */
#ifndef OBDCON_UTIL_FSUTIL_H
#define OBDCON_UTIL_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"
#include "util/error.h"

/* Creates a directory and its parents with the given mode. */
int fs_mkdir_p(const char *path, mode_t mode, struct error *e);
/* Writes a file atomically: temporary name, fsync, rename, fsync of the directory. */
int fs_write_atomic(const char *path, const void *data, size_t n, mode_t mode, struct error *e);
/* True for the temporary name fs_write_atomic writes before its rename
 * ("NAME.tmp.PID"): a file left under it by a killed process is not a
 * file of its own, only an unfinished write of NAME. */
bool fs_is_temp_name(const char *name);
/* Reads a whole file into b, refusing files over limit bytes. */
int fs_read_file(const char *path, struct buf *b, size_t limit, struct error *e);
/* True if path names an existing directory. */
bool fs_is_dir(const char *path);
/* True if path names an existing regular file. */
bool fs_is_file(const char *path);
/* True if path is free or names a regular file (not a symbolic link, a
 * device or a directory), so an atomic write may take its place. */
bool fs_replaceable(const char *path);
/* True if a file can be created at path: its directory exists and is
 * writable. */
bool fs_can_create(const char *path);
/* Opens /dev/null on standard input, output and error where they are
 * closed, so that no file the program opens later takes their place. */
void fs_guard_std_fds(void);
/* Flushes standard output; -1 (errno set) when something written to it
 * was lost (a full disk, a closed pipe). */
int fs_stdout_flush(void);
/* Fsyncs a directory so renames inside it are durable. */
void fs_sync_dir(const char *path);
/* $XDG_DATA_HOME/obdcon (or ~/.local/share/obdcon) into out. */
int fs_xdg_data_dir(char *out, size_t n);
/* $XDG_CONFIG_HOME/obdcon (or ~/.config/obdcon) into out. */
int fs_xdg_config_dir(char *out, size_t n);
/* $XDG_STATE_HOME/obdcon (or ~/.local/state/obdcon) into out. */
int fs_xdg_state_dir(char *out, size_t n);
/* Directory holding the shipped scripts/ and profiles/ (see fsutil.c). */
const char *fs_pkgdata_dir(void);
/* Joins two path parts with a slash into out; -1 if it does not fit. */
int fs_join(char *out, size_t n, const char *a, const char *b);

#endif
