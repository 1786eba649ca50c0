/* cli.c: dispatch of batch commands: argument checks, connecting, the
 * command, closing (the session is packed), and exit statuses. */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* Batch hook: messages to stderr (info only when verbose). */
static void batch_message(void *arg, enum app_level level, const char *text)
{
	const struct cli_options *opt = arg;

	if (level == APP_PROGRESS && !(opt->verbose && isatty(STDERR_FILENO)))
		return;
	if (level == APP_INFO && !opt->verbose)
		return;
	fprintf(stderr, "obdcon: %s%s\n", level == APP_WARNING ? "warning: " :
					  level == APP_ERROR ? "error: " : "", text);
}

/* Batch hook: --yes answers yes; a terminal is asked; otherwise no. */
static bool batch_confirm(void *arg, const char *title, const char *body)
{
	const struct cli_options *opt = arg;
	char answer[16];

	if (opt->yes)
		return true;
	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
		fprintf(stderr, "obdcon: %s\n%sobdcon: not confirmed: give --yes to write without "
				"asking\n", title, body);
		return false;
	}
	fprintf(stderr, "%s\n%s%s [y/N] ", title, body, title);
	if (fgets(answer, sizeof answer, stdin) == NULL)
		return false;
	return answer[0] == 'y' || answer[0] == 'Y';
}

/* Batch hook for a script's question: --answer picks the choice by name;
 * on a terminal the user is asked; otherwise there is no answer. */
static int batch_ask(void *arg, const char *question, const char *const *choices, size_t n)
{
	const struct cli_options *opt = arg;
	char line[128];
	size_t i;

	for (i = 0; opt->answer && i < n; i++)
		if (strcmp(choices[i], opt->answer) == 0)
			return (int)i;
	if (opt->answer || !isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
		if (opt->answer)
			fprintf(stderr, "obdcon: --answer=%s is not one of the choices\n", opt->answer);
		fprintf(stderr, "obdcon: a script asks: %s (answer with --answer=", question);
		for (i = 0; i < n; i++)
			fprintf(stderr, "%s%s", i ? "|" : "", choices[i]);
		fprintf(stderr, ")\n");
		return -1;
	}
	fprintf(stderr, "%s\n", question);
	for (i = 0; i < n; i++)
		fprintf(stderr, "  %zu) %s\n", i + 1, choices[i]);
	fprintf(stderr, "choice (empty to cancel): ");
	if (fgets(line, sizeof line, stdin) == NULL)
		return -1;
	i = (size_t)strtoul(line, NULL, 10);
	return i >= 1 && i <= n ? (int)i - 1 : -1;
}

/* Prints "obdcon: message", a short usage and returns the usage status. */
int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "obdcon: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nUsage: obdcon [--port PORT | --demo] [OPTION]... COMMAND [ARG]...\n"
			"Try 'obdcon --help' for more information.\n");
	return CLI_EXIT_USAGE;
}

/* What connecting means for a command. */
enum cli_connect {
	CONNECT_NONE,  /* no adapter (ports, sessions...) */
	CONNECT_RAW,   /* adapter only (uds) */
	CONNECT_SCAN,  /* adapter, VIN and identification of the declared modules */
	CONNECT_ALL,   /* the same, and discovery of the modules not declared */
};

/* A batch command: its name, what it needs, its checks and body. */
struct cli_command {
	const char *name;
	enum cli_connect connect;
	int (*check)(const struct cli_options *opt);
	int (*run)(struct app *a, const struct cli_options *opt, struct error *e);
	int (*run_offline)(const struct cli_options *opt);
	int max_args; /* arguments after the name, -1 = any */
};

static const struct cli_command commands[] = {
	{ "scan", CONNECT_ALL, NULL, cli_scan, NULL, 0 },
	{ "features", CONNECT_SCAN, NULL, cli_features, NULL, 0 },
	{ "code", CONNECT_SCAN, cli_check_code, cli_code, NULL, -1 },
	{ "dtc", CONNECT_ALL, cli_check_dtc, cli_dtc, NULL, 0 },
	{ "live", CONNECT_SCAN, cli_check_live, cli_live, NULL, -1 },
	{ "uds", CONNECT_RAW, cli_check_uds, cli_uds, NULL, -1 },
	{ "restore", CONNECT_SCAN, cli_check_restore, cli_restore, NULL, 1 },
	{ "flash", CONNECT_SCAN, cli_check_flash, cli_flash, NULL, 2 },
	{ "readout", CONNECT_SCAN, cli_check_readout, cli_readout, NULL, 2 },
	{ "ports", CONNECT_NONE, NULL, NULL, cli_ports, 0 },
	{ "sessions", CONNECT_NONE, NULL, NULL, cli_sessions, 0 },
	{ "export", CONNECT_NONE, NULL, NULL, cli_export, 1 },
	{ "import", CONNECT_NONE, NULL, NULL, cli_import, 1 },
	{ "check", CONNECT_NONE, NULL, NULL, cli_check, -1 },
};

/* The command called name, or NULL. */
static const struct cli_command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* True when name is a batch command. */
bool cli_is_command(const char *name)
{
	return find_command(name) != NULL;
}

/* Checks the arguments of a command before anything is opened. */
static int check_args(const struct cli_command *c, const struct cli_options *opt)
{
	static const char *const json[] = { "scan", "features", "dtc", "live", "flash", "sessions",
					    NULL };
	size_t i;

	for (i = 0; opt->json && json[i] && strcmp(json[i], c->name) != 0; i++)
		;
	if (opt->json && json[i] == NULL)
		return cli_usage_error("%s has no --json output (scan, features, dtc, live, flash "
				       "and sessions have)", c->name);
	if (c->max_args >= 0 && opt->nargs - 1 > c->max_args)
		return cli_usage_error("unexpected argument '%s'", opt->args[c->max_args + 1]);
	if (c->connect != CONNECT_NONE && (opt->port == NULL || opt->port[0] == 0))
		return cli_usage_error("no port given: use --port PORT or --demo");
	return c->check ? c->check(opt) : -1;
}

/* Closes the app, reporting where the session was saved. */
static void close_app(struct app *a)
{
	char archive[4096] = "";
	struct error ce;

	error_clear(&ce);
	if (app_close(a, archive, sizeof archive, &ce) < 0)
		fprintf(stderr, "obdcon: warning: %s\n", ce.text);
	else if (archive[0])
		fprintf(stderr, "obdcon: session saved in %s\n", archive);
}

/* The console a batch command runs, for the interrupt handler. */
static struct app *volatile running;

/* SIGINT/SIGTERM during a command: the first asks it to stop at its next
 * safe point (a flash past its erase goes on to the end, a coding finishes
 * or restores its transaction); the second ends the program. */
static void on_interrupt(int sig)
{
	static const char msg[] = "\nobdcon: stopping at the next safe point (a flash past its "
				  "erase goes on to the end); interrupt again to end at once\n";
	struct app *a = running;

	if (a == NULL || app_cancelled(a)) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	app_request_cancel(a, true);
	if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0)
		return;
}

/* Installs or removes the interrupt handlers for a running command. */
static void catch_interrupts(struct app *a)
{
	struct sigaction sa;

	running = a;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = a ? on_interrupt : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Runs the batch command in opt->args[0]. */
int cli_run(const struct cli_options *opt)
{
	const struct cli_command *c = find_command(opt->args[0]);
	struct app_hooks hooks = { .arg = (void *)opt, .message = batch_message, .confirm = batch_confirm, .ask = batch_ask };
	struct app_options aopt = { NULL, opt->pack, opt->baud != 0, c && c->connect != CONNECT_ALL };
	struct app *a = NULL;
	struct error e;
	int rc;

	if (c == NULL)
		return cli_usage_error("unknown command '%s'", opt->args[0]);
	if ((rc = check_args(c, opt)) >= 0)
		return rc;
	if (c->connect == CONNECT_NONE)
		return c->run_offline(opt);
	error_clear(&e);
	rc = -1;
	if (app_new(&aopt, &hooks, &a, &e) == 0) {
		catch_interrupts(a);
		if (app_connect(a, opt->port, &e) == 0 &&
		    (c->connect == CONNECT_RAW || app_scan(a, &e) == 0))
			rc = c->run(a, opt, &e);
	}
	catch_interrupts(NULL);
	close_app(a);
	if (rc >= 0)
		return rc;
	fprintf(stderr, "obdcon: %s\n", e.text[0] ? e.text : "failed");
	return error_exit_code(&e) ? error_exit_code(&e) : 1;
}
