/* adapter.h: the ELM327/STN command driver: probe, initialise, AT
 * commands, and sending CAN payloads to a target with the reply parsed. */
#ifndef OBDCON_ADAPTER_ADAPTER_H
#define OBDCON_ADAPTER_ADAPTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adapter/elm_parse.h"
#include "link/link.h"
#include "util/error.h"

/* What the probe learned about the adapter. */
struct adapter_info {
	char elm_version[64];  /* ATI, e.g. "ELM327 v2.2" */
	char device[64];       /* AT@1 */
	char stn_version[64];  /* STI, empty on plain ELM327 */
	char stn_device[64];   /* STDI */
	char protocol[64];     /* ATDPN / ATDP */
	char path[32];         /* send path chosen, e.g. "caf1-single" */
	int max_request;       /* longest request the chosen path sends */
	int rtt_ms;            /* measured round trip of a short AT command */
};

struct adapter;

/* CAN addressing of one target: transmit ID, expected reply ID. */
struct can_target {
	uint32_t tx;
	uint32_t rx;
	bool ext; /* 29-bit identifiers */
};

/* Wraps a link (not owned). */
struct adapter *adapter_new(struct link *l);
/* Frees the driver (the link stays open). */
void adapter_free(struct adapter *a);
/* Resets and configures the adapter for ISO 15765 CAN: ATZ, ATE0, ATL0,
 * ATS0, ATH1, ATSP6; reads its identification. */
int adapter_init(struct adapter *a, struct error *e);
/* What the probe found. */
const struct adapter_info *adapter_info(const struct adapter *a);
/* Sends an AT/ST command and returns its text answer in out (may be NULL). */
int adapter_command(struct adapter *a, const char *cmd, char *out, size_t n, struct error *e);
/* Reads the supply voltage (ATRV) in volts. */
int adapter_voltage(struct adapter *a, double *volts, struct error *e);
/* Sends one CAN payload (at most 7 bytes: the adapter adds the ISO-TP PCI)
 * to target and parses every frame received until the prompt. A reply of
 * NO DATA returns -ERR_TIMEOUT; adapter statuses return -ERR_ADAPTER with
 * e->detail set to the elm_status. */
int adapter_send(struct adapter *a, const struct can_target *t, const uint8_t *data, size_t n,
		 int timeout_ms, struct elm_reply *reply, struct error *e);
/* Per-command timeout to the adapter (wall clock, not ATST). */
void adapter_set_timeout(struct adapter *a, int ms);

#endif
