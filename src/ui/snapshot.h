/* snapshot.h: a copy of what the app knows about the vehicle (VIN,
 * adapter, modules, coding features, fault codes, flash procedures), taken on the worker thread when an
 * operation ends. Screens draw from the latest copy only, so the console
 * thread never reads app state while the adapter works. */
#ifndef OBDCON_UI_SNAPSHOT_H
#define OBDCON_UI_SNAPSHOT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

#define UI_VALUE_MAX 128
#define UI_FLASH_MAX 32

/* A flash procedure of the vehicle's brand script (strings copied). */
struct ui_flash_proc {
	char id[64];
	char name[128];
	char module[32];  /* id of the module it programs */
	uint32_t size;    /* bytes of the image */
	bool readout;     /* the module's software can be read out first */
};

/* A coding feature as the console shows it (strings copied). */
struct ui_feature {
	char id[64];
	char name[128];
	size_t module; /* index in the snapshot's modules */
	enum app_feature_kind kind;
	uint16_t did;
	unsigned byte, bit;
	bool known;
	int value;                   /* bit features: 0/1 */
	char value_text[UI_VALUE_MAX]; /* "on", "15kmh", "30 s" */
	char values[160];            /* what it accepts: "off, 15kmh, 30kmh", "0..60 s" */
	bool writable;
	bool supported;
	char reason[160];
};

/* Everything the screens show about the connection and the vehicle. */
struct ui_snapshot {
	bool connected;  /* the adapter answered */
	bool link_gone;  /* ...and its link was lost since */
	bool scanned;    /* VIN and modules read */
	char port[256];
	char vin[18];
	char brand[128];
	char adapter[160];
	char path[96];       /* send path in brackets */
	char fingerprint[256];
	char protocol[64];
	char session[PATH_MAX];
	double volts;
	struct app_can_target engine; /* the OBD-II engine ECU live data reads */
	size_t nflash;
	struct ui_flash_proc flash[UI_FLASH_MAX];
	size_t nmodules;
	struct app_module modules[APP_MAX_MODULES];
	size_t nfeatures;
	struct ui_feature features[APP_MAX_FEATURES];
	struct app_module_dtcs dtcs[APP_MAX_MODULES]; /* of modules[i]; read false until read */
};

/* Copies the app's state; call it where no operation runs concurrently
 * (on the worker thread at the end of a job). */
void ui_snapshot_take(struct ui_snapshot *s, const struct app *a);
/* Index of a feature by id, or -1. */
int ui_snapshot_feature(const struct ui_snapshot *s, const char *id);
/* Text of a feature value ("on", "15kmh", "30 s"), or "?" when unknown. */
const char *ui_feature_value_text(const struct ui_feature *f);
/* The index of a module by id, or -1. */
int ui_snapshot_module(const struct ui_snapshot *s, const char *id);
/* Fault codes read in all (of the module index, or of every module for
 * -1); *read tells whether any of them was read. */
size_t ui_snapshot_dtc_count(const struct ui_snapshot *s, int module, bool *read);
/* The session's directory name (last path part), or "". */
const char *ui_snapshot_session_name(const struct ui_snapshot *s);

#endif
