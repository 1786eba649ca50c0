/* archive.c: listing a session directory, hashing its files and packing
 * it with libarchive. */
#include "config.h"
#include "session/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "session/session.h"
#include "util/fsutil.h"
#include "util/sha256.h"

#define SESSION_CHUNK ((size_t)64 << 10)

/* a/b, or the non-empty one of them alone; -1 if it does not fit. */
static int join_rel(char *out, size_t n, const char *a, const char *b)
{
	int w;

	if (a[0] == 0 || b[0] == 0)
		w = snprintf(out, n, "%s", a[0] ? a : b);
	else
		w = snprintf(out, n, "%s/%s", a, b);
	return (w < 0 || (size_t)w >= n) ? -1 : 0;
}

/* Appends one entry to a listing. */
static int tree_add(struct session_tree *t, const char *rel, bool is_dir, struct error *e)
{
	struct session_entry *v = realloc(t->v, (t->n + 1) * sizeof *v);

	if (v == NULL)
		return error_set(e, ERR_NOMEM, "listing session: out of memory");
	t->v = v;
	v[t->n].rel = strdup(rel);
	if (v[t->n].rel == NULL)
		return error_set(e, ERR_NOMEM, "listing session: out of memory");
	v[t->n].is_dir = is_dir;
	t->n++;
	return 0;
}

/* Records one directory entry (and walks into it when it is a directory). */
static int tree_visit(const char *root, const char *rel, int depth, struct session_tree *t,
		      struct error *e);

/* Walks the directory root/rel ("" for root itself). */
static int tree_walk(const char *root, const char *rel, int depth, struct session_tree *t,
		     struct error *e)
{
	char path[PATH_MAX], child[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (join_rel(path, sizeof path, root, rel) < 0)
		return error_set(e, ERR_ARG, "path too long: %s/%s", root, rel);
	d = opendir(path);
	if (d == NULL)
		return error_set(e, ERR_IO, "opendir %s: %s", path, strerror(errno));
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    fs_is_temp_name(de->d_name)) /* an atomic write cut by a crash */
			continue;
		if (join_rel(child, sizeof child, rel, de->d_name) < 0)
			rc = error_set(e, ERR_ARG, "path too long: %s/%s", path, de->d_name);
		else
			rc = tree_visit(root, child, depth, t, e);
	}
	closedir(d);
	return rc;
}

/* Records one directory entry (and walks into it when it is a directory). */
static int tree_visit(const char *root, const char *rel, int depth, struct session_tree *t,
		      struct error *e)
{
	char path[PATH_MAX];
	struct stat st;
	int rc;

	if (fs_join(path, sizeof path, root, rel) < 0)
		return error_set(e, ERR_ARG, "path too long: %s/%s", root, rel);
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : error_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	if (S_ISREG(st.st_mode))
		return tree_add(t, rel, false, e);
	if (!S_ISDIR(st.st_mode))
		return 0;
	rc = tree_add(t, rel, true, e);
	if (rc == 0 && depth < SESSION_TREE_DEPTH)
		rc = tree_walk(root, rel, depth + 1, t, e);
	return rc;
}

/* Orders entries by relative path. */
static int tree_cmp(const void *a, const void *b)
{
	const struct session_entry *x = a, *y = b;

	return strcmp(x->rel, y->rel);
}

/* Lists a directory tree, sorted. */
int session_tree_list(const char *dir, struct session_tree *t, struct error *e)
{
	int rc;

	t->v = NULL;
	t->n = 0;
	rc = tree_walk(dir, "", 0, t, e);
	if (rc < 0) {
		session_tree_free(t);
		return rc;
	}
	if (t->n > 1)
		qsort(t->v, t->n, sizeof *t->v, tree_cmp);
	return 0;
}

/* Frees a listing. */
void session_tree_free(struct session_tree *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].rel);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

/* True if one path component is acceptable: not empty, ".", or "..". */
static bool rel_component_ok(const char *p, size_t n)
{
	if (n == 0 || n > NAME_MAX)
		return false;
	return !(p[0] == '.' && (n == 1 || (n == 2 && p[1] == '.')));
}

/* True if rel is a safe relative path. */
bool session_rel_ok(const char *rel)
{
	size_t start = 0, i, parts = 0, n = strlen(rel);

	if (n == 0 || n >= SESSION_PATH_MAX || rel[0] == '/')
		return false;
	for (i = 0; i <= n; i++) {
		unsigned char c = (unsigned char)rel[i];

		if (c != 0 && c != '/') {
			if (c < 0x20 || c == 0x7F || c == '\\')
				return false;
			continue;
		}
		if (!rel_component_ok(rel + start, i - start) || ++parts > SESSION_TREE_DEPTH)
			return false;
		start = i + 1;
	}
	return true;
}

/* Writes the "files" array: every regular file but the manifest, with SHA-256. */
int session_json_file_list(const char *dir, struct json *j, struct error *e)
{
	struct session_tree t;
	char full[PATH_MAX], hex[65];
	uint64_t size;
	size_t i;
	int rc = session_tree_list(dir, &t, e);

	if (rc < 0)
		return rc;
	json_key(j, "files");
	json_arr_begin(j);
	for (i = 0; rc == 0 && i < t.n; i++) {
		if (t.v[i].is_dir || strcmp(t.v[i].rel, SESSION_MANIFEST_NAME) == 0)
			continue;
		if (fs_join(full, sizeof full, dir, t.v[i].rel) < 0 ||
		    sha256_file_hex(full, hex, &size) < 0) {
			rc = error_set(e, ERR_IO, "cannot read %s", full);
			break;
		}
		json_obj_begin(j);
		json_kv_str(j, "path", t.v[i].rel);
		json_kv_int(j, "size", (long long)size);
		json_kv_str(j, "sha256", hex);
		json_obj_end(j);
	}
	json_arr_end(j);
	session_tree_free(&t);
	return rc;
}

/* Removes one file or directory during the tree walk. */
static int rmtree_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* Removes a directory tree without following links. */
int session_rmtree(const char *path)
{
	return nftw(path, rmtree_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* File name extension of an archive format, with its dot. */
const char *session_format_ext(enum session_format fmt)
{
	switch (fmt) {
	case SESSION_TAR_XZ:
		return ".tar.xz";
	case SESSION_ZIP:
		return ".zip";
	case SESSION_TAR_GZ:
	default:
		return ".tar.gz";
	}
}

/* Chooses the container format and compression filter of a writer. */
static int pack_setup(struct archive *a, enum session_format fmt, struct error *e)
{
	int rc;

	switch (fmt) {
	case SESSION_TAR_GZ:
		rc = archive_write_set_format_pax_restricted(a);
		if (rc == ARCHIVE_OK)
			rc = archive_write_add_filter_gzip(a);
		break;
	case SESSION_TAR_XZ:
		rc = archive_write_set_format_pax_restricted(a);
		if (rc == ARCHIVE_OK)
			rc = archive_write_add_filter_xz(a);
		/* Preset 1: a 1 MiB dictionary keeps the packer near 14 MiB
		 * resident; the default preset 6 needs about 100 MiB. */
		if (rc == ARCHIVE_OK)
			rc = archive_write_set_filter_option(a, "xz", "compression-level", "1");
		break;
	case SESSION_ZIP:
		rc = archive_write_set_format_zip(a);
		break;
	default:
		return error_set(e, ERR_ARG, "unknown archive format %d", (int)fmt);
	}
	if (rc != ARCHIVE_OK)
		return error_set(e, ERR_UNSUPPORTED, "archive format %s: %s",
				 session_format_ext(fmt), archive_error_string(a));
	return 0;
}

/* Copies up to size bytes of an open file into the current entry, in chunks. */
static int pack_copy(struct archive *a, int fd, const char *path, off_t size, uint8_t *chunk,
		     struct error *e)
{
	off_t left = size;

	while (left > 0) {
		size_t want = (uint64_t)left < SESSION_CHUNK ? (size_t)left : SESSION_CHUNK;
		ssize_t r = read(fd, chunk, want);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return error_set(e, ERR_IO, "read %s: %s", path, strerror(errno));
		if (r == 0)
			break; /* the file shrank; the writer pads the entry */
		if (archive_write_data(a, chunk, (size_t)r) < 0)
			return error_set(e, ERR_IO, "packing %s: %s", path, archive_error_string(a));
		left -= r;
	}
	return 0;
}

/* Describes one file or directory as an archive entry header. */
static struct archive_entry *pack_header(const char *name, const struct stat *st, bool is_dir)
{
	struct archive_entry *ae = archive_entry_new();

	if (ae == NULL)
		return NULL;
	archive_entry_set_pathname(ae, name);
	archive_entry_set_filetype(ae, is_dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(ae, st->st_mode & 07777);
	archive_entry_set_size(ae, is_dir ? 0 : st->st_size);
	archive_entry_set_mtime(ae, st->st_mtime, 0);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	return ae;
}

/* Opens a tree member for packing: stats a directory, opens a file. */
static int pack_open_member(const char *path, bool is_dir, struct stat *st, int *fd,
			    struct error *e)
{
	*fd = -1;
	if (is_dir) {
		if (lstat(path, st) < 0)
			return error_set(e, ERR_IO, "%s: %s", path, strerror(errno));
		return 0;
	}
	*fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0)
		return error_set(e, ERR_IO, "open %s: %s", path, strerror(errno));
	if (fstat(*fd, st) < 0) {
		int saved = errno;
		close(*fd);
		*fd = -1;
		return error_set(e, ERR_IO, "%s: %s", path, strerror(saved));
	}
	return 0;
}

/* Adds one member (rel "" = the top directory) under the name prefix. */
static int pack_member(struct archive *a, const char *dir, const char *prefix, const char *rel,
		       bool is_dir, uint8_t *chunk, struct error *e)
{
	char path[PATH_MAX], name[PATH_MAX];
	struct archive_entry *ae;
	struct stat st;
	int fd, rc;

	if (join_rel(path, sizeof path, dir, rel) < 0 ||
	    join_rel(name, sizeof name, prefix, rel) < 0)
		return error_set(e, ERR_ARG, "path too long: %s/%s", dir, rel);
	rc = pack_open_member(path, is_dir, &st, &fd, e);
	if (rc < 0)
		return rc;
	ae = pack_header(name, &st, is_dir);
	if (ae == NULL)
		rc = error_set(e, ERR_NOMEM, "packing %s: out of memory", path);
	else if (archive_write_header(a, ae) < ARCHIVE_WARN)
		rc = error_set(e, ERR_IO, "packing %s: %s", path, archive_error_string(a));
	else if (fd >= 0)
		rc = pack_copy(a, fd, path, st.st_size, chunk, e);
	archive_entry_free(ae);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Adds manifest.json from memory (a recomputed manifest). */
static int pack_manifest_mem(struct archive *a, const char *prefix, const struct buf *m,
			     struct error *e)
{
	struct stat st = { .st_mode = S_IFREG | 0600, .st_size = (off_t)m->len };
	char name[PATH_MAX];
	struct archive_entry *ae;
	int rc = 0;

	st.st_mtime = time(NULL);
	if (join_rel(name, sizeof name, prefix, SESSION_MANIFEST_NAME) < 0)
		return error_set(e, ERR_ARG, "path too long: %s", prefix);
	ae = pack_header(name, &st, false);
	if (ae == NULL)
		return error_set(e, ERR_NOMEM, "packing: out of memory");
	if (archive_write_header(a, ae) < ARCHIVE_WARN ||
	    (m->len && archive_write_data(a, m->data, m->len) < 0))
		rc = error_set(e, ERR_IO, "packing %s: %s", name, archive_error_string(a));
	archive_entry_free(ae);
	return rc;
}

/* What to pack: the directory, its listing, the top folder name, and an
 * optional manifest from memory. */
struct pack_job {
	const char *dir;
	const char *prefix;
	const struct session_tree *t;
	const struct buf *manifest;
};

/* Adds the manifest (from memory or from the tree), so it comes first. */
static int pack_manifest(struct archive *a, const struct pack_job *job, uint8_t *chunk,
			 struct error *e)
{
	size_t i;

	if (job->manifest)
		return pack_manifest_mem(a, job->prefix, job->manifest, e);
	for (i = 0; i < job->t->n; i++)
		if (!job->t->v[i].is_dir && strcmp(job->t->v[i].rel, SESSION_MANIFEST_NAME) == 0)
			return pack_member(a, job->dir, job->prefix, SESSION_MANIFEST_NAME, false,
					   chunk, e);
	return 0;
}

/* Writes the top directory, the manifest, then every other member. */
static int pack_tree(struct archive *a, const struct pack_job *job, struct error *e)
{
	uint8_t *chunk = malloc(SESSION_CHUNK);
	const struct session_tree *t = job->t;
	size_t i;
	int rc;

	if (chunk == NULL)
		return error_set(e, ERR_NOMEM, "packing: out of memory");
	rc = pack_member(a, job->dir, job->prefix, "", true, chunk, e);
	if (rc == 0)
		rc = pack_manifest(a, job, chunk, e);
	for (i = 0; rc == 0 && i < t->n; i++) {
		if (strcmp(t->v[i].rel, SESSION_MANIFEST_NAME) == 0)
			continue;
		rc = pack_member(a, job->dir, job->prefix, t->v[i].rel, t->v[i].is_dir, chunk, e);
	}
	free(chunk);
	return rc;
}

/* The last path component of dir, ignoring trailing slashes, into out. */
static int pack_basename(const char *dir, char *out, size_t n)
{
	size_t len = strlen(dir);
	const char *start;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	start = dir + len;
	while (start > dir && start[-1] != '/')
		start--;
	len -= (size_t)(start - dir);
	if (len == 0 || len >= n || (len == 1 && start[0] == '/'))
		return -1;
	memcpy(out, start, len);
	out[len] = 0;
	return 0;
}

/* Writes the whole archive to an open file descriptor. */
static int pack_write(int fd, enum session_format fmt, const struct pack_job *job,
		      struct error *e)
{
	struct archive *a = archive_write_new();
	int rc;

	if (a == NULL)
		return error_set(e, ERR_NOMEM, "packing: out of memory");
	rc = pack_setup(a, fmt, e);
	if (rc == 0 && archive_write_open_fd(a, fd) != ARCHIVE_OK)
		rc = error_set(e, ERR_IO, "packing: %s", archive_error_string(a));
	if (rc == 0)
		rc = pack_tree(a, job, e);
	if (rc == 0 && archive_write_close(a) != ARCHIVE_OK)
		rc = error_set(e, ERR_IO, "packing: %s", archive_error_string(a));
	archive_write_free(a);
	return rc;
}

/* Packs the job's directory into the open temporary file, then syncs and
 * closes it. */
static int pack_to_fd(int fd, enum session_format fmt, struct pack_job *job, struct error *e)
{
	struct session_tree t;
	int rc = session_tree_list(job->dir, &t, e);

	if (rc == 0) {
		job->t = &t;
		rc = pack_write(fd, fmt, job, e);
		job->t = NULL;
		session_tree_free(&t);
	}
	if (rc == 0 && fsync(fd) < 0)
		rc = error_set(e, ERR_IO, "fsync: %s", strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = error_set(e, ERR_IO, "close: %s", strerror(errno));
	return rc;
}

/* Packs dir into <archive>.tmp under the top folder name prefix (or the
 * directory's own name), then renames it into place. */
int session_pack_as(const char *dir, const char *prefix, const struct buf *manifest,
		    const char *archive, enum session_format fmt, struct error *e)
{
	struct pack_job job = { .dir = dir, .prefix = prefix, .manifest = manifest };
	char tmp[PATH_MAX], base[NAME_MAX + 1];
	int fd, rc;

	if (prefix == NULL && pack_basename(dir, base, sizeof base) < 0)
		return error_set(e, ERR_ARG, "cannot pack '%s': no directory name", dir);
	if (prefix == NULL)
		job.prefix = base;
	if (snprintf(tmp, sizeof tmp, "%s.tmp", archive) >= (int)sizeof tmp)
		return error_set(e, ERR_ARG, "path too long: %s", archive);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return error_set(e, ERR_IO, "create %s: %s", tmp, strerror(errno));
	rc = pack_to_fd(fd, fmt, &job, e);
	if (rc == 0 && rename(tmp, archive) < 0)
		rc = error_set(e, ERR_IO, "rename to %s: %s", archive, strerror(errno));
	if (rc < 0) {
		unlink(tmp);
		return error_wrap(e, "packing %s", dir);
	}
	return 0;
}

/* Packs a session directory into an archive file (streaming). */
int session_pack(const char *dir, const char *archive, enum session_format fmt, struct error *e)
{
	return session_pack_as(dir, NULL, NULL, archive, fmt, e);
}
