/* app.h: the operations users ask for (connect, scan, read coding
 * features, code them as a safe transaction, close), shared by the TUI and
 * the batch command line. No curses here. */
#ifndef OBDCON_APP_APP_H
#define OBDCON_APP_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define APP_MAX_MODULES 64
#define APP_MAX_FEATURES 512
#define APP_IDENT_MAX 48

/* Kinds of message an operation reports while it runs. */
enum app_level {
	APP_INFO,
	APP_PROGRESS,
	APP_WARNING,
	APP_ERROR,
};

/* Progress of a long step (a download): numbers for a progress bar. */
struct app_progress {
	const char *step;
	uint64_t done, total;   /* bytes, or what unit names */
	double bytes_per_s;
	double eta_s;           /* negative when unknown */
	const char *unit;       /* what done and total count; NULL: bytes */
};

/* How an operation talks to whoever drives it (TUI or command line). */
struct app_hooks {
	void *arg;
	/* A line of progress or a warning. */
	void (*message)(void *arg, enum app_level level, const char *text);
	/* A yes/no question before a write to the car; true means yes. */
	bool (*confirm)(void *arg, const char *title, const char *body);
	/* A question a brand script asks (ask() in Lua): the index of the
	 * choice, or -1 to cancel. NULL: scripts cannot ask. */
	int (*ask)(void *arg, const char *question, const char *const *choices, size_t n);
	/* Progress of a long step (may be NULL). */
	void (*progress)(void *arg, const struct app_progress *p);
	/* Asked at each safe stopping point whether to stop (may be NULL); a
	 * driver on another thread uses app_request_cancel() instead. */
	bool (*cancelled)(void *arg);
};

/* Settings for a console instance. */
struct app_options {
	const char *sessions_dir; /* NULL: $XDG_DATA_HOME/obdcon/sessions */
	bool pack_on_close;       /* pack the session into a .tar.gz on close */
	bool fixed_baud;          /* keep the UART rate (--baud): no ATBRD/STBR */
	bool declared_only;       /* scan only the modules the brand script
				   * declares: no discovery of the others */
};

/* A module of the connected vehicle and what it told us about itself. */
struct app_module {
	char id[32];
	char name[64];
	uint32_t tx, rx;
	bool ext;
	bool present;               /* answered identification requests */
	char part[APP_IDENT_MAX];   /* F187 */
	char sw[APP_IDENT_MAX];     /* F189 */
	char hw[APP_IDENT_MAX];     /* F191 */
	char serial[APP_IDENT_MAX]; /* F18C */
	char system[APP_IDENT_MAX]; /* F197 */
	char supplier[APP_IDENT_MAX]; /* F18A */
	bool boot;                  /* runs its boot loader: no application
				     * software (F189 refused, F180 answered) */
	char boot_sw[APP_IDENT_MAX]; /* F180, when in the boot loader */
	char error[160];            /* why it is not present */
	size_t script_module;       /* index in the script host (SIZE_MAX: none) */
	bool discovered;            /* found by probing; the brand script does
				     * not declare it */
};

/* A coding feature with its state on the connected vehicle. */
/* Kinds of coding feature (as the brand script declares them). */
enum app_feature_kind {
	APP_FEATURE_BIT = 0,   /* off/on */
	APP_FEATURE_CHOICE,    /* named values */
	APP_FEATURE_NUMBER,    /* a number with a range and a unit */
	APP_FEATURE_STRING,    /* a text field */
	APP_FEATURE_CUSTOM,    /* computed by the script over whole records */
};

struct app_feature {
	size_t script_feature; /* index in the script host */
	const char *id;
	const char *name;
	const char *help;      /* longer description, or NULL */
	size_t module;         /* index in app modules */
	enum app_feature_kind kind;
	uint16_t did;          /* first DID it lives in */
	unsigned byte, bit;
	bool known;            /* value was read */
	int value;             /* bit features: 0/1; others: -1 */
	char value_text[128];  /* the current value as text ("on", "fast", "15.0 s") */
	char values[160];      /* what it accepts ("off, slow, fast", "0..60 s") */
	bool writable;         /* false for read-only features */
	bool supported;
	char reason[160];      /* why unsupported, or why unknown */
};

#define APP_MAX_DTCS 128

/* A fault code of a module, ready to show. */
struct app_dtc {
	char code[10];        /* "P0143" */
	char raw[8];          /* "01431B" (UDS) or "0143" (OBD-II) */
	uint8_t failure_type; /* UDS failure type byte (0 for OBD-II codes) */
	uint8_t status;       /* status bits (ISO 14229-1 D.2) */
	char status_text[96]; /* "failed, confirmed, MIL" */
	const char *text;     /* description, or NULL when none is known */
};

/* The fault codes read from one module. */
struct app_module_dtcs {
	bool read;            /* the read succeeded */
	bool obd;             /* read with OBD-II mode 03, not UDS */
	uint8_t avail_mask;   /* status bits the module supports (UDS) */
	char error[160];      /* why the read failed */
	size_t n;
	struct app_dtc dtcs[APP_MAX_DTCS];
};

/* One live value sample. */
struct app_sample {
	double t;             /* seconds since the live view started */
	uint8_t pid;
	const char *name;     /* PID name */
	const char *label;    /* field of a PID with several values, or "" */
	double value;
	const char *unit;
	unsigned hex_digits;  /* a bit-encoded value, shown as this many hex digits (0: a number) */
};

/* Live data counters. */
struct app_live_stats {
	unsigned requests;
	unsigned samples;
	double seconds;
};

/* One requested change: feature id and new value. */
struct app_change {
	const char *feature;
	const char *value;  /* as typed: "on", "fast", "12.5" */
};

/* Outcome of a coding transaction. */
struct app_code_result {
	size_t written;   /* DIDs written and verified */
	size_t restored;  /* DIDs restored after a failure */
	bool unchanged;   /* nothing needed writing */
	char summary[512];
};

struct app;

/* CAN addressing typed by a user for raw requests. */
struct app_can_target {
	uint32_t tx, rx;
	bool ext;
};

/* A serial port present on this machine. */
struct app_port {
	char name[128];
	char description[128];
};

/* Creates a console instance and loads the brand scripts; script errors
 * are reported through hooks and do not stop it. */
int app_new(const struct app_options *opt, const struct app_hooks *hooks, struct app **out,
	    struct error *e);
/* Opens the port (device, tcp:, sim:), starts a session, initialises the adapter. */
int app_connect(struct app *a, const char *port, struct error *e);
/* Reads the VIN, matches a brand script and reads the identification of
 * every module it declares; then, unless opt.declared_only, discovers the
 * modules that answer on the diagnostic identifiers besides them (11-bit
 * 700-7F7, or 29-bit 18DAxxF1 on a 29-bit bus) and identifies those too.
 * Stops between modules when asked to (-ERR_CANCELLED). */
int app_scan(struct app *a, struct error *e);
/* Reads every coding feature's current value and support state. */
int app_read_features(struct app *a, struct error *e);
/* Applies changes as one transaction: read fresh, back up, confirm, write,
 * read back, compare; on failure restore the backed-up values. */
int app_code(struct app *a, const struct app_change *changes, size_t n,
	     struct app_code_result *res, struct error *e);
/* Writes back the values backed up in an earlier session (a directory, an
 * archive or a session name), after checking the VIN and each module's
 * identification against it: the same transaction as coding. */
int app_restore(struct app *a, const char *what, struct app_code_result *res, struct error *e);

/* Checks brand script files without a car (syntax, declarations,
 * overlapping bits, locations outside the DIDs of the simulated vehicles);
 * returns the number of problems, each reported as file, line, message. */
int app_check_scripts(const char *const *files, size_t n,
		      void (*report)(void *arg, const char *file, int line, const char *msg),
		      void *arg);

/* A flash procedure of the connected vehicle's brand script. */
struct app_flash_proc {
	const char *id;
	const char *name;
	const char *module;
	uint32_t size;
	bool readout;
};

/* Outcome of a flash (also filled, as far as it got, when it fails). */
struct app_flash_result {
	char summary[256];
	char corrections[512]; /* checksums the procedure corrected */
	char checklist[1024];  /* the preconditions as checked, one a line */
	char after[512];       /* identification and fault codes afterwards */
	char image_sw[APP_IDENT_MAX]; /* software the image carries ("" unknown) */
	char module_sw[APP_IDENT_MAX]; /* software the module shows afterwards */
	bool written;          /* the point of no return was passed */
	bool verified;         /* afterwards the module runs the image's software */
	size_t dtcs;           /* fault codes afterwards */
	double seconds;        /* the steps, from the first to the last */
	uint64_t bytes;
	double rate;           /* bytes per second over the whole run */
	double download_rate;  /* bytes per second of the download alone */
};

/* The flash procedures for the connected vehicle; returns how many. */
size_t app_flash_list(const struct app *a, struct app_flash_proc *out, size_t max);
/* Flashes image_path into the procedure's module: identification and
 * image checks, checksum corrections, preconditions, read-out backup,
 * confirmation (the point of no return named), journaled steps, and the
 * identification and fault codes read again. */
int app_flash(struct app *a, const char *procedure, const char *image_path,
	      struct app_flash_result *res, struct error *e);
/* Resumes an interrupted flash from a session's journal (directory, archive
 * or name), from the restart point the procedure declares. */
int app_flash_resume(struct app *a, const char *session, struct app_flash_result *res,
		     struct error *e);
/* Reads a module's software out into a file (where the procedure allows it). */
int app_readout(struct app *a, const char *procedure, const char *out, struct error *e);

/* A flash that did not end well, found in an earlier session of the
 * connected vehicle (flash_pending.c). */
struct app_flash_pending {
	char session[4096];   /* its session directory (what app_flash_resume takes) */
	char name[256];       /* the directory's name */
	char started[40];     /* when that session started (ISO 8601) */
	char procedure[64];
	char module[64];
	char image[4096];     /* the image file it was writing */
	bool image_present;   /* that file is still there */
	bool no_return;       /* the erase was journaled: the module may need its software */
	bool module_runs;     /* the scan found the module running its software, not its boot loader */
	char module_sw[APP_IDENT_MAX]; /* the software it runs then */
	uint64_t confirmed, blocks; /* download progress (0 of 0 before it began) */
	char state[320];      /* "failed: REASON" or "interrupted (...)" */
};

/* The unfinished flashes of the connected vehicle in earlier sessions
 * (a flash whose later resume ended well is finished), newest first;
 * returns how many were written to out. */
size_t app_flash_pending(const struct app *a, struct app_flash_pending *out, size_t max);

/* Reads the fault codes of one module (its index) or of all (-1). */
int app_read_dtcs(struct app *a, int module, struct error *e);
/* Fault codes read for module i. */
const struct app_module_dtcs *app_module_dtcs(const struct app *a, size_t i);
/* Clears fault codes of one module or all after a confirmation (default
 * no; the codes are first recorded in the session), then reads them again. */
int app_clear_dtcs(struct app *a, int module, struct error *e);
/* Index of a module by id, or -1. */
int app_find_module(const struct app *a, const char *id);
/* Reads live OBD-II values from the engine: pids in one request per six
 * (batched) or one request each, rounds times; each sample goes to fn. */
int app_live(struct app *a, const uint8_t *pids, size_t n, unsigned rounds, bool batched,
	     void (*fn)(void *arg, const struct app_sample *s), void *arg,
	     struct app_live_stats *stats, struct error *e);

/* The addressing of the OBD-II engine ECU live data reads: 7E0/7E8 on
 * 11-bit identifiers; on 29-bit ones (normal fixed addressing) 18DAxxF1
 * answered on 18DAF1xx, xx the ECU that answered at connect. */
struct app_can_target app_live_engine(const struct app *a);

/* A standard mode 01 PID with values (console_info.c). */
struct app_pid {
	uint8_t pid;
	const char *name;  /* "Engine speed" (SAE J1979) */
	const char *unit;  /* of its first value ("rpm"), "" for none */
	unsigned values;   /* values it carries (oxygen sensors carry two) */
};

/* The standard mode 01 PIDs with values, in PID order; returns how many. */
size_t app_live_pid_table(struct app_pid *out, size_t max);
/* Reads which of them the engine supports (its supported-PID bitmaps). */
int app_live_supported(struct app *a, uint8_t *pids, size_t max, size_t *n, struct error *e);
/* Words for DTC status bit 0..7 ("confirmed"), or its ISO 14229-1 name
 * ("confirmedDTC") when iso_name. */
const char *app_dtc_status_bit(unsigned bit, bool iso_name);

/* What the console asked of the adapter since connecting. */
struct app_counts {
	unsigned requests;    /* diagnostic requests (discovery probes included) */
	unsigned probes;      /* discovery probes */
	unsigned round_trips; /* adapter commands that waited for a prompt */
};

/* Counters since connecting (zero before). */
void app_get_counts(const struct app *a, struct app_counts *out);

/* Closes the adapter and the session (packing it when configured); frees. */
int app_close(struct app *a, char *archive, size_t n, struct error *e);

/* Parses "7E0", "7E0:7E8", "18DA10F1" or "18DA10F1:18DAF110". */
int app_parse_can_target(const char *spec, struct app_can_target *t, struct error *e);
/* True for requests that change a module (they need --yes). */
bool app_request_changes_module(const uint8_t *req, size_t n);
/* Sends one raw UDS request; a negative answer is -ERR_NEGATIVE by name. */
int app_uds_raw(struct app *a, const struct app_can_target *t, const uint8_t *req, size_t n,
		uint8_t *resp, size_t cap, size_t *rlen, struct error *e);
/* Lists present serial ports; returns the count or -ERR_*. */
int app_list_ports(struct app_port *out, size_t max, struct error *e);
/* The adapter's fingerprint in one line. */
void app_adapter_fingerprint(const struct app *a, char *out, size_t n);

/* Sends a line typed by hand to the adapter (bypasses the safety checks;
 * recorded as a warning in the session) and returns the raw answer. */
int app_raw_command(struct app *a, const char *line, char *out, size_t n, struct error *e);
/* Asks the running operation to stop at its next safe point (or clears it). */
void app_request_cancel(struct app *a, bool cancel);
/* True when a stop was asked for (operations check it between modules,
 * features and samples, never between the erase of a flash and its end). */
bool app_cancelled(const struct app *a);
/* The simulator's profiles, one a line: name, kind, description (tabs). */
void app_list_sim_profiles(char *out, size_t n);

/* Accessors for screens and printers. */
const char *app_port(const struct app *a);
const char *app_vin(const struct app *a);
const char *app_brand_name(const struct app *a);
double app_voltage(const struct app *a);
/* True once the adapter's link was found gone: nothing more reaches the
 * vehicle until a new connection. */
bool app_link_gone(const struct app *a);
const char *app_adapter_name(const struct app *a);
/* The adapter's send path in brackets ("[elm-burst, 4095 B, 12 ms]"). */
const char *app_adapter_path(const struct app *a);
const char *app_session_path(const struct app *a);
size_t app_module_count(const struct app *a);
const struct app_module *app_module(const struct app *a, size_t i);
size_t app_feature_count(const struct app *a);
const struct app_feature *app_feature(const struct app *a, size_t i);
/* Index of a feature by id, or -1. */
int app_find_feature(const struct app *a, const char *id);
/* Name of a feature kind ("bit", "choice", "number", "string", "custom"). */
const char *app_feature_kind_name(enum app_feature_kind k);
/* Text of a feature value ("on"/"off", or "?" when unknown). */
const char *app_value_text(const struct app_feature *f);

#endif
