/* cli_raw.c: raw UDS requests and the serial port list. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/hex.h"
#include "util/json.h"

#define UDS_REQUEST_MAX 4095          /* the longest request an adapter sends */
#define UDS_STDIN_MAX (64u << 20)     /* requests read from stdin at the most */

/* Parses one request of hex bytes ("22F190" or "22 F1 90"). */
static int parse_request(const char *text, uint8_t *req, size_t cap, size_t *n)
{
	long len = hex_decode(text, req, cap);

	if (len <= 0)
		return -1;
	*n = (size_t)len;
	return 0;
}

/* Bytes the hex text would make (its hex digits / 2). */
static size_t hex_length(const char *text)
{
	size_t digits = 0;

	for (; *text; text++)
		digits += hex_digit((unsigned char)*text) >= 0;
	return digits / 2;
}

/* Checks one request: hex, not longer than an adapter sends, and --yes
 * when it changes the module. */
static int check_request(const char *text, bool yes, struct error *e)
{
	static uint8_t req[UDS_REQUEST_MAX];
	size_t n;

	if (hex_length(text) > UDS_REQUEST_MAX)
		return error_set(e, ERR_ARG, "a request of %zu bytes: the longest is %d",
				 hex_length(text), UDS_REQUEST_MAX);
	if (parse_request(text, req, sizeof req, &n) < 0)
		return error_set(e, ERR_ARG, "'%.40s%s' is not a request in hex (bytes as two hex "
				 "digits, spaces between them allowed)", text, strlen(text) > 40 ? "..." : "");
	if (app_request_changes_module(req, n) && !yes)
		return error_set(e, ERR_ARG, "request %.40s%s changes the module: give --yes to send it",
				 text, strlen(text) > 40 ? "..." : "");
	return 0;
}

/* Checks the uds arguments before connecting: a target, well-formed
 * requests, and --yes for every request that changes a module. */
int cli_check_uds(const struct cli_options *opt)
{
	struct app_can_target t;
	struct error e;
	int i;

	if (opt->to == NULL)
		return cli_usage_error("uds needs --to ID (for example --to 7E0)");
	if (app_parse_can_target(opt->to, &t, &e) < 0)
		return cli_usage_error("%s", e.text);
	if (opt->nargs < 2)
		return cli_usage_error("uds needs requests as hex arguments, or - to read them from stdin");
	for (i = 1; i < opt->nargs; i++)
		if (strcmp(opt->args[i], "-") != 0 && check_request(opt->args[i], opt->yes, &e) < 0)
			return cli_usage_error("%s", e.text);
	return -1;
}

/* Sends one (checked) request and prints its reply; 1 for a negative reply. */
static int uds_one(struct app *a, const struct app_can_target *t, const char *text,
		   struct error *e)
{
	static uint8_t req[UDS_REQUEST_MAX], resp[4095];
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

/* Reads every request of stdin (one a line, '#' starts a comment) and
 * checks them all before anything is sent: into out, NUL-separated. */
static int read_stdin_requests(const struct cli_options *opt, struct buf *out, struct error *e)
{
	char *line = NULL;
	size_t cap = 0, no = 0;
	int rc = 0;

	while (rc == 0 && getline(&line, &cap, stdin) >= 0) {
		no++;
		line[strcspn(line, "\r\n#")] = 0;
		if (strspn(line, " \t") == strlen(line))
			continue;
		if (check_request(line, opt->yes, e) < 0)
			rc = error_wrap(e, "stdin line %zu (nothing was sent)", no);
		else if (out->len + strlen(line) + 1 > UDS_STDIN_MAX)
			rc = error_set(e, ERR_ARG, "stdin holds more than %u MiB of requests",
				       UDS_STDIN_MAX >> 20);
		else
			buf_append(out, line, strlen(line) + 1);
	}
	if (rc == 0 && ferror(stdin))
		rc = error_set(e, ERR_IO, "reading the requests from stdin failed (nothing was sent)");
	free(line);
	return rc;
}

/* Sends the requests read from stdin, in order; 1 if one had a negative reply. */
static int send_stdin_requests(struct app *a, const struct app_can_target *t,
			       const struct buf *reqs, struct error *e)
{
	size_t at;
	int rc, negative = 0;

	for (at = 0; at < reqs->len; at += strlen((char *)reqs->data + at) + 1) {
		if ((rc = uds_one(a, t, (char *)reqs->data + at, e)) < 0)
			return -1;
		negative |= rc;
	}
	return negative;
}

/* True when the arguments read requests from stdin ("-"). */
static bool reads_stdin(const struct cli_options *opt)
{
	int i;

	for (i = 1; i < opt->nargs; i++)
		if (strcmp(opt->args[i], "-") == 0)
			return true;
	return false;
}

/* Runs the uds command: arguments in order, "-" the lines of stdin (all
 * read and checked before the first request is sent). */
int cli_uds(struct app *a, const struct cli_options *opt, struct error *e)
{
	struct app_can_target t;
	struct buf reqs = { 0 };
	int i, rc = 0, negative = 0;

	app_parse_can_target(opt->to, &t, e);
	if (reads_stdin(opt) && read_stdin_requests(opt, &reqs, e) < 0) {
		buf_free(&reqs);
		return -1;
	}
	for (i = 1; i < opt->nargs && rc >= 0; i++) {
		if (strcmp(opt->args[i], "-") == 0)
			rc = send_stdin_requests(a, &t, &reqs, e);
		else
			rc = uds_one(a, &t, opt->args[i], e);
		negative |= rc > 0;
	}
	buf_free(&reqs);
	fflush(stdout);
	return rc < 0 ? -1 : negative;
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
