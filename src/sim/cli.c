/* cli.c: "obdcon sim ...": the simulator for other programs.
 *
 *   sim --list                          the profiles, one a line, name first
 *   sim --pty [VEHICLE][,options]       serves on a new pseudo-terminal; its
 *                                       path is the first line of stdout
 *   sim --tcp [HOST:]PORT [VEHICLE][,options]
 *                                       serves TCP connections one at a time
 *                                       (loopback unless HOST is given; port
 *                                       0 picks one), each with a new
 *                                       simulator; first line of stdout:
 *                                       "listening on HOST:PORT"
 *
 * The spec is what follows "sim:" in a port ("demo,adapter=stn1110,
 * faults=..."). Serving ends on SIGINT or SIGTERM (exit status 0); bad
 * usage exits 2, other failures 1. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "sim/sim_internal.h"

#define ACCEPT_POLL_MS 50
#define PATH_TEXT_MAX 512

/* Set by SIGINT / SIGTERM. */
static volatile sig_atomic_t sim_cli_stop;

/* Signal handler: asks the serving loop to end. */
static void on_signal(int sig)
{
	(void)sig;
	sim_cli_stop = 1;
}

/* Prints the usage to f; returns status. */
static int usage(FILE *f, int status)
{
	fputs("Usage: obdcon sim --list\n"
	      "       obdcon sim --pty [VEHICLE][,option=value...]\n"
	      "       obdcon sim --tcp [HOST:]PORT [VEHICLE][,option=value...]\n"
	      "Options: adapter=PROFILE, state=FILE, faults=ITEM+ITEM..., baud=N, throttle\n",
	      f);
	return status;
}

/* Exit status for a failed step: 2 for a bad spec, 1 otherwise. */
static int fail(const struct error *e)
{
	fprintf(stderr, "obdcon sim: %s\n", e->text);
	return e->kind == ERR_ARG || e->kind == ERR_FORMAT || e->kind == ERR_NOT_FOUND ? 2 : 1;
}

/* The spec without a leading "sim:". */
static const char *spec_of(const char *arg)
{
	if (arg == NULL)
		return "";
	return strncmp(arg, "sim:", 4) == 0 ? arg + 4 : arg;
}

/* Installs (or, with old set, restores) the SIGINT/SIGTERM handlers. */
static void handle_signals(struct sigaction *old, bool restore)
{
	struct sigaction sa;

	if (restore) {
		sigaction(SIGINT, &old[0], NULL);
		sigaction(SIGTERM, &old[1], NULL);
		sigaction(SIGPIPE, &old[2], NULL);
		return;
	}
	sim_cli_stop = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old[0]);
	sigaction(SIGTERM, &sa, &old[1]);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old[2]);
}

/* sim --list. */
static int list(void)
{
	struct buf b = { 0 };

	sim_list_profiles(&b);
	fputs(buf_str(&b), stdout);
	buf_free(&b);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* sim --pty SPEC. */
static int serve_pty(const char *spec)
{
	char path[PATH_TEXT_MAX];
	struct error e = { 0 };
	struct link *l = NULL;
	struct sim *s = NULL;
	int rc;

	if (sim_create(spec, &s, &e) < 0)
		return fail(&e);
	if (link_pty_server(&l, path, sizeof path, &e) < 0) {
		sim_free(s);
		return fail(&e);
	}
	printf("%s\n", path);
	fflush(stdout);
	rc = sim_serve(s, l, &sim_cli_stop, &e);
	link_close(l);
	sim_free(s);
	if (rc < 0)
		return fail(&e);
	if (!sim_cli_stop)
		fprintf(stderr, "obdcon sim: the link was closed (eof fault)\n");
	return 0;
}

/* Serves one TCP connection with a new simulator. */
static int serve_connection(const char *spec, struct link *conn)
{
	struct error e = { 0 };
	struct sim *s = NULL;
	int rc;

	if (sim_create(spec, &s, &e) < 0)
		return fail(&e);
	rc = sim_serve(s, conn, &sim_cli_stop, &e);
	sim_free(s);
	if (rc < 0)
		fprintf(stderr, "obdcon sim: %s\n", e.text);
	return 0;
}

/* sim --tcp [HOST:]PORT SPEC. */
static int serve_tcp(const char *hostport, const char *spec)
{
	char bound[PATH_TEXT_MAX];
	struct error e = { 0 };
	struct link *l = NULL, *conn = NULL;
	struct sim *s = NULL;
	int rc = 0;

	if (sim_create(spec, &s, &e) < 0)
		return fail(&e);
	sim_free(s);
	if (link_tcp_listen(hostport, &l, bound, sizeof bound, &e) < 0)
		return fail(&e);
	printf("listening on %s\n", bound);
	fflush(stdout);
	while (!sim_cli_stop && rc == 0) {
		int got = link_tcp_accept(l, &conn, ACCEPT_POLL_MS, &e);
		if (got < 0)
			rc = fail(&e);
		else if (got > 0)
			rc = serve_connection(spec, conn);
		link_close(conn);
		conn = NULL;
	}
	link_close(l);
	return rc;
}

/* "obdcon sim ...": argv[0] is "sim". */
int sim_main(int argc, char **argv)
{
	struct sigaction old[3];
	int rc;

	if (argc < 2)
		return usage(stderr, 2);
	if (strcmp(argv[1], "--help") == 0 && argc == 2)
		return usage(stdout, 0);
	if (strcmp(argv[1], "--list") == 0 && argc == 2)
		return list();
	if (strcmp(argv[1], "--pty") == 0 && argc <= 3) {
		handle_signals(old, false);
		rc = serve_pty(spec_of(argc == 3 ? argv[2] : NULL));
	} else if (strcmp(argv[1], "--tcp") == 0 && (argc == 3 || argc == 4)) {
		handle_signals(old, false);
		rc = serve_tcp(argv[2], spec_of(argc == 4 ? argv[3] : NULL));
	} else {
		fprintf(stderr, "obdcon sim: bad usage\n");
		return usage(stderr, 2);
	}
	handle_signals(old, true);
	return rc;
}
