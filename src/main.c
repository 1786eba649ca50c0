/* main.c: option parsing and dispatch to the console or a batch command. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sim/sim.h"
#include "ui/ui.h"
#include "util/fsutil.h"
#include "util/hex.h"

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
	       "      --baud=N      UART rate of a serial adapter, kept as it is\n"
	       "      --to=ID       target of uds requests: 7E0, 7E0:7E8, 18DA10F1[:18DAF110]\n"
	       "  -m, --module=ID   dtc: only this module\n"
	       "      --clear       dtc: clear the fault codes (with --yes)\n"
	       "  -n, --count=N     live: rounds of readings (default 10)\n"
	       "      --format=F    export: tar.gz (default), tar.xz or zip\n"
	       "  -o, --output=FILE export: where to write the archive\n"
	       "      --single      live: one PID per request instead of six\n"
	       "      --answer=TEXT the answer to a question a brand script asks\n"
	       "  -l, --list        flash: list the procedures\n"
	       "      --resume=S    flash: resume the interrupted flash of session S\n"
	       "      --no-color    console: no colours (also when NO_COLOR is set)\n"
	       "      --ascii       console: ASCII line drawing\n"
	       "      --no-mouse    console: leave the mouse to the terminal\n"
	       "  -v, --verbose     print progress messages on stderr\n"
	       "  -h, --help        display this help and exit\n"
	       "  -V, --version     output version information and exit\n"
	       "\n"
	       "Commands:\n"
	       "  scan                       print the VIN and each module's identification\n"
	       "  features                   list coding features, current value, support\n"
	       "  code FEATURE=VALUE...      change coding features (backup, write, verify)\n"
	       "  dtc                        read fault codes (--clear --yes clears them)\n"
	       "  live PID...                read live OBD-II values (hex PIDs: 0C 0D 05)\n"
	       "  uds --to ID [HEX...|-]     send raw UDS requests (from stdin with -), print\n"
	       "                             each reply; changing requests need --yes\n"
	       "  flash PROCEDURE IMAGE      flash an image (raw, Intel HEX, S-record)\n"
	       "  flash --list               the flash procedures for this vehicle\n"
	       "  flash --resume SESSION     finish an interrupted flash from its journal\n"
	       "  readout PROCEDURE FILE     read a module's software out into FILE\n"
	       "  restore SESSION            write back the values backed up in SESSION\n"
	       "                             (a name, directory or archive; asks first)\n"
	       "  ports                      list the serial ports present\n"
	       "  sessions                   list the recorded sessions\n"
	       "  export SESSION             pack a session (--format, -o)\n"
	       "  import ARCHIVE             unpack a verified session archive\n"
	       "  check FILE.lua...          validate brand scripts without a car\n"
	       "  sim --list | --pty [SPEC] | --tcp [HOST:]PORT [SPEC]\n"
	       "                             serve the simulator to other programs\n"
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

/* Parses a number option into *out. */
static int number_option(const char *name, const char *text, unsigned long max,
			 unsigned long *out)
{
	if (parse_uint(text, max, out) < 0)
		return cli_usage_error("bad %s '%s'", name, text);
	return -1;
}

/* Applies one option letter; returns -1 to go on or an exit status. */
static int apply_option(int c, char **argv, struct cli_options *opt)
{
	switch (c) {
	case 'p': opt->port = optarg; return -1;
	case 'D': opt->port = "sim:"; return -1;
	case 'j': opt->json = true; return -1;
	case 'y': opt->yes = true; return -1;
	case 'A': opt->pack = false; return -1;
	case 'v': opt->verbose = true; return -1;
	case 't': opt->to = optarg; return -1;
	case 'm': opt->module = optarg; return -1;
	case 'C': opt->clear = true; return -1;
	case 'S': opt->single = true; return -1;
	case 'F': opt->format = optarg; return -1;
	case 'o': opt->output = optarg; return -1;
	case 'a': opt->answer = optarg; return -1;
	case 'N': opt->no_color = true; return -1;
	case 'Q': opt->ascii = true; return -1;
	case 'M': opt->no_mouse = true; return -1;
	case 'l': opt->list = true; return -1;
	case 'R': opt->resume = optarg; return -1;
	case 'n': return number_option("count", optarg, 1000000, &opt->count);
	case 'b':
		if (number_option("baud rate", optarg, 16000000, &opt->baud) >= 0 || opt->baud < 300)
			return cli_usage_error("bad baud rate '%s'", optarg);
		return -1;
	case 'h': print_help(); return 0;
	case 'V': print_version(); return 0;
	case ':': return cli_usage_error("option '%s' needs an argument", argv[optind - 1]);
	default: return cli_usage_error("unknown option '%s'", argv[optind - 1]);
	}
}

/* Parses the command line into opt; returns -1 to continue or an exit status. */
static int parse_options(int argc, char **argv, struct cli_options *opt)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' }, { "demo", no_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },       { "yes", no_argument, NULL, 'y' },
		{ "no-archive", no_argument, NULL, 'A' }, { "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },       { "version", no_argument, NULL, 'V' },
		{ "to", required_argument, NULL, 't' },   { "baud", required_argument, NULL, 'b' },
		{ "module", required_argument, NULL, 'm' }, { "clear", no_argument, NULL, 'C' },
		{ "count", required_argument, NULL, 'n' }, { "single", no_argument, NULL, 'S' },
		{ "format", required_argument, NULL, 'F' }, { "output", required_argument, NULL, 'o' },
		{ "answer", required_argument, NULL, 'a' },
		{ "no-color", no_argument, NULL, 'N' }, { "ascii", no_argument, NULL, 'Q' },
		{ "no-mouse", no_argument, NULL, 'M' },
		{ "list", no_argument, NULL, 'l' }, { "resume", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	opt->pack = true;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:yvhVlm:n:o:", longopts, NULL)) != -1)
		if ((rc = apply_option(c, argv, opt)) >= 0)
			return rc;
	opt->args = argv + optind;
	opt->nargs = argc - optind;
	return -1;
}

/* Adds --baud to a device path that does not name its own rate. */
static const char *port_with_baud(const struct cli_options *opt, char *buf, size_t n)
{
	if (opt->port == NULL || opt->baud == 0 || strchr(opt->port, '@') ||
	    strncmp(opt->port, "sim:", 4) == 0 || strncmp(opt->port, "tcp:", 4) == 0)
		return opt->port;
	snprintf(buf, n, "%s@%lu", opt->port, opt->baud);
	return buf;
}

/* Entry point. */
/* The exit status rc, or 1 when standard output lost what was written
 * to it (said on stderr). */
static int output_checked(int rc)
{
	if (fs_stdout_flush() < 0) {
		fprintf(stderr, "obdcon: writing to standard output failed: %s\n", strerror(errno));
		return rc ? rc : 1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct cli_options opt = { 0 };
	struct ui_options uopt = { 0 };
	char portbuf[PATH_MAX + 32];
	int rc;

	fs_guard_std_fds();
	if (argc > 1 && strcmp(argv[1], "sim") == 0)
		return output_checked(sim_main(argc - 1, argv + 1));
	rc = parse_options(argc, argv, &opt);
	if (rc >= 0)
		return output_checked(rc);
	opt.port = port_with_baud(&opt, portbuf, sizeof portbuf);
	if (opt.nargs > 0)
		return output_checked(cli_run(&opt));
	uopt.port = opt.port;
	uopt.pack_on_close = opt.pack;
	uopt.fixed_baud = opt.baud != 0;
	uopt.no_color = opt.no_color;
	uopt.ascii = opt.ascii;
	uopt.no_mouse = opt.no_mouse;
	return ui_run(&uopt);
}
