/* fsutil.c: files and directories: creation, atomic writes, XDG paths. */
#include "config.h"
#include "util/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Creates a directory and its parents. */
int fs_mkdir_p(const char *path, mode_t mode, struct error *e)
{
	char tmp[PATH_MAX];
	size_t len = strlen(path);
	char *p;

	if (len == 0 || len >= sizeof tmp)
		return error_set(e, ERR_ARG, "bad directory path '%s'", path);
	memcpy(tmp, path, len + 1);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return error_set(e, ERR_IO, "mkdir %s: %s", tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return error_set(e, ERR_IO, "mkdir %s: %s", tmp, strerror(errno));
	if (!fs_is_dir(tmp))
		return error_set(e, ERR_IO, "%s exists and is not a directory", tmp);
	return 0;
}

/* Fsyncs a directory. */
void fs_sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Writes all of data to fd. */
static int write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes a file atomically. */
int fs_write_atomic(const char *path, const void *data, size_t n, mode_t mode, struct error *e)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	char *slash;
	int fd;

	if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return error_set(e, ERR_ARG, "path too long: %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return error_set(e, ERR_IO, "create %s: %s", tmp, strerror(errno));
	if (write_all(fd, data, n) < 0 || fsync(fd) < 0) {
		int saved = errno;
		close(fd);
		unlink(tmp);
		return error_set(e, ERR_IO, "write %s: %s", tmp, strerror(saved));
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		int saved = errno;
		unlink(tmp);
		return error_set(e, ERR_IO, "rename to %s: %s", path, strerror(saved));
	}
	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = 0;
		fs_sync_dir(dir[0] ? dir : "/");
	}
	return 0;
}

/* True for a temporary name of fs_write_atomic: "NAME.tmp.DIGITS". */
bool fs_is_temp_name(const char *name)
{
	const char *p = strstr(name, ".tmp.");
	const char *last = NULL;

	while (p) {
		last = p;
		p = strstr(p + 1, ".tmp.");
	}
	if (last == NULL || last == name || last[5] == 0)
		return false;
	for (p = last + 5; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

/* Reads a whole file, refusing files over limit bytes. */
int fs_read_file(const char *path, struct buf *b, size_t limit, struct error *e)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;

	if (f == NULL)
		return error_set(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO, "%s: %s", path,
				 strerror(errno));
	b->limit = limit;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_append(b, chunk, n) < 0) {
			fclose(f);
			return error_set(e, ERR_FORMAT, "%s: larger than %zu bytes", path, limit);
		}
	}
	if (ferror(f)) {
		fclose(f);
		return error_set(e, ERR_IO, "%s: read error", path);
	}
	fclose(f);
	if (b->data == NULL)
		buf_reserve(b, 0);
	return 0;
}

/* True if path names an existing directory. */
bool fs_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* True if path is free or a regular file (lstat: a link is not one). */
bool fs_replaceable(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT;
	return S_ISREG(st.st_mode);
}

/* True if path's directory exists and is writable. */
bool fs_can_create(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return access(".", W_OK) == 0;
	snprintf(dir, sizeof dir, "%.*s", (int)(slash > path ? slash - path : 1), path);
	return fs_is_dir(dir) && access(dir, W_OK) == 0;
}

/* Opens /dev/null on fds 0-2 where they are closed. */
void fs_guard_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) /* open() takes the lowest free fd: this one */
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) < 0)
			return;
}

/* Flushes stdout and tells whether everything written reached it. */
int fs_stdout_flush(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		return -1;
	return 0;
}

/* True if path names an existing regular file. */
bool fs_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Joins two path parts. */
int fs_join(char *out, size_t n, const char *a, const char *b)
{
	int w = snprintf(out, n, "%s/%s", a, b);

	return (w < 0 || (size_t)w >= n) ? -1 : 0;
}

/* An XDG base directory with /obdcon appended. */
static int xdg_dir(const char *var, const char *fallback, char *out, size_t n)
{
	const char *base = getenv(var);
	const char *home = getenv("HOME");
	int w;

	if (base && base[0] == '/')
		w = snprintf(out, n, "%s/obdcon", base);
	else if (home && home[0])
		w = snprintf(out, n, "%s/%s/obdcon", home, fallback);
	else
		return -1;
	return (w < 0 || (size_t)w >= n) ? -1 : 0;
}

/* $XDG_DATA_HOME/obdcon. */
int fs_xdg_data_dir(char *out, size_t n)
{
	return xdg_dir("XDG_DATA_HOME", ".local/share", out, n);
}

/* $XDG_CONFIG_HOME/obdcon. */
int fs_xdg_config_dir(char *out, size_t n)
{
	return xdg_dir("XDG_CONFIG_HOME", ".config", out, n);
}

/* $XDG_STATE_HOME/obdcon. */
int fs_xdg_state_dir(char *out, size_t n)
{
	return xdg_dir("XDG_STATE_HOME", ".local/state", out, n);
}

/* True when this process runs the binary in the build tree, not an installed one. */
static bool running_uninstalled(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	size_t blen = strlen(OBDCON_BUILDDIR);

	if (n <= 0)
		return false;
	exe[n] = 0;
	return strncmp(exe, OBDCON_BUILDDIR, blen) == 0 && exe[blen] == '/' &&
	       strchr(exe + blen + 1, '/') == NULL;
}

/* Shipped data: $OBDCON_DATADIR, else the source tree for an uninstalled
 * binary, else $(pkgdatadir). */
const char *fs_pkgdata_dir(void)
{
	const char *env = getenv("OBDCON_DATADIR");

	if (env && env[0])
		return env;
	if (running_uninstalled() && fs_is_dir(OBDCON_SRCDIR "/scripts"))
		return OBDCON_SRCDIR;
	return PKGDATADIR;
}
