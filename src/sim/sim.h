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
 * Empty VEHICLE means the default vehicle ("demo"). Options so far:
 * adapter=PROFILE (default "elm327"). Unknown options are errors (ERR_ARG). */
int sim_create(const char *spec, struct sim **out, struct error *e);
/* Frees a simulator. */
void sim_free(struct sim *s);
/* The deterministic core: feeds bytes the console sent; appends to out
 * every byte the adapter answers (echo, replies, prompts). */
void sim_input(struct sim *s, const uint8_t *in, size_t n, struct buf *out);
/* Serves the simulator on a link until EOF on it or *stop becomes non-zero. */
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

/* ---- Vehicle model introspection (ecu_flash.c) ---- */
/* Copies n bytes of the flash memory of the ECU named ecu_id at addr (its
 * initial image if nothing changed it yet); -1 if the ECU, its memory or
 * the range does not exist. Safe while a thread serves the simulator. */
int sim_get_memory(const struct sim *s, const char *ecu_id, uint32_t addr, uint8_t *out, size_t n);

#endif
