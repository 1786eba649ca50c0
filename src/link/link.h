/* link.h: byte transports to an adapter: serial (libserialport), pseudo-
 * terminals (termios), TCP (Wi-Fi adapters) and in-process pairs (the
 * simulator). The only layer that touches file descriptors of devices. */
#ifndef OBDCON_LINK_LINK_H
#define OBDCON_LINK_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define LINK_DRAIN_MAX 65536 /* bytes one link_drain() discards at most */

struct link;

/* Direction of bytes, as seen from the console. */
enum link_dir {
	LINK_TX, /* console -> adapter */
	LINK_RX, /* adapter -> console */
};

/* Called with every chunk of bytes moved, before anyone interprets them. */
typedef void (*link_tap_fn)(void *arg, enum link_dir dir, const uint8_t *data, size_t n);

/* Opens a device path (optionally "@BAUD"), a pty, or "tcp:HOST:PORT".
 * "sim:" ports are not links of their own: see link_pair() and src/sim. */
int link_open(const char *spec, struct link **out, struct error *e);
/* Creates two connected in-process links (a socket pair). */
int link_pair(struct link **a, struct link **b, const char *name, struct error *e);
/* Closes a link and frees it; NULL is allowed. */
void link_close(struct link *l);
/* Writes all n bytes within timeout_ms; 0 or -ERR_*. */
int link_write(struct link *l, const void *data, size_t n, int timeout_ms, struct error *e);
/* Reads what is available, waiting up to timeout_ms: bytes read (> 0),
 * 0 on timeout, or -ERR_EOF / -ERR_IO. */
long link_read(struct link *l, void *buf, size_t cap, int timeout_ms, struct error *e);
/* The same, waiting up to timeout_us microseconds. */
long link_read_us(struct link *l, void *buf, size_t cap, int64_t timeout_us, struct error *e);
/* Discards bytes already waiting (at most LINK_DRAIN_MAX), returns how many. */
long link_drain(struct link *l);
/* Descriptor to poll for readability (for the console's main loop). */
int link_poll_fd(const struct link *l);
/* Installs the tap that sees every byte (transcript logging). */
void link_set_tap(struct link *l, link_tap_fn fn, void *arg);
/* The port as given ("/dev/ttyUSB0@38400", "tcp:...", "pair:sim"). */
const char *link_name(const struct link *l);
/* True once a read or write found the other end gone (EOF). */
bool link_gone(const struct link *l);
/* Kind of transport: "serial", "pty", "tcp", "pair". */
const char *link_kind(const struct link *l);
/* Current UART rate, 0 when not a serial line. */
int link_baud(const struct link *l);
/* Changes the UART rate of a serial or pty link; an in-process pair only
 * records the rate the simulator at its other end models. */
int link_set_baud(struct link *l, int baud, struct error *e);
/* A serial port present on this machine. */
struct link_port {
	char name[128];        /* device path */
	char description[128]; /* what the system says it is */
};
/* Lists present serial ports (libserialport); returns how many were put
 * in out (at most max), or -ERR_*. */
int link_list_ports(struct link_port *out, size_t max, struct error *e);
/* Counters: bytes written and read since open. */
void link_counters(const struct link *l, uint64_t *tx, uint64_t *rx);

/* ---- serving (the simulator on a pty or TCP, for other programs) ---- */

/* Creates a pseudo-terminal pair in raw mode: *out is the master end (the
 * server's), path gets the slave's path for a client to open. The server
 * keeps the slave open too, so clients may come and go. */
int link_pty_server(struct link **out, char *path, size_t n, struct error *e);
/* Listens on TCP "[HOST:]PORT" (HOST defaults to 127.0.0.1, PORT 0 picks
 * a free one); bound gets "HOST:PORT" as bound. */
int link_tcp_listen(const char *hostport, struct link **out, char *bound, size_t n,
		    struct error *e);
/* Waits up to timeout_ms for a connection on a listening link: 1 and *out
 * set, 0 on timeout, or -ERR_*. */
int link_tcp_accept(struct link *listener, struct link **out, int timeout_ms, struct error *e);
/* Hangs the link up: the other end sees EOF (reads and writes here then
 * fail with ERR_EOF). */
void link_hangup(struct link *l);

#endif
