/* sim_internal.h: what the simulator's files share. The simulator is split
 * by the layers of the thing it imitates:
 *   sim.c       creation from a port spec, threads, serving on a link
 *   at.c        the adapter: input lines, AT commands, output formatting
 *   request.c   the adapter sending a data line as a CAN frame and printing
 *               the frames it receives (filters, headers, response count)
 *   canbus.c    the bus: frame queue, ISO-TP segmentation in the ECUs
 *   vehicle.c   the ECUs' services on the message level (UDS, OBD-II)
 *   profiles.c  finding profiles: the user's directory, then the built-in ones
 *   timing.c    modelled time: the event queue, UART and CAN bus timing
 *   faults.c    faults on demand ("faults=...") and the output they spoil
 *   stn.c       the ST commands of OBDLink profiles (STPX, STCSEGT, ...)
 *   serve.c     serving on a link, unthrottled or in real time
 *   cli.c       "obdcon sim --list/--pty/--tcp"
 * Everything that takes time is an event at a modelled time (see the
 * section "Timing model" at the end of this file). */
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
#define SIM_REFUSE_MAX 16  /* AT commands a profile may refuse */
#define SIM_FCPA_MAX 8     /* STCFCPA flow control pairs */

/* A classic CAN frame. */
struct sim_frame {
	uint32_t id;
	bool ext;        /* 29-bit identifier */
	uint8_t len;     /* data length code, 0..8 */
	uint8_t data[8];
	/* -- timing model (timing.c) -- */
	int src;         /* sender: index of an ECU, -1 = the adapter */
	uint64_t seq;    /* order of queueing, for arbitration ties */
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
	/* -- command set, buffers and UART (profile fields, see elm327.lua) -- */
	char *sti, *stdi;   /* STI / STDI answers; NULL: no ST commands at all */
	char refuse[SIM_REFUSE_MAX][8]; /* AT commands answered with "?" */
	size_t nrefuse;
	bool count_digit;   /* accepts a response count digit after data */
	size_t buffer;      /* RS232 transmit buffer (BUFFER FULL beyond it) */
	size_t stpx_max;    /* longest message STPX / STCSEGR handle */
	long baud;          /* UART rate after power-up */
	long baud_max;      /* highest rate ATBRD / STBR accept */
	uint32_t reset_us;  /* time from ATZ to the banner */
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

/* ==== Vehicle model types (vehicle.c, ecu_*.c, state.c) ================
 * What a virtual ECU knows beyond its identifiers and DIDs: sessions,
 * security access, trouble codes, live values and flash memory, read from
 * the vehicle profile, and their state while the simulator runs. */

#define SIM_LEVELS_MAX 4   /* security levels of one ECU */
#define SIM_OPS_MAX 16     /* operations of one seed/key algorithm */
#define SIM_PIDS_MAX 32    /* OBD-II mode 01 PIDs of one ECU */
#define SIM_EXT_MAX 8      /* extended data records of one DTC */

/* Where something is allowed: sessions, security levels, engine state. */
struct sim_access {
	uint8_t sessions;   /* bit n: session n (1..7); 0 = every session */
	uint8_t levels[SIM_LEVELS_MAX]; /* any of these unlocked levels will do */
	uint8_t nlevels;    /* 0 = no security access needed */
	bool engine_off;    /* refused (0x22) while the engine runs */
};

/* One step of a seed/key algorithm, applied to a 32-bit word. */
struct sim_sec_op {
	uint8_t op;         /* enum in ecu_security.c */
	uint32_t arg;
};

/* A security access level (0x27) of an ECU: profile and state. */
struct sim_sec_level {
	uint8_t level;      /* odd requestSeed sub-function; the key is level + 1 */
	uint8_t seed_len, key_len;  /* 1..4 bytes */
	struct sim_sec_op ops[SIM_OPS_MAX];
	size_t nops;
	uint8_t sessions;   /* sessions it can be unlocked in (bit n = session n) */
	unsigned attempts;  /* wrong keys that start the lock-out */
	uint64_t lockout_us;
	unsigned failed;    /* wrong keys so far */
	uint64_t locked_until_us; /* lock-out end, 0 = none */
};

/* The security access of an ECU. */
struct sim_security {
	struct sim_sec_level levels[SIM_LEVELS_MAX];
	size_t nlevels;
	uint8_t unlocked;   /* level unlocked, 0 = locked */
	uint8_t seed_level; /* level whose seed awaits a key, 0 = none */
	uint32_t seed;
	uint32_t count;     /* seeds handed out: no two seeds alike */
};

/* Write access of one writable DID (0x2E). */
struct sim_did_rule {
	uint16_t id;
	struct sim_access access;
};

/* Sessions a service is allowed in (0x7F outside them). */
struct sim_svc_rule {
	uint8_t sid;
	uint8_t sessions;
};

/* A diagnostic trouble code (3 bytes, as 0x19 sends it) and its state. */
struct sim_dtc {
	uint32_t code;
	uint8_t status, profile_status;
	bool stored, profile_stored; /* in fault memory (0x19 01/02 report it) */
	uint64_t returns_us; /* an active fault: set again this long after a clear, 0 = never */
	uint8_t *snapshot;  /* snapshot record 01 as sent: count, DID, data... */
	size_t nsnapshot;
	uint8_t ext_nr[SIM_EXT_MAX]; /* extended data records: number, bytes */
	uint8_t *ext[SIM_EXT_MAX];
	size_t ext_len[SIM_EXT_MAX];
	size_t next;
};

/* The running engine (or not): the values OBD-II PIDs and live DIDs show. */
struct sim_live {
	bool running;
	double idle_rpm, speed, coolant, ambient, load, throttle, fuel, odometer;
	uint8_t pids[SIM_PIDS_MAX]; /* mode 01 PIDs answered, bitmaps aside */
	size_t npids;
};

/* A DID whose value is a live quantity: raw = value * factor + offset. */
struct sim_live_did {
	uint16_t id;
	uint8_t quantity;   /* enum sim_quantity */
	uint8_t bytes;      /* 1..4, big-endian */
	double factor, offset;
};

#define SIM_IMAGE_DIDS_MAX 8 /* identification DIDs read from the application */

/* An identification DID whose value the application carries in memory
 * (read at power-up, as the application reads it when it starts). */
struct sim_image_did {
	uint16_t did;
	uint32_t off;              /* offset in the memory */
	uint8_t *val;              /* the value read at the last power-up */
	size_t len;                /* the length of the ECU's DID */
};

/* Flash memory of an ECU: profile, contents and the transfer in progress. */
struct sim_flash {
	bool present;
	uint32_t addr, size, sector;
	uint16_t max_block;    /* maxNumberOfBlockLength (SID and counter included) */
	uint8_t checksum;      /* enum in ecu_flash.c */
	uint16_t erase_rid, check_rid;
	uint64_t erase_us, check_us;
	struct sim_access prog;    /* erase, download, check */
	bool readout;              /* 0x23 and 0x35 allowed at all */
	struct sim_access read;    /* where they are */
	uint8_t fill;              /* initial image: fill byte, or noise */
	bool noise;
	uint32_t noise_seed;
	uint8_t *text;             /* initial image: bytes at text_off */
	uint32_t text_off;
	size_t ntext;
	uint8_t sig[4];            /* checksum of the initial image, at its end */
	uint8_t siglen;            /* its length (0: the image is not signed) */
	uint8_t *mem;              /* contents, NULL until first needed */
	uint8_t *erased;           /* per sector: erased, not checked since (kept across
	                            * sessions and power-ups, as a boot loader does) */
	bool invalid;              /* the application is not whole: erased, not checked since */
	bool boot;                 /* running the boot loader (power-up or reset while invalid) */
	char boot_id[32];          /* DID F180 in the boot loader (bootSoftwareIdentification) */
	struct sim_image_did image_dids[SIM_IMAGE_DIDS_MAX]; /* DIDs the application holds */
	size_t nimage_dids;
	int xfer;                  /* 0 none, 'D' download, 'U' upload */
	uint32_t xpos, xend, xprev; /* offsets: next byte, end, start of the last block */
	uint8_t bsc;               /* last block sequence counter */
	bool xany;                 /* a block was transferred */
	uint16_t last_rid;         /* last routine run and its status, for 31 03 */
	int last_status;           /* -1 = none */
	unsigned gen, saved_gen;   /* changes to the contents, and those saved */
};

/* Everything of an ECU beyond identifiers and DIDs. */
struct sim_ecu_model {
	/* from the profile */
	uint8_t sessions;          /* supported sessions (bit n = session n) */
	uint8_t services[32];      /* supported UDS services, a bit each */
	struct sim_svc_rule *svc_rules;
	size_t nsvc_rules;
	struct sim_did_rule *did_rules;
	size_t ndid_rules;
	uint16_t p2_ms, p2star_ms;
	uint64_t s3_us, reset_us;
	bool prog_from_extended;   /* 10 02 only from the extended session */
	double min_volts;          /* programming refused below this */
	struct sim_security sec;
	struct sim_dtc *dtcs;
	size_t ndtcs;
	uint8_t dtc_avail;         /* DTC status availability mask */
	bool has_live;
	struct sim_live live;
	struct sim_live_did *live_dids;
	size_t nlive_dids;
	struct sim_flash flash;
	/* state */
	uint8_t session;
	uint64_t last_us;          /* time of the last request (S3) */
	uint64_t boot_until_us;    /* rebooting until then: answers nothing */
	uint64_t busy_until_us;    /* a slow routine runs until then */
	unsigned long requests;    /* requests received (silent@N) */
	uint8_t comm;              /* 0x28 control type in force */
	bool dtc_off;              /* 0x85: DTC setting off */
	uint64_t cleared_us;       /* time of the last 0x14 */
	bool cleared;
};

/* ==== end of vehicle model types ======================================= */

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
	/* vehicle model (vehicle.c, ecu_*.c): */
	struct sim_ecu_model m;
	int fc_bs, fc_stmin; /* flow control it asks of a tester's segmented request */
};

/* The vehicle profile (profiles/vehicles/NAME.lua) and its state. */
struct sim_vehicle {
	char *id, *name;
	char vin[18];
	double voltage;
	int protocol;    /* what an automatic protocol search finds */
	struct sim_ecu *ecus;
	size_t necus;
	/* vehicle model (vehicle.c, ecu_*.c): a tap that sees every reply an
	 * ECU sends, with its delay (tests, traces), NULL when unused */
	void (*tap)(void *arg, const struct sim_ecu *ecu, uint64_t delay_us, const uint8_t *msg,
		    size_t n);
	void *tap_arg;
};

/* A frame queue (legacy: the timing model queues frames in sim_core). */
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
	long sag_at;          /* sag:V:MS@N  after N link bytes, ... */
	double sag_volts;     /*             ... the battery reads V ... */
	long sag_ms;          /*             ... for MS ms of modelled time */
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
	/* -- timing model, filters, ST commands -- */
	bool responses;       /* ATR1: listen for replies */
	uint32_t cf, cm;      /* ATCF / ATCM: filter and mask */
	uint8_t cfm_digits;   /* 3 or 8: the kind of frame they apply to; 0 = unset */
	bool cf_set, cm_set;
	uint8_t brt;          /* ATBRT, 5 ms units */
	uint64_t timeout_us;  /* ATST (4 ms units) or STPTO (ms) */
	uint64_t recent[4];   /* adaptive timing: latencies of recent replies */
	size_t nrecent;
	bool segt, segr;      /* STCSEGT, STCSEGR */
	struct { uint32_t tx, rx; bool ext; } fcpa[SIM_FCPA_MAX]; /* STCFCPA */
	size_t nfcpa;
	long baud;            /* current UART rate */
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
	uint64_t latency_us;   /* latency=MS: ECU processing time before each answer */
	char *state_file;      /* state=FILE: vehicle state kept between runs */
	unsigned saved_writes; /* writes already in the state file */
	int64_t saved_ms;      /* when it was last saved (clock_ms) */
	struct error state_error; /* why the last save failed, if it did */
	/* -- timing model, adapter activity, faults (timing.c, request.c) -- */
	struct sim_core *core;
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
/* Puts a frame from the adapter on the bus; the ECUs get it when it is
 * complete. */
void sim_can_send(struct sim *s, const struct sim_frame *f);
/* The queue of struct sim_bus (kept for compatibility; the bus of the
 * timing model is sim_bus_send() in timing.c). Takes its next frame. */
bool sim_bus_pop(struct sim_bus *b, struct sim_frame *f);
/* Empties it. */
void sim_bus_clear(struct sim_bus *b);
/* Frees it. */
void sim_bus_free(struct sim_bus *b);
/* The adapter's CAN controller resets (ATZ, ATD): its frames not yet
 * sent are gone; the ECUs' ISO-TP timers end their transfers. */
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
/* Saves the vehicle state when something was written since the last save
 * (the blocks of a download in progress once a second). */
void sim_state_save_if_changed(struct sim *s);
/* Saves whatever is not saved yet (when the simulator ends). */
void sim_state_flush(struct sim *s);

/* profiles.c */
/* Loads profile NAME of a kind ("adapters" or "vehicles"); *file gets the
 * name used in messages (caller frees). */
int sim_profile_load(const char *kind, const char *name, struct sdata *out, char **file,
		     struct error *e);
/* Known profile names of a kind, sorted, one per line into out. */
void sim_profile_names(const char *kind, struct buf *out);

/* ======================================================================
 * Timing model, adapter activity and faults (timing.c, request.c, stn.c,
 * faults.c, serve.c). Modelled time is s->now_us; everything that takes
 * time is an event in a queue ordered by (time, order of scheduling).
 * ====================================================================== */

#define SIM_RX_TRACKS 8       /* segmented replies followed at once */
#define SIM_EVENTS_MAX 65536  /* events pending at once (more are dropped) */

/* What the adapter is doing. */
enum sim_mode {
	SIM_IDLE,     /* reading a command line */
	SIM_RESET,    /* ATZ: rebooting; input is lost */
	SIM_REQUEST,  /* a data request: sending, then listening */
	SIM_MONITOR,  /* ATMA: printing bus traffic until a byte arrives */
	SIM_DATA,     /* STPX l: reading payload lines after "DATA>" */
	SIM_BRD_WAIT, /* ATBRD / STBR: switched, pausing before the ID string */
	SIM_BRD_CR,   /* ATBRD / STBR: waiting for the host's CR at the new rate */
};

/* Kinds of scheduled events. */
enum sim_ev_kind {
	SIM_EV_FRAME_END,   /* the frame on the bus is complete */
	SIM_EV_ADAPTER,     /* an adapter timer */
	SIM_EV_ADAPTER_CF,  /* the adapter's next consecutive frame is due */
	SIM_EV_ECU_REPLY,   /* an ECU starts sending a message */
	SIM_EV_ECU_CF,      /* an ECU's next consecutive frame is due */
	SIM_EV_ECU_TIMEOUT, /* an ECU waited too long for a flow control (N_Bs) */
	SIM_EV_ECU_RX_TIMEOUT, /* an ECU waited too long for a consecutive frame (N_Cr) */
};

/* A scheduled event. Timers carry the generation of their owner when
 * scheduled; a later generation cancels them. */
struct sim_event {
	uint64_t t, seq;
	int kind, ecu;
	uint32_t gen;
	uint8_t *msg; /* SIM_EV_ECU_REPLY: the message (owned) */
	size_t n;
};

/* ISO-TP timing state of one ECU (canbus.c). */
struct sim_ecu_tp {
	uint32_t tx_gen, rx_gen; /* cancel CF and timeout events */
	bool wait_fc;            /* sending: waiting for the tester's FC */
	unsigned bs, in_block;   /* granted block size (0 = none), CFs sent in it */
	uint64_t stmin_us;       /* granted separation time */
	uint64_t last_cf;        /* when its last CF left */
	unsigned rx_block;       /* receiving: CFs since its last FC */
};

/* A segmented reply the adapter follows (flow control, counting,
 * STCSEGR reassembly). */
struct sim_rx_track {
	bool used, ext;
	uint32_t id;
	size_t len, have;        /* announced length, payload bytes so far */
	unsigned bs, cfs;        /* block size granted, CFs since the last FC */
	uint8_t *msg;            /* reassembly (STCSEGR 1), SIM_MSG_MAX bytes */
};

/* Phases of a data request. */
enum sim_phase {
	SIM_PH_SEND,   /* the request's frames are going out */
	SIM_PH_FC,     /* adapter segmentation: waiting for the ECU's FC */
	SIM_PH_LISTEN, /* printing replies until the timer runs out */
};

/* The data request in progress. */
struct sim_adapter_req {
	enum sim_phase phase;
	unsigned count, got;     /* response count (0 = none), responses so far */
	bool count_frames;       /* the count is of frames (a data line), not of
				  * whole messages (STPX r:) */
	size_t frames;           /* frames taken (SIM_QUEUE_MAX at most) */
	bool any;                /* something was printed */
	bool measured;           /* the latency of this request was recorded */
	bool cut;                /* bufferfull fault: cut the first line */
	uint64_t sent_us;        /* when the request's last frame left */
	uint64_t timeout_us;     /* wait for the first reply */
	struct sim_rx_track tracks[SIM_RX_TRACKS];
	/* segmented sending by the adapter (STPX, STCSEGT 1) */
	uint8_t msg[SIM_MSG_MAX];
	size_t len, pos;
	uint32_t id;
	bool ext;
	uint8_t sn;
	unsigned bs, in_block;
	uint64_t stmin_us;
	uint64_t last_cf;        /* when its last CF left, 0 = none yet */
};

/* The parameters of an STPX command (or of a data line). */
struct sim_stpx {
	uint32_t id;
	bool id_set;
	uint64_t timeout_us;     /* 0 = the current timeout */
	unsigned count;
	bool count_frames;       /* count counts frames, not messages */
	size_t len;              /* l: payload bytes to read after DATA> */
};

/* Everything of the timing model and the adapter's activity. */
struct sim_core {
	struct sim_event *ev;    /* binary heap */
	size_t nev, cap;
	uint64_t seq;
	struct sim_frame *pend;  /* frames waiting for the bus */
	size_t npend, cappend;
	bool busy;               /* a frame is on the bus */
	struct sim_frame cur;
	uint64_t rx_t0, rx_k;    /* UART input burst: start, characters */
	uint64_t tx_t0, tx_k;    /* UART output burst */
	uint64_t tx_last;        /* when the last output character is done */
	struct buf stage;        /* output of the current step */
	struct buf txq;          /* output on the line, not yet taken */
	uint64_t *txt;           /* completion time of each byte of txq */
	size_t txt_cap;
	enum sim_mode mode;
	uint32_t gen;            /* adapter timers */
	struct sim_adapter_req req;
	long brd_old, brd_new;   /* ATBRD: rates before and after */
	bool brd_stn;            /* STBR: the ID string is STI's */
	bool crlf;               /* a command line just ended: an LF is its CRLF */
	struct sim_stpx stpx;    /* STPX l: waiting for its payload */
	uint8_t data[SIM_MSG_MAX];
	size_t ndata;
	char dline[SIM_LINE_MAX + 1];
	size_t ndline;
	bool dline_bad;
	uint64_t rng;            /* faults: xorshift64* state */
	uint64_t out_count;      /* bytes the adapter produced (reset@) */
	uint64_t link_count;     /* bytes on the link both ways (eof@) */
	long data_requests;      /* data requests so far (bufferfull@, canerror@) */
	bool closed;             /* eof@ reached: the link is gone */
	bool sagging;            /* sag@ reached: the battery sags ... */
	uint64_t sag_end_us;     /* ... until this modelled time */
	bool throttle;           /* serve in real time */
	struct sim_ecu_tp *tp;   /* per ECU */
	struct sim_stats stats;
};

/* timing.c */
/* Allocates the timing model of s (after the profiles are loaded). */
int sim_core_new(struct sim *s, struct error *e);
/* Frees it. */
void sim_core_free(struct sim *s);
/* Schedules an event at time t (msg is copied). */
void sim_schedule(struct sim *s, uint64_t t, int kind, int ecu, uint32_t gen,
		  const uint8_t *msg, size_t n);
/* Processes every event due up to t, then sets the clock to t. */
void sim_advance(struct sim *s, uint64_t t);
/* Host bytes: each arrives at its modelled time on the UART. */
void sim_feed(struct sim *s, const uint8_t *in, size_t n);
/* Runs while the adapter works on its own, then until its output left. */
void sim_settle(struct sim *s);
/* Moves the output done by until into out. */
void sim_out_take(struct sim *s, uint64_t until, struct buf *out);
/* The time of the next event or output byte; false if there is none. */
bool sim_next_time(const struct sim *s, uint64_t *t);
/* Queues a frame for the bus (f->src tells the sender). */
void sim_bus_send(struct sim *s, const struct sim_frame *f);
/* Withdraws the adapter's frames not yet on the bus. */
void sim_bus_withdraw_adapter(struct sim *s);
/* Bit time of the vehicle's bus in microseconds, 0 without a CAN bus. */
unsigned sim_bit_us(int protocol);
/* Bus time of a frame: data bits, ID, CRC, ACK, EOF and interframe space. */
uint64_t sim_frame_us(const struct sim *s, const struct sim_frame *f);
/* Puts one byte on the UART output at the current time. */
void sim_uart_put(struct sim *s, uint8_t b);
/* Changes the UART rate from the current time on. */
void sim_uart_set_baud(struct sim *s, long baud);
/* Room left in the adapter's transmit buffer (staged output counts). */
size_t sim_out_room(const struct sim *s);
/* True if the adapter works on its own (not idle, not waiting for the host). */
bool sim_working(const struct sim *s);

/* faults.c */
/* Puts every fault off. */
void sim_faults_init(struct sim_faults *f);
/* Parses "item+item..." into f (items override what f has). */
int sim_faults_parse(struct sim_faults *f, const char *text, struct error *e);
/* A random number (xorshift64*, seeded by seed:N). */
uint64_t sim_random(struct sim *s);
/* Moves the staged output onto the UART through the output faults. */
void sim_out_commit(struct sim *s);
/* Counts a host byte; false once the link is closed (eof@). */
bool sim_fault_input(struct sim *s);
/* Counts a data request; SIM_FAULT_* for the one that hits it. */
int sim_fault_request(struct sim *s);
/* The battery voltage while a sag (sag:V:MS@N) lasts, else negative. */
double sim_fault_sag(const struct sim *s);

/* Faults that hit a data request. */
enum { SIM_FAULT_NONE, SIM_FAULT_BUFFER_FULL, SIM_FAULT_CAN_ERROR };

/* at.c (timing model) */
/* Prints the prompt: an empty line and ">". */
void sim_at_prompt(const struct sim *s, struct buf *out);
/* An adapter timer of generation gen ran out. */
void sim_at_timer(struct sim *s, uint32_t gen);
/* The adapter resets as after a power glitch (reset@ fault). */
void sim_at_glitch(struct sim *s);
/* True if the profile refuses AT command name (as in the command table). */
bool sim_at_refused(const struct sim *s, const char *name);
/* Starts the baud rate handshake of ATBRD / STBR. */
void sim_at_brd(struct sim *s, long baud);

/* request.c (timing model) */
/* Sends a message (1..SIM_MSG_MAX bytes) as a request and listens. */
void sim_req_start(struct sim *s, const uint8_t *msg, size_t n, const struct sim_stpx *px);
/* A frame on the bus reached the adapter. */
void sim_req_frame(struct sim *s, const struct sim_frame *f);
/* The adapter's frame left. */
void sim_req_sent(struct sim *s, const struct sim_frame *f);
/* The request timer ran out. */
void sim_req_timer(struct sim *s);
/* The adapter's next consecutive frame is due. */
void sim_req_cf(struct sim *s);
/* A byte from the host interrupts the request or monitor: STOPPED. */
void sim_req_stop(struct sim *s);
/* ATMA: monitors the bus. */
void sim_req_monitor(struct sim *s);
/* The time the adapter waits after a reply (ATST, ATAT). */
uint64_t sim_req_wait_us(const struct sim *s);

/* stn.c */
/* Runs an ST command line (compacted, upper case); false if unknown. */
bool sim_stn_command(struct sim *s, const char *cmd, struct buf *out);
/* A byte of the payload lines after "DATA>". */
void sim_stn_data_byte(struct sim *s, uint8_t c, struct buf *out);

/* canbus.c (timing model) */
/* A frame of the adapter reached the ECUs. */
void sim_can_deliver(struct sim *s, const struct sim_frame *f);
/* An ECU's frame left. */
void sim_ecu_sent(struct sim *s, const struct sim_frame *f);
/* An ECU event (reply, next CF, timeout). */
void sim_ecu_event(struct sim *s, const struct sim_event *ev);

/* ==== Vehicle model functions (vehicle.c, ecu_*.c) =====================
 * vehicle.c     the profile: vehicle, ECUs, DIDs, shared field readers
 * ecu_uds.c     requests: timing, faults, sessions, S3, reset, DIDs
 * ecu_security.c  security access (0x27) and seed/key algorithms
 * ecu_dtc.c     trouble codes: 0x19, 0x14, OBD-II modes 03, 04, 07
 * ecu_obd.c     live values from modelled time: OBD-II modes 01, 09
 * ecu_flash.c   flash memory: routines, download, upload, read-out */

/* Live quantities of the vehicle (ecu_obd.c computes them). */
enum sim_quantity {
	SIM_Q_RPM, SIM_Q_SPEED, SIM_Q_COOLANT, SIM_Q_AMBIENT, SIM_Q_INTAKE, SIM_Q_LOAD,
	SIM_Q_THROTTLE, SIM_Q_VOLTAGE, SIM_Q_ODOMETER, SIM_Q_RUNTIME, SIM_Q_FUEL, SIM_Q_COUNT
};

/* One request being answered: a service writes its answer into resp and
 * returns its length (0: no answer). */
struct sim_req {
	struct sim *s;
	struct sim_ecu *ecu;
	bool functional;
	const uint8_t *req;
	size_t n;
	uint8_t *resp;      /* room for SIM_MSG_MAX bytes */
	size_t len;         /* answer length, 0 = no answer */
	bool reboot;        /* the ECU reboots after the answer (0x11) */
	bool suppress;      /* positive answer suppressed (bit 7 of the sub-function) */
	uint64_t busy_us;   /* slow operation: the answer comes this long after, with 0x78 */
};

/* vehicle.c */
/* An integral profile number in 0..max into *out; -1 if it is not one. */
int sim_prof_uint(const struct sdata *v, double max, unsigned long *out);
/* A numeric field: required (def < 0) or with a default. */
int sim_prof_field(const struct sdata *t, const char *key, double max, long def,
		   unsigned long *out, const char *where, struct error *e);
/* A duration field in milliseconds, stored in microseconds. */
int sim_prof_ms(const struct sdata *t, const char *key, long def, uint64_t *us, const char *where,
		struct error *e);
/* A session or list of sessions (1..7) as a bit set. */
int sim_prof_sessions(const struct sdata *v, uint8_t *out, const char *where, struct error *e);
/* An access table { session =, security =, engine_off = } (NULL: no limits). */
int sim_prof_access(const struct sdata *t, struct sim_access *a, const char *where,
		    struct error *e);

/* ecu_uds.c */
/* Reads sessions, services, service_sessions and the timing fields. */
int sim_uds_load(const struct sdata *t, struct sim_ecu *ecu, const char *where, struct error *e);
/* Frees what sim_uds_load allocated. */
void sim_uds_free(struct sim_ecu *ecu);
/* Writes a negative answer 7F SID code; returns its length. */
size_t sim_nrc(struct sim_req *r, uint8_t code);
/* 0 if a is satisfied now, else the NRC (session_nrc for a wrong session). */
uint8_t sim_access_nrc(const struct sim *s, const struct sim_ecu *ecu, const struct sim_access *a,
		       uint8_t session_nrc);
/* The ECU returns to the default session: locked, communication and DTC
 * setting back on, programming ended. */
void sim_ecu_default_session(struct sim_ecu *ecu);

/* ecu_security.c */
/* Reads the security table: one level or a list of levels. */
int sim_security_load(const struct sdata *t, struct sim_ecu *ecu, const char *where,
		      struct error *e);
/* The key of a seed by a level's algorithm. */
uint32_t sim_security_key(const struct sim_sec_level *l, uint32_t seed);
/* 0x27 SecurityAccess. */
size_t sim_svc_security(struct sim_req *r);

/* ecu_dtc.c */
/* Reads the dtcs list and dtc_mask. */
int sim_dtc_load(const struct sdata *t, struct sim_ecu *ecu, const char *where, struct error *e);
/* Frees the DTCs. */
void sim_dtc_free(struct sim_ecu *ecu);
/* 0x19 ReadDTCInformation. */
size_t sim_svc_read_dtc(struct sim_req *r);
/* 0x14 ClearDiagnosticInformation. */
size_t sim_svc_clear_dtc(struct sim_req *r);
/* OBD-II modes 03, 07 (stored, pending codes) and 04 (clear). */
size_t sim_obd_dtc(struct sim_req *r);

/* ecu_obd.c */
/* Reads live (the engine) and live_dids. */
int sim_live_load(const struct sdata *t, struct sim_ecu *ecu, const char *where, struct error *e);
/* Frees the live DIDs. */
void sim_live_free(struct sim_ecu *ecu);
/* A live quantity now, in its unit (rpm, km/h, degrees C, %, V, km, s);
 * the voltage is the sag fault's while a sag lasts, else the volts
 * fault's when that is on. */
double sim_live_value(const struct sim *s, enum sim_quantity q);
/* True while the vehicle's engine runs. */
bool sim_engine_running(const struct sim *s);
/* Starts (at the profile's idle speed, or 800 rpm) or stops the engine
 * (engine=on|off in the port spec); -1 if the vehicle has no engine. */
int sim_set_engine(struct sim *s, bool on);
/* Writes a live DID's value (or an OBD DID F4xx); returns its length, 0 if
 * the ECU has no such DID. */
size_t sim_live_did(const struct sim *s, const struct sim_ecu *ecu, uint16_t did, uint8_t *out);
/* OBD-II modes 01 and 09; no answer for what the ECU does not know. */
size_t sim_obd_request(struct sim_req *r);

/* ecu_flash.c */
/* Reads the flash table. */
int sim_flash_load(const struct sdata *t, struct sim_ecu *ecu, const char *where, struct error *e);
/* Frees the flash memory. */
void sim_flash_free(struct sim_flash *f);
/* The contents, allocated and filled with the initial image on first use;
 * NULL without flash or memory. */
uint8_t *sim_flash_mem(struct sim_flash *f);
/* Copies n bytes at addr of the contents (initial image if untouched); -1
 * outside the memory. */
int sim_flash_read(const struct sim_flash *f, uint32_t addr, uint8_t *out, size_t n);
/* Leaving the programming session: a transfer in progress is aborted
 * (the erased sectors stay writable until a check routine passes). */
void sim_flash_end_programming(struct sim_flash *f);
/* Power-up or reset: the ECU runs its boot loader while its application
 * is not whole (erased and not checked since), else the application. */
void sim_flash_power_up(struct sim_flash *f);
/* True if a service is one the boot loader answers. */
bool sim_flash_boot_service(uint8_t sid);
/* A DID as the flash model has it: an identification DID read from the
 * application in memory, or F180 in the boot loader; returns its length
 * (0 if the model has no value for it). *hidden is set when the boot
 * loader runs and does not know the DID (the application's DIDs). */
size_t sim_flash_did(const struct sim_ecu *ecu, uint16_t id, uint8_t *out, size_t cap,
		     bool *hidden);
/* 0x31 RoutineControl: erase and checksum routines. */
size_t sim_svc_routine(struct sim_req *r);
/* 0x34 RequestDownload and 0x35 RequestUpload. */
size_t sim_svc_request_transfer(struct sim_req *r);
/* 0x36 TransferData. */
size_t sim_svc_transfer(struct sim_req *r);
/* 0x37 RequestTransferExit. */
size_t sim_svc_transfer_exit(struct sim_req *r);
/* 0x23 ReadMemoryByAddress. */
size_t sim_svc_read_memory(struct sim_req *r);
/* CRC-32 (IEEE 802.3, reflected, as zlib) continued from crc (0 to start). */
uint32_t sim_crc32(uint32_t crc, const uint8_t *p, size_t n);

/* ==== end of vehicle model functions =================================== */

#endif
