/* archive.h: private to the session layer: listing a session directory
 * (shared by the manifest and the packer). Not for other layers. */
#ifndef OBDCON_SESSION_ARCHIVE_H
#define OBDCON_SESSION_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

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
 * relative path (a directory before its contents); links and other file
 * types are skipped. */
int session_tree_list(const char *dir, struct session_tree *t, struct error *e);
/* Frees a listing. */
void session_tree_free(struct session_tree *t);

#endif
