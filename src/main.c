/* main.c: option parsing and dispatch to the console or a batch command. */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "ui/ui.h"
#include "util/buf.h"
#include "util/hex.h"
#include "util/json.h"

#define EXIT_USAGE 2

/* Command-line settings. */
struct options {
	const char *port;
	const char *to;
	unsigned long baud;
	bool json;
	bool yes;
	bool pack;
	bool verbose;
	char **args;
	int nargs;
};

/* Prints the full help to stdout (GNU --help). */
static void print_help(void)
{
	printf("Usage: obdcon [OPTION]... [COMMAND [ARG]...]\n"
	       "Console for coding and flashing vehicle control modules through\n"
	       "ELM327/STN adapters. Without COMMAND it starts the interactive console.\n"
	       "\n"
	       "Options:\n"
	       "  -p, --port=PORT   adapter port: a device path (/dev/ttyUSB0, optionally\n"
	       "                    @BAUD), tcp:HOST:PORT, or sim:[VEHICLE][,option=value...]\n"
	       "      --demo        same as --port sim: (the built-in simulated vehicle)\n"
	       "      --json        print results as one JSON document on stdout\n"
	       "  -y, --yes         do not ask before writing to the vehicle\n"
	       "      --no-archive  keep the session directory but do not pack it\n"
	       "      --baud=N      UART rate of a serial adapter (default 38400)\n"
	       "      --to=ID       target of uds requests: 7E0, 7E0:7E8, 18DA10F1[:18DAF110]\n"
	       "  -v, --verbose     print progress messages on stderr\n"
	       "  -h, --help        display this help and exit\n"
	       "  -V, --version     output version information and exit\n"
	       "\n"
	       "Commands:\n"
	       "  scan                       print the VIN and each module's identification\n"
	       "  features                   list coding features, current value, support\n"
	       "  code FEATURE=VALUE...      change coding features (backup, write, verify)\n"
	       "  uds --to ID [HEX...|-]     send raw UDS requests (from stdin with -), print\n"
	       "                             each reply; changing requests need --yes\n"
	       "  ports                      list the serial ports present\n"
	       "\n"
	       "Exit status: 0 success, 1 the operation failed (vehicle or adapter said no),\n"
	       "2 bad usage or bad input, 3 the adapter could not be reached.\n"
	       "\n"
	       "Sessions are kept in $XDG_DATA_HOME/obdcon/sessions.\n"
	       "Report bugs to: %s\n",
	       PACKAGE_BUGREPORT);
}

/* Prints the version (GNU --version). */
static void print_version(void)
{
	printf("obdcon %s\n"
	       "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n"
	       "This is free software: you are free to change and redistribute it.\n"
	       "There is NO WARRANTY, to the extent permitted by law.\n",
	       PACKAGE_VERSION);
}

/* Prints a short usage hint to stderr and returns the usage exit status. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints a short usage hint to stderr and returns the usage exit status. */
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "obdcon: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nUsage: obdcon [--port PORT | --demo] [--json] [--yes] "
			"[scan | features | code FEATURE=VALUE... | uds --to ID HEX... | ports]\n"
			"Try 'obdcon --help' for more information.\n");
	return EXIT_USAGE;
}

/* Parses the command line into opt; returns -1 to continue or an exit status. */
static int parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' }, { "demo", no_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },       { "yes", no_argument, NULL, 'y' },
		{ "no-archive", no_argument, NULL, 'A' }, { "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },       { "version", no_argument, NULL, 'V' },
		{ "to", required_argument, NULL, 't' },   { "baud", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opt->pack = true;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:yvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': opt->port = optarg; break;
		case 'D': opt->port = "sim:"; break;
		case 'j': opt->json = true; break;
		case 'y': opt->yes = true; break;
		case 'A': opt->pack = false; break;
		case 'v': opt->verbose = true; break;
		case 't': opt->to = optarg; break;
		case 'b':
			if (parse_uint(optarg, 16000000, &opt->baud) < 0 || opt->baud < 300)
				return usage_error("bad baud rate '%s'", optarg);
			break;
		case 'h': print_help(); return 0;
		case 'V': print_version(); return 0;
		case ':': return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default: return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	opt->args = argv + optind;
	opt->nargs = argc - optind;
	return -1;
}

/* Batch hook: messages to stderr (info only when verbose). */
static void batch_message(void *arg, enum app_level level, const char *text)
{
	const struct options *opt = arg;

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
	const struct options *opt = arg;
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

/* Prints the scan result. */
static void print_scan(const struct app *a, bool json)
{
	struct buf out = { 0 };
	struct json j;
	size_t i;

	if (!json) {
		printf("VIN %s (%s)\n", app_vin(a), app_brand_name(a));
		for (i = 0; i < app_module_count(a); i++) {
			const struct app_module *m = app_module(a, i);
			if (!m->present) {
				printf("%-4s %-24s %03X/%03X  no answer\n", m->id, m->name, m->tx, m->rx);
				continue;
			}
			printf("%-4s %-24s %03X/%03X  part %s  sw %s  hw %s\n", m->id, m->name, m->tx,
			       m->rx, m->part, m->sw, m->hw);
		}
		return;
	}
	json_init(&j, &out, true);
	json_obj_begin(&j);
	json_kv_str(&j, "vin", app_vin(a));
	json_kv_str(&j, "brand", app_brand_name(a));
	json_key(&j, "modules");
	json_arr_begin(&j);
	for (i = 0; i < app_module_count(a); i++) {
		const struct app_module *m = app_module(a, i);
		json_obj_begin(&j);
		json_kv_str(&j, "id", m->id);
		json_kv_str(&j, "name", m->name);
		json_kv_int(&j, "tx", m->tx);
		json_kv_int(&j, "rx", m->rx);
		json_kv_bool(&j, "present", m->present);
		json_kv_str(&j, "part", m->part);
		json_kv_str(&j, "sw", m->sw);
		json_kv_str(&j, "hw", m->hw);
		json_kv_str(&j, "serial", m->serial);
		json_kv_str(&j, "system", m->system);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	fputs(buf_str(&out), stdout);
	buf_free(&out);
}

/* Prints the features and their state. */
static void print_features(const struct app *a, bool json)
{
	struct buf out = { 0 };
	struct json j;
	size_t i;

	if (!json) {
		for (i = 0; i < app_feature_count(a); i++) {
			const struct app_feature *f = app_feature(a, i);
			printf("%-28s %-4s %-4s %s%s\n", f->id, app_module(a, f->module)->id,
			       app_value_text(f), f->supported ? "supported" : "unsupported: ",
			       f->supported ? "" : f->reason);
		}
		return;
	}
	json_init(&j, &out, true);
	json_obj_begin(&j);
	json_key(&j, "features");
	json_arr_begin(&j);
	for (i = 0; i < app_feature_count(a); i++) {
		const struct app_feature *f = app_feature(a, i);
		json_obj_begin(&j);
		json_kv_str(&j, "id", f->id);
		json_kv_str(&j, "name", f->name);
		json_kv_str(&j, "module", app_module(a, f->module)->id);
		json_key(&j, "value");
		json_str(&j, f->known ? app_value_text(f) : NULL);
		json_kv_bool(&j, "supported", f->supported);
		json_key(&j, "reason");
		json_str(&j, f->supported ? NULL : f->reason);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	fputs(buf_str(&out), stdout);
	buf_free(&out);
}

/* Parses FEATURE=VALUE arguments. */
static int parse_changes(const struct options *opt, struct app_change *changes)
{
	int i;

	if (opt->nargs < 2)
		return usage_error("code needs at least one FEATURE=VALUE");
	for (i = 1; i < opt->nargs; i++) {
		char *eq = strchr(opt->args[i], '=');
		if (eq == NULL || eq == opt->args[i])
			return usage_error("'%s' is not FEATURE=VALUE", opt->args[i]);
		*eq = 0;
		changes[i - 1].feature = opt->args[i];
		if (app_parse_value(eq + 1, &changes[i - 1].value) < 0)
			return usage_error("value '%s' is not on/off", eq + 1);
	}
	return -1;
}

/* Runs the code command and prints its result. */
static int run_code(struct app *a, const struct options *opt, struct error *e)
{
	struct app_change changes[64];
	struct app_code_result res;
	int rc;

	if (opt->nargs - 1 > 64)
		return usage_error("too many changes (at most 64)");
	rc = parse_changes(opt, changes);
	if (rc >= 0)
		return rc;
	if (app_read_features(a, e) < 0 || app_code(a, changes, (size_t)opt->nargs - 1, &res, e) < 0)
		return -1;
	printf("%s\n", res.summary);
	return 0;
}

/* Parses one request of hex bytes ("22F190" or "22 F1 90"). */
static int parse_request(const char *text, uint8_t *req, size_t cap, size_t *n)
{
	long len = hex_decode(text, req, cap);

	if (len <= 0)
		return -1;
	*n = (size_t)len;
	return 0;
}

/* Checks the uds arguments before connecting: a target, well-formed
 * requests, and --yes for every request that changes a module. */
static int check_uds_args(const struct options *opt)
{
	struct app_can_target t;
	struct error e;
	uint8_t req[4095];
	size_t n;
	int i;

	if (opt->to == NULL)
		return usage_error("uds needs --to ID (for example --to 7E0)");
	if (app_parse_can_target(opt->to, &t, &e) < 0)
		return usage_error("%s", e.text);
	if (opt->nargs < 2)
		return usage_error("uds needs requests as hex arguments, or - to read them from stdin");
	for (i = 1; i < opt->nargs; i++) {
		if (strcmp(opt->args[i], "-") == 0)
			continue;
		if (parse_request(opt->args[i], req, sizeof req, &n) < 0)
			return usage_error("'%s' is not a request in hex", opt->args[i]);
		if (app_request_changes_module(req, n) && !opt->yes)
			return usage_error("request %s changes the module: give --yes to send it",
					   opt->args[i]);
	}
	return -1;
}

/* Sends one request and prints its reply; 1 for a negative reply. */
static int uds_one(struct app *a, const struct app_can_target *t, const char *text,
		   struct error *e)
{
	static uint8_t req[4095], resp[4095];
	static char hexout[3 * 4095 + 1];
	size_t n, rlen;

	if (parse_request(text, req, sizeof req, &n) < 0)
		return error_set(e, ERR_ARG, "'%s' is not a request in hex", text);
	if (app_uds_raw(a, t, req, n, resp, sizeof resp, &rlen, e) < 0) {
		if (e->kind != ERR_NEGATIVE)
			return -1;
		printf("7F %02X %02X %s\n", req[0], e->detail, e->text);
		error_clear(e);
		return 1;
	}
	hex_encode_sep(resp, rlen, ' ', hexout);
	printf("%s\n", hexout);
	return 0;
}

/* One request read from stdin: refused without --yes when it changes a module. */
static int uds_stdin_line(struct app *a, const struct app_can_target *t,
			  const struct options *opt, const char *line, struct error *e)
{
	uint8_t req[4095];
	size_t n;

	if (parse_request(line, req, sizeof req, &n) < 0)
		return error_set(e, ERR_ARG, "'%s' is not a request in hex", line);
	if (app_request_changes_module(req, n) && !opt->yes)
		return error_set(e, ERR_ARG, "request %s changes the module: give --yes to send it",
				 line);
	return uds_one(a, t, line, e);
}

/* Runs the uds command: arguments in order, "-" reads lines from stdin. */
static int run_uds(struct app *a, const struct options *opt, struct error *e)
{
	struct app_can_target t;
	char line[8400];
	int i, rc, negative = 0;

	app_parse_can_target(opt->to, &t, e);
	for (i = 1; i < opt->nargs; i++) {
		if (strcmp(opt->args[i], "-") != 0) {
			if ((rc = uds_one(a, &t, opt->args[i], e)) < 0)
				return -1;
			negative |= rc;
			continue;
		}
		while (fgets(line, sizeof line, stdin)) {
			line[strcspn(line, "\r\n#")] = 0;
			if (strspn(line, " \t") == strlen(line))
				continue;
			if ((rc = uds_stdin_line(a, &t, opt, line, e)) < 0)
				return -1;
			negative |= rc;
		}
	}
	fflush(stdout);
	return negative;
}

/* Connects, runs one batch command, closes. */
static int run_batch(const struct options *opt)
{
	const char *cmd = opt->args[0];
	struct app_hooks hooks = { (void *)opt, batch_message, batch_confirm };
	struct app_options aopt = { NULL, opt->pack, opt->baud != 0 };
	struct app *a = NULL;
	struct error e, ce;
	char archive[PATH_MAX] = "";
	int rc = -1;

	if (strcmp(cmd, "scan") != 0 && strcmp(cmd, "features") != 0 && strcmp(cmd, "code") != 0 &&
	    strcmp(cmd, "uds") != 0)
		return usage_error("unknown command '%s'", cmd);
	if (strcmp(cmd, "uds") == 0 && (rc = check_uds_args(opt)) >= 0)
		return rc;
	if ((strcmp(cmd, "scan") == 0 || strcmp(cmd, "features") == 0) && opt->nargs > 1)
		return usage_error("unexpected argument '%s'", opt->args[1]);
	error_clear(&e);
	if (strcmp(cmd, "uds") == 0) {
		if (app_new(&aopt, &hooks, &a, &e) == 0 && app_connect(a, opt->port, &e) == 0)
			rc = run_uds(a, opt, &e);
	} else if (app_new(&aopt, &hooks, &a, &e) == 0 && app_connect(a, opt->port, &e) == 0 &&
		   app_scan(a, &e) == 0) {
		if (strcmp(cmd, "scan") == 0)
			print_scan(a, opt->json), rc = 0;
		else if (strcmp(cmd, "features") == 0 && app_read_features(a, &e) == 0)
			print_features(a, opt->json), rc = 0;
		else if (strcmp(cmd, "code") == 0)
			rc = run_code(a, opt, &e);
	}
	error_clear(&ce);
	if (app_close(a, archive, sizeof archive, &ce) < 0)
		fprintf(stderr, "obdcon: warning: %s\n", ce.text);
	else if (archive[0])
		fprintf(stderr, "obdcon: session saved in %s\n", archive);
	if (rc >= 0)
		return rc;
	fprintf(stderr, "obdcon: %s\n", e.text[0] ? e.text : "failed");
	return error_exit_code(&e) ? error_exit_code(&e) : 1;
}

/* Prints the serial ports present, one a line: path, description. */
static int run_ports(const struct options *opt)
{
	struct app_port ports[64];
	struct error e;
	int n, i;

	if (opt->nargs > 1)
		return usage_error("unexpected argument '%s'", opt->args[1]);
	n = app_list_ports(ports, 64, &e);
	if (n < 0) {
		fprintf(stderr, "obdcon: %s\n", e.text);
		return 1;
	}
	for (i = 0; i < n; i++)
		printf("%s\t%s\n", ports[i].name, ports[i].description);
	return 0;
}

/* Adds --baud to a device path that does not name its own rate. */
static const char *port_with_baud(const struct options *opt, char *buf, size_t n)
{
	if (opt->port == NULL || opt->baud == 0 || strchr(opt->port, '@') ||
	    strncmp(opt->port, "sim:", 4) == 0 || strncmp(opt->port, "tcp:", 4) == 0)
		return opt->port;
	snprintf(buf, n, "%s@%lu", opt->port, opt->baud);
	return buf;
}

/* Entry point. */
int main(int argc, char **argv)
{
	struct options opt = { 0 };
	struct ui_options uopt;
	char portbuf[PATH_MAX + 32];
	int rc = parse_options(argc, argv, &opt);

	if (rc >= 0)
		return rc;
	opt.port = port_with_baud(&opt, portbuf, sizeof portbuf);
	if (opt.nargs > 0 && strcmp(opt.args[0], "ports") == 0)
		return run_ports(&opt);
	if (opt.nargs > 0) {
		if (opt.port == NULL)
			return usage_error("no port given: use --port PORT or --demo");
		return run_batch(&opt);
	}
	uopt.port = opt.port;
	uopt.pack_on_close = opt.pack;
	return ui_run(&uopt);
}
