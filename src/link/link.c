/* link.c: byte transports: serial devices through libserialport, pseudo-
 * terminals through termios, TCP sockets, and in-process socket pairs. All
 * share one descriptor-based read/write path with deadlines. */
#include "config.h"
#include "link/link.h"

#include <errno.h>
#include <fcntl.h>
#include <libserialport.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/hex.h"

#define LINK_DEFAULT_BAUD 38400
#define LINK_CONNECT_TIMEOUT_MS 5000
#define HANGUP_DRAIN_MS 1000

enum link_kind { KIND_SERIAL, KIND_PTY, KIND_TCP, KIND_PAIR, KIND_LISTEN };

struct link {
	enum link_kind kind;
	int fd;
	int hold_fd;     /* pty server: the slave end kept open, or -1 */
	struct sp_port *sp;
	int baud;
	char name[PATH_MAX + 16];
	link_tap_fn tap;
	void *tap_arg;
	uint64_t tx, rx;
	bool gone;       /* a read or write found the other end gone (EOF) */
};

/* Allocates a link record for a descriptor. */
static struct link *link_alloc(enum link_kind kind, int fd, const char *name)
{
	struct link *l = calloc(1, sizeof *l);

	if (l == NULL)
		return NULL;
	l->kind = kind;
	l->fd = fd;
	l->hold_fd = -1;
	snprintf(l->name, sizeof l->name, "%s", name);
	return l;
}

/* Puts a descriptor in non-blocking, close-on-exec mode. */
static int set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Maps a baud number to a termios speed constant, 0 if unsupported. */
static speed_t baud_to_speed(int baud)
{
	static const struct { int baud; speed_t speed; } table[] = {
		{ 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 },
		{ 115200, B115200 }, { 230400, B230400 }, { 460800, B460800 },
		{ 500000, B500000 }, { 576000, B576000 }, { 921600, B921600 },
		{ 1000000, B1000000 }, { 1152000, B1152000 }, { 1500000, B1500000 },
		{ 2000000, B2000000 }, { 3000000, B3000000 }, { 4000000, B4000000 },
	};
	size_t i;

	for (i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].baud == baud)
			return table[i].speed;
	return 0;
}

/* Configures a tty descriptor as raw 8N1 at baud. */
static int termios_configure(int fd, int baud, struct error *e)
{
	struct termios t;
	speed_t sp = baud_to_speed(baud);

	if (sp == 0)
		return error_set(e, ERR_ARG, "unsupported baud rate %d", baud);
	if (tcgetattr(fd, &t) < 0)
		return error_set(e, ERR_OPEN, "not a serial port or terminal (%s)", strerror(errno));
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~(CSTOPB | CRTSCTS);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	cfsetispeed(&t, sp);
	cfsetospeed(&t, sp);
	if (tcsetattr(fd, TCSANOW, &t) < 0)
		return error_set(e, ERR_OPEN, "tcsetattr: %s", strerror(errno));
	return 0;
}

/* Takes exclusive use of a tty: a second console gets a clear error. */
static int lock_exclusive(int fd, const char *path, struct error *e)
{
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return error_set(e, ERR_BUSY, "%s is in use by another program", path);
		return error_set(e, ERR_OPEN, "lock %s: %s", path, strerror(errno));
	}
	ioctl(fd, TIOCEXCL);
	return 0;
}

/* Splits "path@baud" into path and baud. */
static int split_baud(const char *spec, char *path, size_t n, int *baud, struct error *e)
{
	const char *at = strrchr(spec, '@');
	unsigned long v;

	*baud = LINK_DEFAULT_BAUD;
	if (at == NULL) {
		snprintf(path, n, "%s", spec);
		return 0;
	}
	if (parse_uint(at + 1, 16000000, &v) < 0 || v == 0)
		return error_set(e, ERR_ARG, "bad baud rate in '%s'", spec);
	*baud = (int)v;
	snprintf(path, n, "%.*s", (int)(at - spec), spec);
	return 0;
}

/* True if path (after symlinks) is a pseudo-terminal, which libserialport refuses. */
static int is_pty_path(const char *path)
{
	char real[PATH_MAX];

	if (realpath(path, real) == NULL)
		return 0;
	return strncmp(real, "/dev/pts/", 9) == 0 || strcmp(real, "/dev/ptmx") == 0;
}

/* Opens a pseudo-terminal (or any tty libserialport refuses) with termios. */
static int open_pty(const char *path, int baud, const char *spec, struct link **out,
		    struct error *e)
{
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return error_set(e, ERR_OPEN, "cannot open %s: %s",
				 path, strerror(errno));
	if (lock_exclusive(fd, path, e) < 0 ||
	    (termios_configure(fd, baud, e) < 0 && error_wrap(e, "%s", path) < 0)) {
		close(fd);
		return -(int)e->kind;
	}
	*out = link_alloc(KIND_PTY, fd, spec);
	if (*out == NULL) {
		close(fd);
		return error_set(e, ERR_NOMEM, "out of memory");
	}
	(*out)->baud = baud;
	tcflush(fd, TCIOFLUSH);
	return 0;
}

/* Text of libserialport's last error. */
static const char *sp_error_text(void)
{
	static char text[256];
	char *msg = sp_last_error_message();

	snprintf(text, sizeof text, "%s", msg ? msg : "unknown error");
	sp_free_error_message(msg);
	return text;
}

/* Opens a USB or Bluetooth serial device through libserialport. */
static int open_serial(const char *path, int baud, const char *spec, struct link **out,
		       struct error *e)
{
	struct sp_port *port = NULL;
	int fd;

	if (sp_get_port_by_name(path, &port) != SP_OK)
		return open_pty(path, baud, spec, out, e);
	if (sp_open(port, SP_MODE_READ_WRITE) != SP_OK) {
		error_set(e, errno == EBUSY ? ERR_BUSY : ERR_OPEN, "cannot open %s: %s", path,
			  sp_error_text());
		sp_free_port(port);
		return -(int)e->kind;
	}
	if (sp_set_baudrate(port, baud) != SP_OK || sp_set_bits(port, 8) != SP_OK ||
	    sp_set_parity(port, SP_PARITY_NONE) != SP_OK || sp_set_stopbits(port, 1) != SP_OK ||
	    sp_set_flowcontrol(port, SP_FLOWCONTROL_NONE) != SP_OK) {
		error_set(e, ERR_OPEN, "cannot configure %s at %d baud: %s", path, baud,
			  sp_error_text());
		sp_close(port);
		sp_free_port(port);
		return -(int)e->kind;
	}
	sp_get_port_handle(port, &fd);
	if (lock_exclusive(fd, path, e) < 0 || set_nonblocking(fd) < 0) {
		sp_close(port);
		sp_free_port(port);
		return e->kind ? -(int)e->kind : error_set(e, ERR_OPEN, "%s: fcntl failed", path);
	}
	*out = link_alloc(KIND_SERIAL, fd, spec);
	if (*out == NULL) {
		sp_close(port);
		sp_free_port(port);
		return error_set(e, ERR_NOMEM, "out of memory");
	}
	(*out)->sp = port;
	(*out)->baud = baud;
	sp_flush(port, SP_BUF_BOTH);
	return 0;
}

/* Waits until fd is ready for events or the deadline passes: 1 ready, 0 timeout. */
static int wait_fd(int fd, short events, int timeout_ms, short *revents)
{
	struct pollfd p = { .fd = fd, .events = events };
	int64_t deadline = clock_ms() + timeout_ms;
	int rc;

	for (;;) {
		rc = poll(&p, 1, clock_remaining_ms(deadline));
		if (rc >= 0 || errno != EINTR)
			break;
	}
	*revents = rc > 0 ? p.revents : 0;
	return rc > 0 ? 1 : rc;
}

/* Connects a non-blocking socket within the connect timeout. */
static int connect_with_timeout(int fd, const struct addrinfo *ai)
{
	short rev;
	int err = 0;
	socklen_t len = sizeof err;

	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	if (wait_fd(fd, POLLOUT, LINK_CONNECT_TIMEOUT_MS, &rev) <= 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
		errno = err ? err : errno;
		return -1;
	}
	return 0;
}

/* Opens "tcp:HOST:PORT" (Wi-Fi adapters) with TCP_NODELAY. */
static int open_tcp(const char *spec, struct link **out, struct error *e)
{
	char host[256];
	const char *hp = spec + 4, *colon = strrchr(hp, ':');
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL, *ai;
	int fd = -1, one = 1, rc, saved = 0;

	if (colon == NULL || colon == hp || colon[1] == 0 || (size_t)(colon - hp) >= sizeof host)
		return error_set(e, ERR_ARG, "bad TCP port '%s' (want tcp:HOST:PORT)", spec);
	snprintf(host, sizeof host, "%.*s", (int)(colon - hp), hp);
	rc = getaddrinfo(host, colon + 1, &hints, &res);
	if (rc != 0)
		return error_set(e, ERR_OPEN, "cannot resolve %s: %s", host, gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		if (connect_with_timeout(fd, ai) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return error_set(e, ERR_OPEN, "cannot connect to %s: %s", spec + 4,
				 strerror(saved ? saved : ECONNREFUSED));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	*out = link_alloc(KIND_TCP, fd, spec);
	if (*out == NULL) {
		close(fd);
		return error_set(e, ERR_NOMEM, "out of memory");
	}
	return 0;
}

/* Opens a device path, a pty, or tcp:HOST:PORT. */
int link_open(const char *spec, struct link **out, struct error *e)
{
	char path[PATH_MAX];
	int baud;

	*out = NULL;
	if (spec == NULL || spec[0] == 0)
		return error_set(e, ERR_ARG, "no port given");
	if (strncmp(spec, "tcp:", 4) == 0)
		return open_tcp(spec, out, e);
	if (strncmp(spec, "sim:", 4) == 0)
		return error_set(e, ERR_ARG, "sim: ports are served by the simulator, not link_open");
	if (split_baud(spec, path, sizeof path, &baud, e) < 0)
		return -(int)e->kind;
	if (access(path, F_OK) < 0)
		return error_set(e, ERR_OPEN, "cannot open %s: %s", path, strerror(errno));
	if (is_pty_path(path))
		return open_pty(path, baud, spec, out, e);
	return open_serial(path, baud, spec, out, e);
}

/* Creates two connected in-process links. */
int link_pair(struct link **a, struct link **b, const char *name, struct error *e)
{
	int sv[2];
	char label[64];

	*a = *b = NULL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		return error_set(e, ERR_OPEN, "socketpair: %s", strerror(errno));
	snprintf(label, sizeof label, "pair:%s", name ? name : "");
	*a = link_alloc(KIND_PAIR, sv[0], label);
	*b = link_alloc(KIND_PAIR, sv[1], label);
	if (*a == NULL || *b == NULL) {
		link_close(*a);
		link_close(*b);
		*a = *b = NULL;
		return error_set(e, ERR_NOMEM, "out of memory");
	}
	return 0;
}

/* Closes a link and frees it. */
void link_close(struct link *l)
{
	if (l == NULL)
		return;
	if ((l->kind == KIND_SERIAL || l->kind == KIND_PTY) && l->fd >= 0 && l->hold_fd < 0)
		ioctl(l->fd, TIOCNXCL); /* a served pty outlives us: leave it open to others */
	if (l->sp) {
		sp_close(l->sp);
		sp_free_port(l->sp);
	} else if (l->fd >= 0) {
		close(l->fd);
	}
	if (l->hold_fd >= 0)
		close(l->hold_fd);
	free(l);
}

/* Classifies a read/write errno: a vanished device is EOF, others I/O. */
static int io_error(struct link *l, const char *what, int err, struct error *e)
{
	if (err == EIO || err == ENXIO || err == ENODEV || err == EPIPE || err == ECONNRESET)
		return error_set(e, ERR_EOF, "%s: adapter disconnected (%s)", l->name, strerror(err));
	return error_set(e, ERR_IO, "%s %s: %s", what, l->name, strerror(err));
}

/* One write: send() without SIGPIPE on sockets, write() on ttys. */
static ssize_t send_or_write(struct link *l, const uint8_t *p, size_t n)
{
	if (l->kind == KIND_TCP || l->kind == KIND_PAIR)
		return send(l->fd, p, n, MSG_NOSIGNAL);
	return write(l->fd, p, n);
}

/* Writes all bytes within the timeout; the tap sees what was written. */
static int write_all(struct link *l, const void *data, size_t n, int timeout_ms, struct error *e)
{
	const uint8_t *p = data;
	int64_t deadline = clock_ms() + timeout_ms;
	short rev;

	if (l->fd < 0)
		return error_set(e, ERR_EOF, "%s: link closed", l->name);
	while (n > 0) {
		ssize_t w = send_or_write(l, p, n);
		if (w > 0) {
			if (l->tap)
				l->tap(l->tap_arg, LINK_TX, p, (size_t)w);
			p += w;
			n -= (size_t)w;
			l->tx += (uint64_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return io_error(l, "write", errno, e);
		if (wait_fd(l->fd, POLLOUT, clock_remaining_ms(deadline), &rev) <= 0)
			return error_set(e, ERR_TIMEOUT, "write %s: timed out", l->name);
		if (rev & (POLLERR | POLLHUP | POLLNVAL))
			return error_set(e, ERR_EOF, "%s: link closed", l->name);
	}
	return 0;
}

/* Reads what is available, waiting up to timeout_ms. */
static long read_some(struct link *l, void *buf, size_t cap, int timeout_ms, struct error *e)
{
	short rev;
	ssize_t r;
	int rc;

	if (l->fd < 0)
		return error_set(e, ERR_EOF, "%s: link closed", l->name);
	for (;;) {
		r = read(l->fd, buf, cap);
		if (r > 0) {
			l->rx += (uint64_t)r;
			if (l->tap)
				l->tap(l->tap_arg, LINK_RX, buf, (size_t)r);
			return (long)r;
		}
		if (r == 0 && l->kind != KIND_SERIAL && l->kind != KIND_PTY)
			return error_set(e, ERR_EOF, "%s: link closed by the adapter", l->name);
		if (r < 0 && errno != EAGAIN && errno != EINTR)
			return io_error(l, "read", errno, e);
		if (timeout_ms <= 0)
			return 0;
		rc = wait_fd(l->fd, POLLIN, timeout_ms, &rev);
		if (rc == 0)
			return 0;
		if (rc < 0)
			return io_error(l, "poll", errno, e);
		if ((rev & (POLLHUP | POLLERR | POLLNVAL)) && !(rev & POLLIN))
			return error_set(e, ERR_EOF, "%s: adapter disconnected", l->name);
		timeout_ms = 0;
	}
}

/* Writes all bytes within the timeout; an EOF marks the link gone. */
int link_write(struct link *l, const void *data, size_t n, int timeout_ms, struct error *e)
{
	int rc = write_all(l, data, n, timeout_ms, e);

	if (rc == -ERR_EOF)
		l->gone = true;
	return rc;
}

/* Reads what is available, waiting up to timeout_ms; an EOF marks the
 * link gone. */
long link_read(struct link *l, void *buf, size_t cap, int timeout_ms, struct error *e)
{
	long r = read_some(l, buf, cap, timeout_ms, e);

	if (r == -ERR_EOF)
		l->gone = true;
	return r;
}

/* True once the other end was found gone (unplugged, closed, EOF). */
bool link_gone(const struct link *l)
{
	return l && (l->gone || l->fd < 0);
}

/* Reads what is available, waiting up to timeout_us microseconds (for the
 * simulator's real-time pacing, finer than poll's milliseconds). */
long link_read_us(struct link *l, void *buf, size_t cap, int64_t timeout_us, struct error *e)
{
	struct timespec ts;
	fd_set set;
	long r = link_read(l, buf, cap, 0, e);
	int rc;

	if (r != 0 || timeout_us <= 0)
		return r;
	if (l->fd >= FD_SETSIZE)
		return link_read(l, buf, cap, (int)((timeout_us + 999) / 1000), e);
	FD_ZERO(&set);
	FD_SET(l->fd, &set);
	ts.tv_sec = (time_t)(timeout_us / 1000000);
	ts.tv_nsec = (long)(timeout_us % 1000000) * 1000;
	rc = pselect(l->fd + 1, &set, NULL, NULL, &ts, NULL);
	if (rc < 0 && errno != EINTR)
		return io_error(l, "select", errno, e);
	return rc > 0 ? link_read(l, buf, cap, 0, e) : 0;
}

/* Discards bytes already waiting (they still reach the tap), at most
 * LINK_DRAIN_MAX: an adapter that never stops talking cannot hold the
 * caller here; what it says next fails the caller's command instead. */
long link_drain(struct link *l)
{
	uint8_t junk[256];
	long total = 0, r;

	while (total < LINK_DRAIN_MAX && (r = link_read(l, junk, sizeof junk, 0, NULL)) > 0)
		total += r;
	return total;
}

/* Descriptor to poll for readability. */
int link_poll_fd(const struct link *l)
{
	return l->fd;
}

/* Installs the tap that sees every byte. */
void link_set_tap(struct link *l, link_tap_fn fn, void *arg)
{
	l->tap = fn;
	l->tap_arg = arg;
}

/* The port as given. */
const char *link_name(const struct link *l)
{
	return l->name;
}

/* Kind of transport as a word. */
const char *link_kind(const struct link *l)
{
	static const char *const names[] = { "serial", "pty", "tcp", "pair", "listen" };

	return names[l->kind];
}

/* Current UART rate, 0 when not a serial line. */
int link_baud(const struct link *l)
{
	return l->baud;
}

/* Changes the UART rate of a serial or pty link; an in-process pair only
 * records the rate the simulator at its other end models. */
int link_set_baud(struct link *l, int baud, struct error *e)
{
	if (l->kind == KIND_SERIAL) {
		if (sp_set_baudrate(l->sp, baud) != SP_OK)
			return error_set(e, ERR_IO, "cannot set %d baud on %s: %s", baud, l->name,
					 sp_error_text());
	} else if (l->kind == KIND_PTY) {
		if (termios_configure(l->fd, baud, e) < 0)
			return -(int)e->kind;
	} else if (l->kind != KIND_PAIR) {
		return error_set(e, ERR_ARG, "%s has no baud rate", l->name);
	}
	l->baud = baud; /* a pair only records the rate its other end models */
	return 0;
}

/* Counters: bytes written and read since open. */
void link_counters(const struct link *l, uint64_t *tx, uint64_t *rx)
{
	*tx = l->tx;
	*rx = l->rx;
}

/* Opens the slave end of a new pty (to hold it) and makes it raw. */
static int pty_hold(int master, char *path, size_t n, int *slave, struct error *e)
{
	struct termios t;

	if (grantpt(master) < 0 || unlockpt(master) < 0 || ptsname_r(master, path, n) != 0)
		return error_set(e, ERR_OPEN, "pty: %s", strerror(errno));
	*slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		return error_set(e, ERR_OPEN, "cannot open %s: %s", path, strerror(errno));
	if (tcgetattr(*slave, &t) == 0) {
		cfmakeraw(&t);
		t.c_cflag |= CLOCAL | CREAD;
		tcsetattr(*slave, TCSANOW, &t);
	}
	return 0;
}

/* Creates a pseudo-terminal pair: the master as a link, the slave's path. */
int link_pty_server(struct link **out, char *path, size_t n, struct error *e)
{
	int master, slave = -1;

	*out = NULL;
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0)
		return error_set(e, ERR_OPEN, "posix_openpt: %s", strerror(errno));
	if (pty_hold(master, path, n, &slave, e) < 0 || set_nonblocking(master) < 0) {
		if (e->kind == ERR_NONE)
			error_set(e, ERR_OPEN, "pty: fcntl failed");
		if (slave >= 0)
			close(slave);
		close(master);
		return -(int)e->kind;
	}
	*out = link_alloc(KIND_PTY, master, path);
	if (*out == NULL) {
		close(slave);
		close(master);
		return error_set(e, ERR_NOMEM, "out of memory");
	}
	(*out)->hold_fd = slave;
	return 0;
}

/* Splits "[HOST:]PORT" (HOST defaults to the loopback address). */
static int split_hostport(const char *hostport, char *host, size_t hn, char *port, size_t pn,
			  struct error *e)
{
	const char *colon = strrchr(hostport, ':');
	unsigned long v;

	snprintf(host, hn, "%s", "127.0.0.1");
	if (colon != NULL && (size_t)(colon - hostport) < hn && colon > hostport)
		snprintf(host, hn, "%.*s", (int)(colon - hostport), hostport);
	snprintf(port, pn, "%s", colon ? colon + 1 : hostport);
	if (parse_uint(port, 65535, &v) < 0)
		return error_set(e, ERR_ARG, "bad TCP port '%s' (want [HOST:]PORT)", hostport);
	return 0;
}

/* Binds and listens on the first address that works. */
static int listen_on(const struct addrinfo *res, int *fd)
{
	const struct addrinfo *ai;
	int one = 1, saved = EADDRNOTAVAIL;

	for (ai = res; ai; ai = ai->ai_next) {
		*fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (*fd < 0) {
			saved = errno;
			continue;
		}
		setsockopt(*fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(*fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(*fd, 4) == 0)
			return 0;
		saved = errno;
		close(*fd);
	}
	*fd = -1;
	return saved;
}

/* Writes "HOST:PORT" as bound. */
static void bound_name(int fd, const char *host, char *bound, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char port[16] = "?";

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		getnameinfo((struct sockaddr *)&ss, len, NULL, 0, port, sizeof port, NI_NUMERICSERV);
	snprintf(bound, n, "%s:%s", host, port);
}

/* Listens on TCP "[HOST:]PORT". */
int link_tcp_listen(const char *hostport, struct link **out, char *bound, size_t n,
		    struct error *e)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *res = NULL;
	char host[256], port[16], label[300];
	int fd, rc;

	*out = NULL;
	if (split_hostport(hostport, host, sizeof host, port, sizeof port, e) < 0)
		return -(int)e->kind;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0)
		return error_set(e, ERR_OPEN, "cannot resolve %s: %s", host, gai_strerror(rc));
	rc = listen_on(res, &fd);
	freeaddrinfo(res);
	if (fd < 0)
		return error_set(e, ERR_OPEN, "cannot listen on %s:%s: %s", host, port, strerror(rc));
	bound_name(fd, host, bound, n);
	snprintf(label, sizeof label, "listen:%s", bound);
	*out = link_alloc(KIND_LISTEN, fd, label);
	if (*out == NULL) {
		close(fd);
		return error_set(e, ERR_NOMEM, "out of memory");
	}
	return 0;
}

/* Waits for a connection on a listening link. */
int link_tcp_accept(struct link *listener, struct link **out, int timeout_ms, struct error *e)
{
	short rev;
	int fd, one = 1;
	char label[64];

	*out = NULL;
	if (listener->kind != KIND_LISTEN)
		return error_set(e, ERR_ARG, "%s is not listening", listener->name);
	if (wait_fd(listener->fd, POLLIN, timeout_ms, &rev) <= 0)
		return 0;
	fd = accept4(listener->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return errno == EAGAIN || errno == EINTR || errno == ECONNABORTED
			       ? 0
			       : error_set(e, ERR_IO, "accept: %s", strerror(errno));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	snprintf(label, sizeof label, "tcp-client:%d", fd);
	*out = link_alloc(KIND_TCP, fd, label);
	if (*out == NULL) {
		close(fd);
		return error_set(e, ERR_NOMEM, "out of memory");
	}
	return 1;
}

/* Bytes written to a pty server not yet read by its client: still in
 * the master's queue or in the slave's input; -1 on error. */
static int pty_pending(const struct link *l)
{
	int out = 0, in = 0;

	if (ioctl(l->fd, TIOCOUTQ, &out) < 0 || ioctl(l->hold_fd, FIONREAD, &in) < 0)
		return -1;
	return out + in;
}

/* Waits (up to HANGUP_DRAIN_MS) until a pty client has read what was
 * written: closing the master would discard it. The kernel moves bytes
 * from master to slave asynchronously, so "nothing pending" must be seen
 * twice, a millisecond apart. */
static void pty_drain(struct link *l)
{
	int64_t deadline = clock_ms() + HANGUP_DRAIN_MS;
	int quiet = 0, n;

	while (quiet < 2 && clock_ms() < deadline) {
		clock_sleep_us(1000);
		n = pty_pending(l);
		if (n < 0)
			return;
		quiet = n == 0 ? quiet + 1 : 0;
	}
}

/* Hangs the link up: sockets are shut down, terminals closed (a pty
 * server's after its client read what is waiting). */
void link_hangup(struct link *l)
{
	if (l == NULL || l->fd < 0 || l->sp != NULL)
		return;
	if (l->kind == KIND_TCP || l->kind == KIND_PAIR) {
		shutdown(l->fd, SHUT_RDWR);
		return;
	}
	if (l->hold_fd >= 0)
		pty_drain(l);
	close(l->fd);
	l->fd = -1;
	if (l->hold_fd >= 0) {
		close(l->hold_fd);
		l->hold_fd = -1;
	}
}

/* Lists present serial ports. */
int link_list_ports(struct link_port *out, size_t max, struct error *e)
{
	struct sp_port **ports = NULL;
	size_t n = 0, i;

	if (sp_list_ports(&ports) != SP_OK)
		return error_set(e, ERR_IO, "cannot list serial ports: %s", sp_error_text());
	for (i = 0; ports[i] && n < max; i++) {
		const char *desc = sp_get_port_description(ports[i]);
		snprintf(out[n].name, sizeof out[n].name, "%s", sp_get_port_name(ports[i]));
		snprintf(out[n].description, sizeof out[n].description, "%s", desc ? desc : "");
		n++;
	}
	sp_free_port_list(ports);
	return (int)n;
}
