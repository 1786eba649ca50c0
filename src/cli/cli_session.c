/* cli_session.c: sessions on the command line: list, export, import, and
 * restore (undo) from a session. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "session/store.h"

/* sessions: lists the sessions (--json: one JSON document). */
int cli_sessions(const struct cli_options *opt)
{
	struct session_info *v = NULL;
	struct error e;
	size_t n = 0;
	int rc;

	if (session_list(NULL, &v, &n, &e) < 0) {
		fprintf(stderr, "obdcon: %s\n", e.text);
		return 1;
	}
	rc = session_list_print(stdout, v, n, opt->json);
	session_list_free(v, n);
	return rc < 0 ? 1 : 0;
}

/* Checks export arguments. */
static int check_export(const struct cli_options *opt, enum session_format *fmt)
{
	*fmt = SESSION_TAR_GZ;
	if (opt->nargs != 2)
		return cli_usage_error("export needs one SESSION (a name, directory or archive)");
	if (opt->format && session_format_parse(opt->format, fmt) < 0)
		return cli_usage_error("unknown format '%s' (tar.gz, tar.xz or zip)", opt->format);
	return -1;
}

/* export: packs a session into an archive. */
int cli_export(const struct cli_options *opt)
{
	enum session_format fmt;
	char result[PATH_MAX];
	struct error e;
	int rc = check_export(opt, &fmt);

	if (rc >= 0)
		return rc;
	if (session_export(NULL, opt->args[1], fmt, opt->output, result, sizeof result, &e) < 0) {
		fprintf(stderr, "obdcon: %s\n", e.text);
		return error_exit_code(&e) ? error_exit_code(&e) : 1;
	}
	printf("%s\n", result);
	return 0;
}

/* import: unpacks a verified archive into a new session directory. */
int cli_import(const struct cli_options *opt)
{
	char dir[PATH_MAX];
	struct error e;

	if (opt->nargs != 2)
		return cli_usage_error("import needs one ARCHIVE");
	if (session_import(opt->args[1], NULL, dir, sizeof dir, &e) < 0) {
		fprintf(stderr, "obdcon: %s\n", e.text);
		return e.kind == ERR_VERIFY || e.kind == ERR_FORMAT ? 2 : 1;
	}
	printf("%s\n", dir);
	return 0;
}

/* Checks restore arguments. */
int cli_check_restore(const struct cli_options *opt)
{
	if (opt->nargs != 2)
		return cli_usage_error("restore needs one SESSION (a name, directory or archive)");
	return -1;
}

/* restore: writes back the values backed up in a session. */
int cli_restore(struct app *a, const struct cli_options *opt, struct error *e)
{
	struct app_code_result res;

	if (app_restore(a, opt->args[1], &res, e) < 0)
		return -1;
	printf("%s\n", res.summary);
	return 0;
}
