/* console_info.c: what the console shows beyond the state of a connection:
 * the standard mode 01 PIDs a user can pick for live data (names and units
 * of SAE J1979), which of them the engine says it supports, and the names
 * of the DTC status bits (ISO 14229-1 annex D.2). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app/app_internal.h"
#include "diag/dtc.h"
#include "diag/obd.h"

/* True for the PIDs that are supported-PID bitmaps (00, 20, 40...). */
static bool is_bitmap(unsigned pid)
{
	return pid % 0x20 == 0;
}

/* The standard mode 01 PIDs that carry values, in PID order. */
size_t app_live_pid_table(struct app_pid *out, size_t max)
{
	size_t n = 0;
	unsigned pid;

	for (pid = 1; pid <= 0xFF && n < max; pid++) {
		const struct obd_pid *p = obd_pid_info((uint8_t)pid);
		if (p == NULL || is_bitmap(pid) || p->nfields == 0)
			continue;
		out[n].pid = (uint8_t)pid;
		out[n].name = p->name;
		out[n].unit = p->fields[0].unit;
		out[n].values = p->nfields;
		n++;
	}
	return n;
}

/* Reads which mode 01 PIDs with values the engine supports. */
int app_live_supported(struct app *a, uint8_t *pids, size_t max, size_t *n, struct error *e)
{
	struct uds_target t = app_engine_target(a);
	struct obd_pidset set;
	uint8_t all[256];
	size_t got, i;

	*n = 0;
	if (a->uds == NULL)
		return error_set(e, ERR_ARG, "not connected");
	app_say(a, APP_PROGRESS, "reading the PIDs the engine supports");
	if (obd_read_supported(a->uds, &t, OBD_MODE_CURRENT, &set, e) < 0)
		return error_wrap(e, "supported PIDs of the engine");
	got = obd_pidset_list(&set, all, sizeof all);
	for (i = 0; i < got && *n < max; i++)
		if (!is_bitmap(all[i]) && obd_pid_info(all[i]) != NULL)
			pids[(*n)++] = all[i];
	return 0;
}

/* Words for one DTC status bit ("confirmed") and its ISO 14229-1 name
 * ("confirmedDTC"). */
const char *app_dtc_status_bit(unsigned bit, bool iso_name)
{
	return iso_name ? dtc_status_name(bit) : dtc_status_word(bit);
}
