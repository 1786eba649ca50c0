/* app_internal.h: the console instance shared by the files of src/app. */
#ifndef OBDCON_APP_APP_INTERNAL_H
#define OBDCON_APP_APP_INTERNAL_H

#include "app/app.h"
#include "adapter/adapter.h"
#include "diag/uds.h"
#include "isotp/isotp.h"
#include "link/link.h"
#include "script/script.h"
#include "session/session.h"
#include "sim/sim.h"
#include "util/buf.h"

#include <stdatomic.h>

#define DID_MAX 4095
#define DID_BOOT_SOFTWARE 0xF180 /* bootSoftwareIdentification, ISO 14229-1 C.1 */
#define APP_FEATURE_DIDS_MAX 8

struct app_replay;
/* Opens a recorded session and serves it on a new link pair (replay: port). */
int app_replay_start(const char *what, struct link **console, struct app_replay **out,
		     struct error *e);
/* Stops a replay, writing its notes into the session's events. */
void app_replay_stop(struct app_replay *r, struct session *s);

struct app {
	struct app_options opt;
	struct app_hooks hooks;
	struct script_host *scripts;
	struct link *link;
	struct sim_thread *sim;
	struct app_replay *replay;
	struct adapter *adapter;
	struct isotp *tp;
	struct uds *uds;
	struct session *session;
	char port[256];
	char adapter_name[160];
	char vin[18];
	int brand;
	double volts;
	struct app_module modules[APP_MAX_MODULES];
	size_t nmodules;
	struct app_feature features[APP_MAX_FEATURES];
	size_t nfeatures;
	atomic_bool cancel;
	char script_errors[8][512]; /* script load errors, for the session */
	size_t nscript_errors;
	struct buf script_load_log; /* log() lines of the scripts as they loaded, NUL-separated */
	bool script_load_log_full;  /* lines beyond its limit were dropped */
	struct app_module_dtcs dtcs[APP_MAX_MODULES];
};

#define APP_PLAN_MAX 32
#define APP_PLAN_CHANGES_MAX 64

/* One DID a transaction rewrites. */
struct app_plan_entry {
	size_t module;
	uint16_t did;
	size_t len;
	uint8_t old[DID_MAX];   /* as read before the change */
	uint8_t new[DID_MAX];   /* to write */
	char note[1024];        /* what changes, in words, for the confirmation */
	bool attempted;
	char backup[4096];
};

/* A write transaction (coding or restore). */
struct app_plan {
	const char *what;       /* "coding", "restore" */
	const char *title;      /* the confirmation's question */
	struct app_plan_entry entries[APP_PLAN_MAX];
	size_t n;
	bool prepared[APP_MAX_MODULES]; /* write session and unlock done */
};

/* The entry of a plan for a module's DID, created on first use (NULL when full). */
struct app_plan_entry *app_plan_entry_for(struct app_plan *p, size_t module, uint16_t did);
/* Reads an entry's DID as it is now. */
int app_plan_read_did(struct app *a, const struct app_plan_entry *pe, uint8_t *out, size_t *len,
		      struct error *e);
/* True when the entry changes its DID. */
bool app_plan_entry_changes(const struct app_plan_entry *pe);
/* True when some entry changes its DID. */
bool app_plan_changes(const struct app_plan *p);
/* Enters the session and security level a module needs for writing (from
 * its brand script), once per transaction. */
int app_prepare_write(struct app *a, size_t module, struct error *e);
/* Runs a prepared plan: backup, confirm (default no), re-check, write,
 * read back; on failure writes the backups back and reports. */
int app_plan_run(struct app *a, struct app_plan *p, struct app_code_result *res,
		 struct error *e);

/* Reports a line through the hooks (and to the session's events). */
void app_say(struct app *a, enum app_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Reads module i's identification again (after a flash). */
int identify_again(struct app *a, size_t i, struct error *e);
/* Reads a module's identification DIDs (ident.c); marks it absent when
 * it is silent; fails only when the link is lost (error in fatal). */
int app_identify_module(struct app *a, struct app_module *m, struct error *fatal);
/* True when the adapter is gone (pulled out, link closed). */
bool app_link_lost(const struct error *e);
/* Makes a printable identification string from DID bytes. */
void app_ident_text(const uint8_t *data, size_t n, char *out, size_t cap);
/* Finds the modules the brand script does not declare by probing the
 * diagnostic identifiers, adds and identifies them (discover.c). */
int app_discover(struct app *a, struct error *e);
/* The UDS target of a module. */
struct uds_target app_module_target(const struct app_module *m);
/* The OBD-II engine ECU live data reads (app_live_engine), named after
 * the module at its addressing when there is one (live.c). */
struct uds_target app_engine_target(const struct app *a);

#endif
