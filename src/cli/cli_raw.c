/* cli_raw.c: raw UDS requests and the serial port list. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/hex.h"
#include "util/json.h"

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
int cli_check_uds(const struct cli_options *opt)
{
	struct app_can_target t;
	struct error e;
	uint8_t req[4095];
	size_t n;
	int i;

	if (opt->to == NULL)
		return cli_usage_error("uds needs --to ID (for example --to 7E0)");
	if (app_parse_can_target(opt->to, &t, &e) < 0)
		return cli_usage_error("%s", e.text);
	if (opt->nargs < 2)
		return cli_usage_error("uds needs requests as hex arguments, or - to read them from stdin");
	for (i = 1; i < opt->nargs; i++) {
		if (strcmp(opt->args[i], "-") == 0)
			continue;
		if (parse_request(opt->args[i], req, sizeof req, &n) < 0)
			return cli_usage_error("'%s' is not a request in hex", opt->args[i]);
		if (app_request_changes_module(req, n) && !opt->yes)
			return cli_usage_error("request %s changes the module: give --yes to send it",
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
			  const struct cli_options *opt, const char *line, struct error *e)
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
int cli_uds(struct app *a, const struct cli_options *opt, struct error *e)
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

/* Prints the serial ports present, one a line: path, description. */
int cli_ports(const struct cli_options *opt)
{
	struct app_port ports[64];
	struct error e;
	int n, i;

	if (opt->nargs > 1)
		return cli_usage_error("unexpected argument '%s'", opt->args[1]);
	n = app_list_ports(ports, 64, &e);
	if (n < 0) {
		fprintf(stderr, "obdcon: %s\n", e.text);
		return 1;
	}
	for (i = 0; i < n; i++)
		printf("%s\t%s\n", ports[i].name, ports[i].description);
	return 0;
}
