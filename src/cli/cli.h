/* cli.h: the batch command line: one operation per run, results on stdout
 * (text or one JSON document), messages on stderr, meaningful exit codes.
 * The same app functions serve the console. */
#ifndef OBDCON_CLI_CLI_H
#define OBDCON_CLI_CLI_H

#include <stdbool.h>

#include "app/app.h"
#include "util/error.h"

#define CLI_EXIT_USAGE 2

/* What the command line asked for. */
struct cli_options {
	const char *port;
	const char *to;         /* uds target */
	const char *module;     /* dtc --module */
	const char *format;     /* export --format */
	const char *output;     /* export -o */
	const char *answer;     /* --answer: the choice for a script's question */
	unsigned long baud;
	unsigned long count;    /* live --count */
	bool json;
	bool yes;
	bool pack;
	bool verbose;
	bool clear;             /* dtc --clear */
	bool single;            /* live --single (one PID per request) */
	bool list;              /* flash --list */
	const char *resume;     /* flash --resume SESSION */
	bool no_color;          /* console: monochrome */
	bool ascii;             /* console: ASCII line drawing */
	bool no_mouse;          /* console: no mouse */
	char **args;            /* command and its arguments */
	int nargs;
};

/* Prints "obdcon: message", a short usage and returns the usage status. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True when args[0] names a batch command. */
bool cli_is_command(const char *name);
/* Runs the batch command in opt->args[0]; returns the exit status. */
int cli_run(const struct cli_options *opt);

/* Commands (cli_*.c): each returns an exit status, or -1 with e set. */
int cli_scan(struct app *a, const struct cli_options *opt, struct error *e);
int cli_features(struct app *a, const struct cli_options *opt, struct error *e);
int cli_code(struct app *a, const struct cli_options *opt, struct error *e);
int cli_dtc(struct app *a, const struct cli_options *opt, struct error *e);
int cli_live(struct app *a, const struct cli_options *opt, struct error *e);
int cli_uds(struct app *a, const struct cli_options *opt, struct error *e);
/* Argument checks before connecting: -1 when fine, else an exit status. */
int cli_check_code(const struct cli_options *opt);
int cli_check_dtc(const struct cli_options *opt);
int cli_check_live(const struct cli_options *opt);
int cli_check_uds(const struct cli_options *opt);
int cli_restore(struct app *a, const struct cli_options *opt, struct error *e);
int cli_flash(struct app *a, const struct cli_options *opt, struct error *e);
int cli_check_flash(const struct cli_options *opt);
int cli_readout(struct app *a, const struct cli_options *opt, struct error *e);
int cli_check_readout(const struct cli_options *opt);
int cli_check_restore(const struct cli_options *opt);
/* Commands that need no adapter. */
int cli_ports(const struct cli_options *opt);
int cli_sessions(const struct cli_options *opt);
int cli_export(const struct cli_options *opt);
int cli_import(const struct cli_options *opt);
int cli_check(const struct cli_options *opt);

#endif
