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

#include <stdatomic.h>

#define DID_MAX 512

struct app {
	struct app_options opt;
	struct app_hooks hooks;
	struct script_host *scripts;
	struct link *link;
	struct sim_thread *sim;
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
	struct app_module_dtcs dtcs[APP_MAX_MODULES];
};

/* Reports a line through the hooks (and to the session's events). */
void app_say(struct app *a, enum app_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Value of a bit feature within a DID record (byte checked by the caller). */
int app_feature_get(const struct app_feature *f, const uint8_t *data);
/* The UDS target of a module. */
struct uds_target app_module_target(const struct app_module *m);

#endif
