/* unpack.c: unpacking a session archive safely. Archives come from
 * elsewhere and may be hostile: every entry is checked before anything is
 * written, everything is written below a private temporary directory
 * (files 0600 with O_EXCL|O_NOFOLLOW, folders 0700), sizes are bounded
 * while reading, and every file must match the manifest. */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session/archive.h"
#include "util/fsutil.h"
#include "util/sha256.h"

#define UNPACK_CHUNK ((size_t)64 << 10)
#define UNPACK_ENTRY_MAX ((uint64_t)256 << 20)
#define UNPACK_TOTAL_MAX ((uint64_t)1 << 30)
#define UNPACK_ENTRIES_MAX ((size_t)10000)
#define UNPACK_NAME_SHOWN 200 /* characters of an entry name in messages */

/* One unpacked file with what the manifest must say about it. */
struct unpack_file {
	char *rel; /* below the top-level folder */
	uint64_t size;
	char sha[65];
};

/* Unpacking state. */
struct unpack {
	struct archive *a;
	struct session_limits lim;
	bool durable;
	const char *root; /* the temporary directory */
	char top[NAME_MAX + 1];
	size_t entries;
	uint64_t total;
	struct unpack_file *files;
	size_t nfiles;
	struct buf manifest;
	bool have_manifest;
	uint8_t *chunk;
};

/* Fills the defaults into a copy of the caller's limits. */
static void unpack_limits(struct session_limits *out, const struct session_limits *in)
{
	if (in)
		*out = *in;
	else
		memset(out, 0, sizeof *out);
	if (out->entry_max == 0)
		out->entry_max = UNPACK_ENTRY_MAX;
	if (out->total_max == 0)
		out->total_max = UNPACK_TOTAL_MAX;
	if (out->entries_max == 0)
		out->entries_max = UNPACK_ENTRIES_MAX;
	if (out->manifest_max == 0 || out->manifest_max > SESSION_MANIFEST_LIMIT)
		out->manifest_max = SESSION_MANIFEST_LIMIT;
}

/* An entry name made safe to print: control bytes become '?', long names
 * are cut. */
static const char *unpack_shown(const char *raw, char *out, size_t n)
{
	size_t i;

	if (raw == NULL)
		return "(no name)";
	for (i = 0; raw[i] && i + 1 < n && i < UNPACK_NAME_SHOWN; i++) {
		unsigned char c = (unsigned char)raw[i];

		out[i] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
	}
	out[i] = 0;
	return out;
}

/* Refuses an entry: ERR_FORMAT naming it and the reason. */
static int unpack_refuse(struct error *e, const char *raw, const char *why)
{
	char shown[UNPACK_NAME_SHOWN + 1];

	return error_set(e, ERR_FORMAT, "archive entry '%s': %s",
			 unpack_shown(raw, shown, sizeof shown), why);
}

/* True if the path has a ".." component. */
static bool unpack_has_dotdot(const char *p)
{
	while (*p) {
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == 0))
			return true;
		p = strchr(p, '/');
		if (p == NULL)
			return false;
		p++;
	}
	return false;
}

/* Normalises an entry name into out: leading "./" and one trailing '/'
 * dropped. NULL on success, else why the name is refused; out is empty
 * for the "." entry some tools write. */
static const char *unpack_name(const char *raw, char *out, size_t n)
{
	size_t len;

	if (raw == NULL)
		return "no readable name";
	if (raw[0] == '/')
		return "absolute path refused";
	if (unpack_has_dotdot(raw))
		return "'..' in the path refused";
	while (raw[0] == '.' && raw[1] == '/')
		raw += 2;
	len = strlen(raw);
	if (len >= n)
		return "name too long";
	memcpy(out, raw, len + 1);
	if (len > 0 && out[len - 1] == '/')
		out[--len] = 0;
	if (len == 0 || (len == 1 && out[0] == '.')) {
		out[0] = 0;
		return NULL;
	}
	return session_rel_ok(out) ? NULL : "unsafe path refused";
}

/* Why an entry's type is refused, or NULL for a file or folder. */
static const char *unpack_type(struct archive_entry *ae)
{
	mode_t t = archive_entry_filetype(ae);

	if (archive_entry_hardlink(ae) != NULL)
		return "hard link refused";
	if (t == AE_IFLNK || archive_entry_symlink(ae) != NULL)
		return "symbolic link refused";
	if (t == AE_IFCHR || t == AE_IFBLK)
		return "device file refused";
	if (t == AE_IFIFO)
		return "fifo refused";
	if (t == AE_IFSOCK)
		return "socket refused";
	if (t != AE_IFREG && t != AE_IFDIR)
		return "unknown entry type refused";
	return NULL;
}

/* Checks that name lies in the one top-level folder; *rest is the part
 * below it ("" for the folder itself). */
static int unpack_top(struct unpack *u, const char *raw, const char *name, bool is_dir,
		      const char **rest, struct error *e)
{
	const char *slash = strchr(name, '/');
	size_t len = slash ? (size_t)(slash - name) : strlen(name);

	*rest = slash ? slash + 1 : "";
	if (slash == NULL && !is_dir)
		return unpack_refuse(e, raw, "not inside a top-level folder");
	if (name[0] == '.' || len + 8 > NAME_MAX)
		return unpack_refuse(e, raw, "unsuitable top-level folder name");
	if (u->top[0] == 0) {
		memcpy(u->top, name, len);
		u->top[len] = 0;
		return 0;
	}
	if (strlen(u->top) != len || memcmp(u->top, name, len) != 0)
		return unpack_refuse(e, raw, "a second top-level folder: an archive holds one session");
	return 0;
}

/* Creates the folders of rel below the root (the last one only when
 * last is true); an existing file in the way is refused. */
static int unpack_mkdirs(struct unpack *u, const char *raw, const char *rel, bool last,
			 struct error *e)
{
	char path[PATH_MAX];
	size_t rootlen = strlen(u->root), i;
	struct stat st;

	if (fs_join(path, sizeof path, u->root, rel) < 0)
		return unpack_refuse(e, raw, "name too long");
	for (i = rootlen + 1;; i++) {
		char c = path[i];

		if (c != '/' && !(c == 0 && last)) {
			if (c == 0)
				return 0;
			continue;
		}
		path[i] = 0;
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return error_set(e, ERR_IO, "mkdir %s: %s", path, strerror(errno));
		if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			return unpack_refuse(e, raw, "both a file and a folder");
		path[i] = c;
		if (c == 0)
			return 0;
	}
}

/* Counts the bytes of an entry against the limits. */
static int unpack_count(struct unpack *u, const char *raw, uint64_t *size, size_t more,
			struct error *e)
{
	char why[96];

	*size += more;
	u->total += more;
	if (*size > u->lim.entry_max) {
		snprintf(why, sizeof why, "larger than the limit of %llu bytes",
			 (unsigned long long)u->lim.entry_max);
		return unpack_refuse(e, raw, why);
	}
	if (u->total > u->lim.total_max)
		return error_set(e, ERR_FORMAT, "archive unpacks to more than %llu bytes",
				 (unsigned long long)u->lim.total_max);
	return 0;
}

/* Writes all of data to fd. */
static int unpack_write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Copies an entry's data into fd, hashing it, within the limits; the
 * manifest is also kept in memory. */
static int unpack_copy(struct unpack *u, const char *raw, int fd, bool is_manifest,
		       struct unpack_file *f, struct error *e)
{
	struct sha256 s;
	uint8_t d[32];
	int rc = 0;

	sha256_init(&s);
	while (rc == 0) {
		la_ssize_t r = archive_read_data(u->a, u->chunk, UNPACK_CHUNK);

		if (r == 0)
			break;
		if (r < 0)
			return unpack_refuse(e, raw, archive_error_string(u->a));
		rc = unpack_count(u, raw, &f->size, (size_t)r, e);
		if (rc == 0 && is_manifest && buf_append(&u->manifest, u->chunk, (size_t)r) < 0)
			rc = unpack_refuse(e, raw, "manifest larger than the limit");
		if (rc == 0 && unpack_write_all(fd, u->chunk, (size_t)r) < 0)
			rc = error_set(e, ERR_IO, "writing %s: %s", f->rel, strerror(errno));
		sha256_update(&s, u->chunk, (size_t)r);
	}
	sha256_final(&s, d);
	sha256_to_hex(d, f->sha);
	return rc;
}

/* Checks an entry's declared size (when the header has one) up front. */
static int unpack_declared(struct unpack *u, const char *raw, struct archive_entry *ae,
			   bool is_manifest, struct error *e)
{
	char why[96];
	int64_t size;

	if (!archive_entry_size_is_set(ae))
		return 0;
	size = archive_entry_size(ae);
	if (size < 0 || (uint64_t)size > u->lim.entry_max) {
		snprintf(why, sizeof why, "%lld bytes, more than the limit of %llu", (long long)size,
			 (unsigned long long)u->lim.entry_max);
		return unpack_refuse(e, raw, why);
	}
	if (is_manifest && (uint64_t)size > u->lim.manifest_max)
		return unpack_refuse(e, raw, "manifest larger than the limit");
	if (u->total + (uint64_t)size > u->lim.total_max)
		return error_set(e, ERR_FORMAT, "archive unpacks to more than %llu bytes",
				 (unsigned long long)u->lim.total_max);
	return 0;
}

/* Records an unpacked file for the check against the manifest. */
static int unpack_add(struct unpack *u, const struct unpack_file *f, struct error *e)
{
	struct unpack_file *v = realloc(u->files, (u->nfiles + 1) * sizeof *v);

	if (v == NULL)
		return error_set(e, ERR_NOMEM, "unpacking: out of memory");
	u->files = v;
	v[u->nfiles++] = *f;
	return 0;
}

/* Opens a new file below the root; an entry seen twice is refused. */
static int unpack_create(struct unpack *u, const char *raw, const char *name, int *fd,
			 struct error *e)
{
	char path[PATH_MAX];

	if (fs_join(path, sizeof path, u->root, name) < 0)
		return unpack_refuse(e, raw, "name too long");
	*fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*fd >= 0)
		return 0;
	if (errno == EEXIST)
		return unpack_refuse(e, raw, "appears twice");
	return error_set(e, ERR_IO, "create %s: %s", path, strerror(errno));
}

/* Unpacks one regular file (name below the root, rest below the top). */
static int unpack_file(struct unpack *u, struct archive_entry *ae, const char *raw,
		       const char *name, const char *rest, struct error *e)
{
	bool is_manifest = strcmp(rest, SESSION_MANIFEST_NAME) == 0;
	struct unpack_file f = { 0 };
	int fd = -1, rc;

	rc = unpack_declared(u, raw, ae, is_manifest, e);
	if (rc == 0)
		rc = unpack_mkdirs(u, raw, name, false, e);
	if (rc == 0)
		rc = unpack_create(u, raw, name, &fd, e);
	if (rc < 0)
		return rc;
	f.rel = strdup(rest);
	if (f.rel == NULL)
		rc = error_set(e, ERR_NOMEM, "unpacking: out of memory");
	if (rc == 0)
		rc = unpack_copy(u, raw, fd, is_manifest, &f, e);
	if (rc == 0 && u->durable && fsync(fd) < 0)
		rc = error_set(e, ERR_IO, "fsync %s: %s", name, strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = error_set(e, ERR_IO, "close %s: %s", name, strerror(errno));
	if (rc == 0 && is_manifest)
		u->have_manifest = true;
	else if (rc == 0)
		rc = unpack_add(u, &f, e);
	if (rc < 0 || is_manifest)
		free(f.rel);
	return rc;
}

/* Checks and unpacks one entry. */
static int unpack_entry(struct unpack *u, struct archive_entry *ae, struct error *e)
{
	const char *raw = archive_entry_pathname(ae), *why, *rest;
	char name[SESSION_PATH_MAX];
	bool is_dir;
	int rc;

	if (++u->entries > u->lim.entries_max)
		return error_set(e, ERR_FORMAT, "archive has more than %zu entries",
				 u->lim.entries_max);
	why = unpack_name(raw, name, sizeof name);
	if (why == NULL)
		why = unpack_type(ae);
	if (why != NULL)
		return unpack_refuse(e, raw, why);
	if (name[0] == 0)
		return 0;
	is_dir = archive_entry_filetype(ae) == AE_IFDIR;
	rc = unpack_top(u, raw, name, is_dir, &rest, e);
	if (rc < 0)
		return rc;
	if (is_dir)
		return unpack_mkdirs(u, raw, name, true, e);
	return unpack_file(u, ae, raw, name, rest, e);
}

/* Orders unpacked files by path. */
static int unpack_file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct unpack_file *)a)->rel, ((const struct unpack_file *)b)->rel);
}

/* The unpacked file of a path, or NULL (files sorted). */
static const struct unpack_file *unpack_find(const struct unpack *u, const char *rel)
{
	struct unpack_file key = { .rel = (char *)rel };

	if (u->nfiles == 0)
		return NULL;
	return bsearch(&key, u->files, u->nfiles, sizeof key, unpack_file_cmp);
}

/* Every file must be in the manifest with its size and hash, and every
 * file the manifest lists must have been in the archive. */
static int unpack_verify(struct unpack *u, const struct session_manifest *m, struct error *e)
{
	const struct unpack_file *f;
	size_t i;

	qsort(u->files, u->nfiles, sizeof *u->files, unpack_file_cmp);
	for (i = 0; i < m->nfiles; i++) {
		const struct session_file *mf = &m->files[i];

		f = unpack_find(u, mf->path);
		if (f == NULL)
			return error_set(e, ERR_FORMAT, "%s: listed in the manifest but not in the archive",
					 mf->path);
		if (f->size != mf->size)
			return error_set(e, ERR_VERIFY, "%s: %llu bytes, the manifest says %llu",
					 mf->path, (unsigned long long)f->size,
					 (unsigned long long)mf->size);
		if (strcmp(f->sha, mf->sha256) != 0)
			return error_set(e, ERR_VERIFY, "%s: SHA-256 does not match the manifest",
					 mf->path);
	}
	for (i = 0; i < u->nfiles; i++)
		if (session_manifest_file(m, u->files[i].rel) == NULL)
			return error_set(e, ERR_FORMAT, "%s: in the archive but not in the manifest",
					 u->files[i].rel);
	return 0;
}

/* Opens an archive file for reading: tar (any variant) or zip, compressed
 * with gzip, xz, bzip2 or zstd. Not support_format_all: it includes mtree,
 * whose entries name files on the local disk to read. */
static int unpack_open(const char *path, struct archive **out, struct error *e)
{
	struct archive *a;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*out = NULL;
	if (fd < 0)
		return error_set(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO, "%s", strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return error_set(e, ERR_FORMAT, "not a regular file");
	}
	a = archive_read_new();
	if (a == NULL) {
		close(fd);
		return error_set(e, ERR_NOMEM, "unpacking: out of memory");
	}
	archive_read_support_format_tar(a);
	archive_read_support_format_zip(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_zstd(a);
	if (archive_read_open_fd(a, fd, UNPACK_CHUNK) != ARCHIVE_OK) {
		int rc = error_set(e, ERR_FORMAT, "not a session archive: %s",
				   archive_error_string(a));
		archive_read_free(a);
		close(fd);
		return rc;
	}
	*out = a;
	return fd;
}

/* Closes an archive opened by unpack_open(). */
static void unpack_close(struct archive *a, int fd)
{
	if (a != NULL)
		archive_read_free(a);
	if (fd >= 0)
		close(fd);
}

/* Reads every entry of an open archive into the root. */
static int unpack_all(struct unpack *u, struct error *e)
{
	struct archive_entry *ae;
	int r, rc = 0;

	while (rc == 0) {
		r = archive_read_next_header(u->a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			return error_set(e, ERR_FORMAT, "%s", archive_error_string(u->a));
		rc = unpack_entry(u, ae, e);
	}
	if (rc == 0 && u->top[0] == 0)
		rc = error_set(e, ERR_FORMAT, "no session folder in the archive");
	if (rc == 0 && !u->have_manifest)
		rc = error_set(e, ERR_FORMAT, "no %s in the archive", SESSION_MANIFEST_NAME);
	return rc;
}

/* Frees what the unpacking state holds. */
static void unpack_free(struct unpack *u)
{
	size_t i;

	for (i = 0; i < u->nfiles; i++)
		free(u->files[i].rel);
	free(u->files);
	free(u->chunk);
	buf_free(&u->manifest);
}

/* Unpacks into u->root, parses the manifest and checks every file. */
static int unpack_run(struct unpack *u, const char *archive, struct session_manifest *m,
		      struct error *e)
{
	int fd = unpack_open(archive, &u->a, e);
	int rc;

	if (fd < 0)
		return fd;
	u->chunk = malloc(UNPACK_CHUNK);
	rc = u->chunk ? unpack_all(u, e)
		      : error_set(e, ERR_NOMEM, "unpacking: out of memory");
	unpack_close(u->a, fd);
	u->a = NULL;
	if (rc == 0)
		rc = session_manifest_parse((const char *)u->manifest.data, u->manifest.len, m, e);
	if (rc == 0) {
		rc = unpack_verify(u, m, e);
		if (rc < 0)
			session_manifest_free(m);
	}
	return rc;
}

/* Unpacks and verifies an archive into a new private temporary directory. */
int session_unpack(const char *archive, const char *parent, const char *tag,
		   const struct session_limits *lim, bool durable, struct session_unpacked *u,
		   struct error *e)
{
	struct unpack st = { .durable = durable };
	int rc;

	memset(u, 0, sizeof *u);
	unpack_limits(&st.lim, lim);
	st.manifest.limit = st.lim.manifest_max;
	if (snprintf(u->tmp, sizeof u->tmp, "%s/%sXXXXXX", parent, tag) >= (int)sizeof u->tmp)
		return error_set(e, ERR_ARG, "path too long: %s", parent);
	if (mkdtemp(u->tmp) == NULL) {
		rc = error_set(e, ERR_IO, "mkdtemp %s: %s", u->tmp, strerror(errno));
		u->tmp[0] = 0;
		return rc;
	}
	st.root = u->tmp;
	rc = unpack_run(&st, archive, &u->manifest, e);
	if (rc == 0) {
		memcpy(u->top, st.top, sizeof u->top);
		if (fs_join(u->dir, sizeof u->dir, u->tmp, u->top) < 0)
			rc = error_set(e, ERR_ARG, "path too long: %s", u->tmp);
	}
	unpack_free(&st);
	if (rc < 0)
		session_unpacked_free(u);
	return rc;
}

/* Removes the temporary directory and frees the manifest. */
void session_unpacked_free(struct session_unpacked *u)
{
	if (u->tmp[0])
		session_rmtree(u->tmp);
	session_manifest_free(&u->manifest);
	memset(u, 0, sizeof *u);
}

/* Reads the data of the current entry into out, within out's limit. */
static int unpack_read_entry(struct archive *a, struct buf *out, const char *raw,
			     struct error *e)
{
	uint8_t chunk[16384];

	for (;;) {
		la_ssize_t r = archive_read_data(a, chunk, sizeof chunk);

		if (r == 0)
			return 0;
		if (r < 0)
			return unpack_refuse(e, raw, archive_error_string(a));
		if (buf_append(out, chunk, (size_t)r) < 0)
			return unpack_refuse(e, raw, "larger than the limit");
	}
}

/* What session_archive_read() looks for, and what it found. */
struct unpack_want {
	const char *rel; /* a file below the top folder, or NULL */
	struct buf *manifest, *file;
	char *top;
	size_t topn;
	bool got_manifest, got_file;
};

/* Reads the current entry if it is one that is wanted (name normalised);
 * both must lie in the same top folder. */
static int unpack_take(struct archive *a, struct unpack_want *w, const char *name,
		       struct error *e)
{
	const char *slash = strchr(name, '/');
	size_t len = slash ? (size_t)(slash - name) : 0;
	bool is_manifest, is_file;

	if (slash == NULL || len >= w->topn ||
	    (w->top[0] && (strlen(w->top) != len || strncmp(w->top, name, len) != 0)))
		return 0;
	is_manifest = !w->got_manifest && strcmp(slash + 1, SESSION_MANIFEST_NAME) == 0;
	is_file = w->rel && !w->got_file && strcmp(slash + 1, w->rel) == 0;
	if (!is_manifest && !is_file)
		return 0;
	memcpy(w->top, name, len);
	w->top[len] = 0;
	if (is_manifest)
		w->got_manifest = true;
	else
		w->got_file = true;
	return unpack_read_entry(a, is_manifest ? w->manifest : w->file, name, e);
}

/* Scans the headers for the wanted entries and reads them. */
static int unpack_scan(struct archive *a, struct unpack_want *w, struct error *e)
{
	struct archive_entry *ae;
	char name[SESSION_PATH_MAX];
	size_t entries = 0;
	int r, rc = 0;

	while (rc == 0 && ++entries <= UNPACK_ENTRIES_MAX &&
	       !(w->got_manifest && (w->rel == NULL || w->got_file))) {
		r = archive_read_next_header(a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			return error_set(e, ERR_FORMAT, "%s", archive_error_string(a));
		if (unpack_name(archive_entry_pathname(ae), name, sizeof name) == NULL &&
		    archive_entry_filetype(ae) == AE_IFREG && archive_entry_hardlink(ae) == NULL)
			rc = unpack_take(a, w, name, e);
	}
	if (rc == 0 && !w->got_manifest)
		rc = error_set(e, ERR_NOT_FOUND, "no %s in the archive", SESSION_MANIFEST_NAME);
	if (rc == 0 && w->rel && !w->got_file)
		rc = error_set(e, ERR_NOT_FOUND, "no %s in the archive", w->rel);
	return rc;
}

/* Reads <top>/manifest.json, and <top>/<rel> when rel is not NULL, out of
 * an archive without writing anything. */
int session_archive_read(const char *archive, const char *rel, struct buf *manifest,
			 struct buf *file, char *top, size_t topn, struct error *e)
{
	struct unpack_want w = { rel, manifest, file, top, topn, false, false };
	struct archive *a;
	int fd = unpack_open(archive, &a, e);
	int rc;

	if (fd < 0)
		return error_wrap(e, "%s", archive);
	top[0] = 0;
	manifest->limit = SESSION_MANIFEST_LIMIT;
	rc = unpack_scan(a, &w, e);
	unpack_close(a, fd);
	return rc < 0 ? error_wrap(e, "%s", archive) : 0;
}
