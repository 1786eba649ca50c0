/* sim.h: the simulator: a virtual ELM327/STN adapter in front of a virtual
 * vehicle, both described by Lua data profiles (profiles/adapters,
 * profiles/vehicles). It is a peer of the console: it sits on the other
 * end of a link and speaks the adapter's byte protocol. */
#ifndef OBDCON_SIM_SIM_H
#define OBDCON_SIM_SIM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link/link.h"
#include "util/buf.h"
#include "util/error.h"

struct sim;

/* Builds a simulator from a port spec after "sim:": "[VEHICLE][,key=value...]".
 * Empty VEHICLE means the default vehicle ("demo"). Options:
 *   adapter=PROFILE  adapter profile (default "elm327")
 *   state=FILE       keep the vehicle's writable DIDs in FILE between runs
 *   faults=ITEMS     faults on demand, items joined by '+' (see faults.c)
 *   baud=N           UART rate instead of the adapter profile's default
 *   throttle         sim_serve releases output at the modelled pace
 *   latency=MS       the ECUs' processing time before each answer
 *   engine=on|off    start or stop the vehicle's engine
 * Unknown options are errors (ERR_ARG). */
int sim_create(const char *spec, struct sim **out, struct error *e);
/* Frees a simulator. */
void sim_free(struct sim *s);
/* The deterministic core: feeds bytes the console sent; appends to out
 * every byte the adapter answers (echo, replies, prompts). The bytes
 * arrive back to back at the UART rate from the current modelled time on;
 * the model then runs until the adapter is idle (its prompt sent) or waits
 * for the host (ATMA, DATA>, a baud rate handshake). Returns 0, or
 * -ERR_EOF once the link is closed by an eof@ fault. */
int sim_input(struct sim *s, const uint8_t *in, size_t n, struct buf *out);
/* Serves the simulator on a link until EOF on it, an eof@ fault (the link
 * is hung up) or *stop becoming non-zero. Unthrottled, modelled waits of
 * the adapter pass at once and idle real time is added to modelled time;
 * with "throttle" modelled time follows real time (see serve.c). */
int sim_serve(struct sim *s, struct link *l, volatile sig_atomic_t *stop, struct error *e);

/* A simulator running in a thread of this process behind a link pair. */
struct sim_thread;
/* Creates a simulator from spec and serves it in a new thread; *console
 * is the link end the console uses (owned by the caller, close it first). */
int sim_spawn(const char *spec, struct link **console, struct sim_thread **out, struct error *e);
/* Stops the thread (after the console closed its end), joins and frees. */
void sim_thread_stop(struct sim_thread *t);
/* The simulator inside a thread (inspect only after sim_thread_stop's join
 * point, or for read-only data set at creation). */
struct sim *sim_thread_sim(struct sim_thread *t);

/* Vehicle introspection for tests. */
const char *sim_vin(const struct sim *s);
/* Copies the current value of a DID of the ECU named ecu_id; -1 if absent
 * (or if cap is too small: *len then tells the size). Safe to call while
 * a thread serves the simulator (a mutex guards its state). */
int sim_get_did(const struct sim *s, const char *ecu_id, uint16_t did, uint8_t *out, size_t cap,
		size_t *len);
/* Prints the known adapter and vehicle profiles, one a line, name first. */
void sim_list_profiles(struct buf *out);

/* ---- timing model, statistics, command line ---- */

/* What crossed the simulated links since creation. */
struct sim_stats {
	uint64_t chars_to_adapter;   /* UART bytes from the console */
	uint64_t chars_from_adapter; /* UART bytes to the console */
	uint64_t frames_to_ecu;      /* CAN frames the adapter sent */
	uint64_t frames_from_ecu;    /* CAN frames the ECUs sent */
	uint64_t requests;           /* data requests (OBD/UDS lines, STPX) */
	uint64_t modelled_us;        /* modelled time since creation */
};

/* Modelled time since creation, in microseconds. */
uint64_t sim_now_us(const struct sim *s);
/* Advances modelled time to until_us (a time in the past does nothing):
 * late frames reach the bus, ATMA prints them, handshakes time out, ECU
 * timers run. Appends the adapter's output; returns as sim_input. */
int sim_run(struct sim *s, uint64_t until_us, struct buf *out);
/* Copies the counters. */
void sim_stats(const struct sim *s, struct sim_stats *out);
/* One DID of a simulated vehicle and its length (for `obdcon check`). */
struct sim_did_len {
	uint32_t tx;   /* request ID of its ECU */
	uint16_t did;
	size_t len;
};
/* Loads vehicle profile name and lists its VIN and every DID of every ECU
 * (*out is freed by the caller with free()). */
int sim_vehicle_dids(const char *name, char *vin, size_t vn, struct sim_did_len **out, size_t *n,
		     struct error *e);
/* The flash memory of one ECU of a simulated vehicle (for `obdcon check`):
 * where it lies, its erase unit, its routines, and where the application
 * reads its identification from. */
struct sim_flash_layout {
	uint32_t tx;                 /* request ID of its ECU */
	uint32_t addr, size, sector; /* the memory and its erase unit */
	uint16_t erase_routine, check_routine;
	uint32_t part_at, hw_at, sw_at; /* offsets in the memory of F187, F191,
					 * F189 (UINT32_MAX: not read from it) */
};
/* Loads vehicle profile name and lists the flash memory of each ECU that
 * has one (*out is freed by the caller with free()). */
int sim_vehicle_flashes(const char *name, struct sim_flash_layout **out, size_t *n,
			struct error *e);
/* Names of the vehicle profiles, one a line, into out. */
void sim_vehicle_names(struct buf *out);

/* "obdcon sim ...": --list, --pty, --tcp (argv[0] is "sim"); returns the
 * exit status: 0 after a signal, 1 on failure, 2 on bad usage. */
int sim_main(int argc, char **argv);

/* ---- Vehicle model introspection (ecu_flash.c) ---- */
/* Copies n bytes of the flash memory of the ECU named ecu_id at addr (its
 * initial image if nothing changed it yet); -1 if the ECU, its memory or
 * the range does not exist. Safe while a thread serves the simulator. */
int sim_get_memory(const struct sim *s, const char *ecu_id, uint32_t addr, uint8_t *out, size_t n);

#endif
