/* test_sim_pty.c: the simulator served on a pseudo-terminal and on TCP,
 * used by a client that knows nothing of obdcon: plain open(), termios,
 * read() and write() (and a plain socket), as any outside program would. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "link/link.h"
#include "sim/sim.h"
#include "util/clock.h"

#define REPLY_TIMEOUT_MS 5000

/* A simulator served on a link by a thread. */
struct server {
	struct sim *sim;
	struct link *link;
	volatile sig_atomic_t stop;
	struct error err;
	int rc;
	pthread_t thread;
};

/* The serving thread. */
static void *serve(void *arg)
{
	struct server *sv = arg;

	sv->rc = sim_serve(sv->sim, sv->link, &sv->stop, &sv->err);
	return NULL;
}

/* Starts serving spec on link l. */
static void server_start(struct server *sv, const char *spec, struct link *l)
{
	struct error e = { 0 };

	memset(sv, 0, sizeof *sv);
	if (sim_create(spec, &sv->sim, &e) != 0)
		fail_msg("sim_create: %s", e.text);
	sv->link = l;
	assert_int_equal(pthread_create(&sv->thread, NULL, serve, sv), 0);
}

/* Stops the thread and frees everything. */
static void server_stop(struct server *sv)
{
	sv->stop = 1;
	pthread_join(sv->thread, NULL);
	assert_int_equal(sv->rc, 0);
	link_close(sv->link);
	sim_free(sv->sim);
}

/* Reads from fd until the text ends with '>' (or EOF, error, deadline);
 * returns the length read. */
static size_t read_until_prompt(int fd, char *buf, size_t cap)
{
	int64_t deadline = clock_ms() + REPLY_TIMEOUT_MS;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t n = 0;
	ssize_t r;

	while (n + 1 < cap && (n == 0 || buf[n - 1] != '>')) {
		if (poll(&p, 1, clock_remaining_ms(deadline)) <= 0)
			break;
		r = read(fd, buf + n, cap - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = 0;
	return n;
}

/* Sends a command line and returns the reply up to the prompt. */
static const char *ask(int fd, const char *cmd)
{
	static char reply[1024];

	assert_int_equal(write(fd, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	read_until_prompt(fd, reply, sizeof reply);
	return reply;
}

/* Opens the slave end as a terminal program does: raw, 8N1. */
static int open_terminal(const char *path)
{
	struct termios t;
	int fd = open(path, O_RDWR | O_NOCTTY);

	assert_true(fd >= 0);
	assert_int_equal(tcgetattr(fd, &t), 0);
	cfmakeraw(&t);
	cfsetispeed(&t, B38400);
	cfsetospeed(&t, B38400);
	assert_int_equal(tcsetattr(fd, TCSANOW, &t), 0);
	return fd;
}

/* ATZ, ATI and an OBD request over the pty; a second client after the
 * first closed its end finds the adapter as the first left it. */
static void test_pty(void **state)
{
	struct server sv;
	struct error e = { 0 };
	struct link *l = NULL;
	char path[256];
	int fd;

	(void)state;
	assert_int_equal(link_pty_server(&l, path, sizeof path, &e), 0);
	assert_string_equal(link_kind(l), "pty");
	server_start(&sv, "demo", l);
	fd = open_terminal(path);
	assert_string_equal(ask(fd, "ATZ\r"), "ATZ\r\n\r\n\r\nELM327 v2.2\r\n\r\n>");
	assert_string_equal(ask(fd, "ATI\r"), "ATI\r\nELM327 v2.2\r\n\r\n>");
	assert_string_equal(ask(fd, "ATE0\r"), "ATE0\r\nOK\r\n\r\n>");
	assert_string_equal(ask(fd, "0100\r"), "SEARCHING...\r\n41 00 08 18 00 01 \r\n\r\n>");
	close(fd);
	fd = open_terminal(path);
	assert_string_equal(ask(fd, "ATDPN\r"), "A6\r\n\r\n>");
	close(fd);
	server_stop(&sv);
}

/* eof@N over the pty: the client reads N bytes at most, then the end. */
static void test_pty_eof(void **state)
{
	struct server sv;
	struct error e = { 0 };
	struct link *l = NULL;
	char path[256], buf[256];
	int fd;
	size_t n;

	(void)state;
	assert_int_equal(link_pty_server(&l, path, sizeof path, &e), 0);
	server_start(&sv, "demo,faults=eof@12", l);
	fd = open_terminal(path);
	assert_int_equal(write(fd, "ATI\r", 4), 4);
	/* 4 bytes in, 8 out: "ATI\r\nELM" */
	n = read_until_prompt(fd, buf, sizeof buf);
	assert_int_equal(n, 8);
	assert_string_equal(buf, "ATI\r\nELM");
	pthread_join(sv.thread, NULL);
	assert_int_equal(sv.rc, 0);
	assert_true(read(fd, buf, sizeof buf) <= 0);
	close(fd);
	link_close(sv.link);
	sim_free(sv.sim);
}

/* A plain TCP client of link_tcp_listen / link_tcp_accept. */
static void test_tcp(void **state)
{
	struct server sv;
	struct error e = { 0 };
	struct link *listener = NULL, *conn = NULL;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char bound[128];
	const char *port;
	int fd;

	(void)state;
	assert_int_equal(link_tcp_listen("0", &listener, bound, sizeof bound, &e), 0);
	assert_int_equal(strncmp(bound, "127.0.0.1:", 10), 0);
	port = bound + 10;
	assert_true(atoi(port) > 0);
	assert_int_equal(link_tcp_accept(listener, &conn, 0, &e), 0); /* nobody yet */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_port = htons((uint16_t)atoi(port));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(link_tcp_accept(listener, &conn, REPLY_TIMEOUT_MS, &e), 1);
	server_start(&sv, ",adapter=stn1110", conn);
	assert_string_equal(ask(fd, "STI\r"), "STI\r\nSTN1110 v4.3.2\r\n\r\n>");
	close(fd);
	pthread_join(sv.thread, NULL); /* the client's close ends serving */
	assert_int_equal(sv.rc, 0);
	link_close(conn);
	sim_free(sv.sim);
	link_close(listener);
	assert_int_equal(link_tcp_listen("nonsense", &listener, bound, sizeof bound, &e), -ERR_ARG);
}

/* Runs every test as one group (one TAP plan). */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pty),
		cmocka_unit_test(test_pty_eof),
		cmocka_unit_test(test_tcp),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
