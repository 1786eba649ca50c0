/* sim_internal.h: what the simulator's files share. The simulator is split
 * by the layers of the thing it imitates:
 *   sim.c       creation from a port spec, threads, serving on a link
 *   at.c        the adapter: input lines, AT commands, output formatting
 *   request.c   the adapter sending a data line as a CAN frame and printing
 *               the frames it receives (filters, headers, response count)
 *   canbus.c    the bus: frame queue, ISO-TP segmentation in the ECUs
 *   vehicle.c   the ECUs' services on the message level (UDS, OBD-II)
 *   profiles.c  finding profiles: the user's directory, then the built-in ones
 * Every reply is immediate in this version; a timing model (link speed,
 * bus load, ECU delays) and faults will hook into sim_input and canbus.c. */
#ifndef OBDCON_SIM_SIM_INTERNAL_H
#define OBDCON_SIM_SIM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "script/sdata.h"
#include "sim/sim.h"
#include "util/buf.h"
#include "util/error.h"

#define SIM_LINE_MAX 256   /* longest command line; more gives "?" */
#define SIM_MSG_MAX 4095   /* longest ISO-TP message (12-bit length) */
#define SIM_NAME_MAX 64    /* longest profile name */
#define SIM_QUEUE_MAX 8192 /* frames in flight on the bus after one request */

/* A classic CAN frame. */
struct sim_frame {
	uint32_t id;
	bool ext;        /* 29-bit identifier */
	uint8_t len;     /* data length code, 0..8 */
	uint8_t data[8];
};

/* The adapter profile (profiles/adapters/NAME.lua). */
struct sim_adapter {
	char *id, *name;
	char *ati;       /* ATI answer, also the banner after ATZ */
	char *at1;       /* AT@1 answer */
	bool echo, linefeeds, spaces, headers, memory;
	int protocol;    /* ATSP default, 0 = automatic */
	uint8_t *junk;   /* bytes emitted after a reset (clones: 0xFC) */
	size_t njunk;
};

/* A data identifier of an ECU and its current value. */
struct sim_did {
	uint16_t id;
	bool writable;
	uint8_t *val;
	size_t len;
};

/* ISO-TP reception of a segmented request inside an ECU. */
struct sim_isotp_rx {
	bool active;
	uint8_t sn;      /* next expected sequence number */
	size_t len, have;
	uint8_t buf[SIM_MSG_MAX];
};

/* ISO-TP transmission of a segmented reply by an ECU. */
struct sim_isotp_tx {
	bool active;
	uint8_t sn;      /* next sequence number to send */
	size_t len, pos;
	uint8_t buf[SIM_MSG_MAX];
};

/* A virtual control module. tx/rx are seen from the tester, as in brand
 * scripts: the tester transmits requests on tx, the ECU answers on rx. */
struct sim_ecu {
	char *id, *name;
	uint32_t tx, rx;
	bool ext;        /* 29-bit identifiers */
	bool obd;        /* answers OBD-II requests, also functional ones */
	int pad;         /* padding byte of its frames, -1 = no padding */
	struct sim_did *dids;
	size_t ndids;
	int rpm, speed, coolant; /* OBD-II live values (constant for now) */
	unsigned writes;  /* successful writes, so the state file is saved */
	struct sim_isotp_rx irx;
	struct sim_isotp_tx itx;
};

/* The vehicle profile (profiles/vehicles/NAME.lua) and its state. */
struct sim_vehicle {
	char *id, *name;
	char vin[18];
	double voltage;
	int protocol;    /* what an automatic protocol search finds */
	struct sim_ecu *ecus;
	size_t necus;
};

/* Frames the ECUs sent, waiting for the adapter to take them. */
struct sim_bus {
	struct sim_frame *q;
	size_t head, len, cap;
	bool overflow;
};

/* Faults injected on demand ("faults=" in the port spec or the vehicle
 * profile), e.g. "eof@4000+pending:50+seed:7". Counts are -1 when off. */
struct sim_faults {
	uint64_t seed;        /* seed:N      seed of every random choice */
	double drop_rate;     /* drop:R      fraction of adapter output bytes lost */
	double junk_rate;     /* junk:R      fraction of junk bytes (NUL, 0xFC) added */
	long reset_at;        /* reset@N     adapter resets after N output bytes */
	long eof_at;          /* eof@N       the link ends after N bytes (both ways) */
	long buffer_full_at;  /* bufferfull@N  the Nth data request ends in BUFFER FULL */
	long can_error_at;    /* canerror@N  the Nth data request answers CAN ERROR */
	int pending;          /* pending:N   each UDS request gets N 0x78 replies first */
	long silent_after;    /* silent@N    ECUs stop answering after N requests */
	char silent_ecu[16];  /* silent:ECU@N  only that ECU ("" = all) */
	double volts;         /* volts:V     battery voltage, <= 0 when off */
};

/* The adapter's settings and input state (what AT commands change). */
struct sim_at {
	bool echo, linefeeds, spaces, headers, memory;
	bool caf, cfc;
	int protocol;         /* 0..12 as set by ATSP/ATTP */
	bool autop;           /* automatic search allowed */
	int active;           /* protocol in use after a search, 0 = none */
	uint32_t header;      /* ATSH, low 24 bits */
	bool header_set;
	uint8_t cp;           /* ATCP, top 5 bits of 29-bit identifiers */
	char cra[9];          /* ATCRA pattern ("" = default filter) */
	uint8_t st;           /* ATST, 4 ms units */
	int at_mode;          /* ATAT 0..2 */
	int fc_mode;          /* ATFC SM 0..2 */
	uint32_t fc_header;   /* ATFC SH */
	bool fc_header_set;
	uint8_t fc_hdigits;   /* 3, 6 (low 24 bits, ATCP on top) or 8 */
	uint8_t fc_data[5];   /* ATFC SD */
	size_t fc_dlen;
	char line[SIM_LINE_MAX + 1]; /* the line being received */
	size_t linelen;
	bool overflow;
	char last[SIM_LINE_MAX + 1]; /* the last command, repeated by a bare CR */
};

/* A simulator: adapter + vehicle + bus. */
struct sim {
	struct sim_adapter adapter;
	struct sim_vehicle vehicle;
	struct sim_at at;
	struct sim_bus bus;
	pthread_mutex_t *lock; /* guards everything while served in a thread */
	struct sim_faults faults;
	uint64_t now_us;       /* modelled time since creation */
	char *state_file;      /* state=FILE: vehicle state kept between runs */
	unsigned saved_writes; /* writes already in the state file */
	struct error state_error; /* why the last save failed, if it did */
};

/* A profile built into the binary (profiles_embedded.c, generated). */
struct sim_embedded {
	const char *path; /* "adapters/elm327.lua" */
	const char *text;
	size_t len;
};

extern const struct sim_embedded sim_embedded_profiles[];
extern const size_t sim_embedded_count;

/* at.c */
/* Reads an adapter profile. */
int sim_adapter_load(const struct sdata *d, const char *file, struct sim_adapter *a,
		     struct error *e);
/* Frees what sim_adapter_load allocated. */
void sim_adapter_free(struct sim_adapter *a);
/* Puts every setting back to the profile's defaults (ATZ, ATD). */
void sim_at_defaults(struct sim *s);
/* Feeds console bytes to the adapter's line input. */
void sim_at_input(struct sim *s, const uint8_t *in, size_t n, struct buf *out);
/* Ends an output line: CR, plus LF when linefeeds are on. */
void sim_at_eol(const struct sim *s, struct buf *out);
/* Prints one line of text. */
void sim_at_line(const struct sim *s, struct buf *out, const char *text);
/* Prints bytes as hex, each followed by a space when spaces are on. */
void sim_at_hex(const struct sim *s, struct buf *out, const uint8_t *data, size_t n);

/* request.c */
/* Handles a data line (compacted, upper case); false if it is not one. */
bool sim_request(struct sim *s, const char *cmd, struct buf *out);
/* True for the CAN protocols with 29-bit identifiers. */
bool sim_proto_ext(int protocol);
/* Name of a protocol as ATDP prints it. */
const char *sim_proto_name(int protocol);

/* canbus.c */
/* Puts a frame from the adapter on the bus; ECUs queue their answers. */
void sim_can_send(struct sim *s, const struct sim_frame *f);
/* Takes the next frame an ECU sent; false when there is none. */
bool sim_bus_pop(struct sim_bus *b, struct sim_frame *f);
/* Drops frames in flight. */
void sim_bus_clear(struct sim_bus *b);
/* Frees the queue. */
void sim_bus_free(struct sim_bus *b);
/* Aborts every ISO-TP transfer in progress (adapter or vehicle reset). */
void sim_can_reset(struct sim *s);
/* An ECU sends a reply message delay_us after the current modelled time
 * (the vehicle calls this zero or more times per request: 0x78 first, then
 * the final answer). */
void sim_ecu_reply(struct sim *s, struct sim_ecu *ecu, uint64_t delay_us, const uint8_t *msg,
		   size_t n);

/* vehicle.c */
/* Reads a vehicle profile. */
int sim_vehicle_load(const struct sdata *d, const char *file, struct sim_vehicle *v,
		     struct error *e);
/* Frees what sim_vehicle_load allocated. */
void sim_vehicle_free(struct sim_vehicle *v);
/* A complete request reached an ECU (physically or functionally
 * addressed); it answers through sim_ecu_reply(). */
void sim_ecu_request(struct sim *s, struct sim_ecu *ecu, bool functional, const uint8_t *req,
		     size_t n);
/* The ECU with the given id, or NULL. */
const struct sim_ecu *sim_vehicle_ecu(const struct sim_vehicle *v, const char *id);
/* The DID of an ECU, or NULL. */
struct sim_did *sim_ecu_did(const struct sim_ecu *ecu, uint16_t id);

/* state.c */
/* Applies a state file to the vehicle (a missing file is an empty state). */
int sim_state_load(struct sim *s, struct error *e);
/* Saves the vehicle state when something was written since the last save. */
void sim_state_save_if_changed(struct sim *s);

/* profiles.c */
/* Loads profile NAME of a kind ("adapters" or "vehicles"); *file gets the
 * name used in messages (caller frees). */
int sim_profile_load(const char *kind, const char *name, struct sdata *out, char **file,
		     struct error *e);
/* Known profile names of a kind, sorted, one per line into out. */
void sim_profile_names(const char *kind, struct buf *out);

#endif
