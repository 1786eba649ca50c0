/* canbus.c: the virtual CAN bus. Frames from the adapter reach the ECUs
 * that listen on their identifier; each ECU runs ISO 15765-2 (ISO-TP) on
 * its side: it reassembles segmented requests (answering a first frame
 * with a flow control), segments its replies into a first frame and
 * consecutive frames sent as the tester's flow control allows, and pads
 * every frame to 8 bytes with its padding byte. Frames the ECUs send wait
 * in a queue until the adapter takes them. No timing in this version: an
 * ECU answers at once, and never times out waiting for a flow control. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

#define CAN_FUNCTIONAL_11 0x7DFu
#define CAN_FUNCTIONAL_29 0x18DB33F1u

/* Appends a frame to the queue; drops it (and notes it) when full. */
static void bus_push(struct sim_bus *b, const struct sim_frame *f)
{
	struct sim_frame *q;
	size_t cap;

	if (b->len >= SIM_QUEUE_MAX) {
		b->overflow = true;
		return;
	}
	if (b->head + b->len == b->cap && b->head > 0) {
		memmove(b->q, b->q + b->head, b->len * sizeof *b->q);
		b->head = 0;
	}
	if (b->len == b->cap) {
		cap = b->cap ? b->cap * 2 : 64;
		q = realloc(b->q, cap * sizeof *q);
		if (q == NULL) {
			b->overflow = true;
			return;
		}
		b->q = q;
		b->cap = cap;
	}
	b->q[b->head + b->len++] = *f;
}

/* Takes the next frame an ECU sent; false when there is none. */
bool sim_bus_pop(struct sim_bus *b, struct sim_frame *f)
{
	if (b->len == 0)
		return false;
	*f = b->q[b->head++];
	if (--b->len == 0)
		b->head = 0;
	return true;
}

/* Drops frames in flight. */
void sim_bus_clear(struct sim_bus *b)
{
	b->head = b->len = 0;
	b->overflow = false;
}

/* Frees the queue. */
void sim_bus_free(struct sim_bus *b)
{
	free(b->q);
	memset(b, 0, sizeof *b);
}

/* Sends n bytes (1..8) as one frame of the ECU, padded if it pads. */
static void ecu_send_frame(struct sim *s, const struct sim_ecu *ecu, const uint8_t *data, size_t n)
{
	struct sim_frame f;

	memset(&f, 0, sizeof f);
	f.id = ecu->rx;
	f.ext = ecu->ext;
	memcpy(f.data, data, n);
	f.len = (uint8_t)n;
	if (ecu->pad >= 0) {
		memset(f.data + n, ecu->pad, 8 - n);
		f.len = 8;
	}
	bus_push(&s->bus, &f);
}

/* Sends consecutive frames of the reply in progress: bs of them (0 = all). */
static void ecu_send_cfs(struct sim *s, struct sim_ecu *ecu, unsigned bs)
{
	struct sim_isotp_tx *t = &ecu->itx;
	uint8_t d[8];
	unsigned sent = 0;
	size_t chunk;

	while (t->pos < t->len && (bs == 0 || sent < bs)) {
		chunk = t->len - t->pos < 7 ? t->len - t->pos : 7;
		d[0] = (uint8_t)(0x20 | t->sn);
		memcpy(d + 1, t->buf + t->pos, chunk);
		ecu_send_frame(s, ecu, d, chunk + 1);
		t->pos += chunk;
		t->sn = (uint8_t)((t->sn + 1) & 0x0F);
		sent++;
	}
	if (t->pos >= t->len)
		t->active = false;
}

/* Starts sending the reply of length n held in itx.buf: a single frame,
 * or a first frame after which the ECU waits for a flow control. */
static void ecu_reply(struct sim *s, struct sim_ecu *ecu, size_t n)
{
	struct sim_isotp_tx *t = &ecu->itx;
	uint8_t d[8];

	if (n <= 7) {
		d[0] = (uint8_t)n;
		memcpy(d + 1, t->buf, n);
		ecu_send_frame(s, ecu, d, n + 1);
		return;
	}
	d[0] = (uint8_t)(0x10 | n >> 8);
	d[1] = (uint8_t)n;
	memcpy(d + 2, t->buf, 6);
	ecu_send_frame(s, ecu, d, 8);
	t->len = n;
	t->pos = 6;
	t->sn = 1;
	t->active = true;
}

/* An ECU sends a reply message delay_us after now (immediately in this
 * version: the timing model schedules it). */
void sim_ecu_reply(struct sim *s, struct sim_ecu *ecu, uint64_t delay_us, const uint8_t *msg,
		   size_t n)
{
	(void)delay_us;
	if (n == 0 || n > SIM_MSG_MAX)
		return;
	memcpy(ecu->itx.buf, msg, n);
	ecu_reply(s, ecu, n);
}

/* A complete request message reached the ECU: the vehicle answers it. */
static void ecu_message(struct sim *s, struct sim_ecu *ecu, bool functional, const uint8_t *req,
			size_t n)
{
	sim_ecu_request(s, ecu, functional, req, n);
}

/* Single frame: a whole request; it ends any transfer in progress. */
static void ecu_on_sf(struct sim *s, struct sim_ecu *ecu, const struct sim_frame *f,
		      bool functional)
{
	size_t l = f->data[0] & 0x0F;
	uint8_t req[7];

	if (l == 0 || l + 1 > f->len)
		return;
	memcpy(req, f->data + 1, l);
	ecu->irx.active = false;
	ecu->itx.active = false;
	ecu_message(s, ecu, functional, req, l);
}

/* First frame of a segmented request: keep it, answer with a flow
 * control (clear to send, no block limit, no separation time). */
static void ecu_on_ff(struct sim *s, struct sim_ecu *ecu, const struct sim_frame *f)
{
	static const uint8_t fc[] = { 0x30, 0x00, 0x00 };
	struct sim_isotp_rx *r = &ecu->irx;
	size_t len = (size_t)(f->data[0] & 0x0F) << 8 | f->data[1];

	if (f->len < 8 || len < 8)
		return;
	ecu->itx.active = false;
	r->active = true;
	r->len = len;
	r->have = 6;
	r->sn = 1;
	memcpy(r->buf, f->data + 2, 6);
	ecu_send_frame(s, ecu, fc, sizeof fc);
}

/* Consecutive frame of a segmented request; a wrong sequence number or a
 * short frame aborts the reception (ISO 15765-2 N_WRONG_SN). */
static void ecu_on_cf(struct sim *s, struct sim_ecu *ecu, const struct sim_frame *f)
{
	struct sim_isotp_rx *r = &ecu->irx;
	size_t chunk;

	if (!r->active)
		return;
	chunk = r->len - r->have < 7 ? r->len - r->have : 7;
	if ((f->data[0] & 0x0F) != r->sn || (size_t)f->len < chunk + 1) {
		r->active = false;
		return;
	}
	memcpy(r->buf + r->have, f->data + 1, chunk);
	r->have += chunk;
	r->sn = (uint8_t)((r->sn + 1) & 0x0F);
	if (r->have == r->len) {
		r->active = false;
		ecu_message(s, ecu, false, r->buf, r->len);
	}
}

/* Flow control from the tester for the reply in progress. */
static void ecu_on_fc(struct sim *s, struct sim_ecu *ecu, const struct sim_frame *f)
{
	if (!ecu->itx.active || f->len < 3)
		return;
	switch (f->data[0] & 0x0F) {
	case 0: /* clear to send */
		ecu_send_cfs(s, ecu, f->data[1]);
		break;
	case 1: /* wait: a later flow control continues */
		break;
	default: /* overflow or invalid: abort */
		ecu->itx.active = false;
		break;
	}
}

/* An ECU takes a frame addressed to it. Functional requests are single
 * frames only. */
static void ecu_take(struct sim *s, struct sim_ecu *ecu, const struct sim_frame *f,
		     bool functional)
{
	if (f->len == 0)
		return;
	switch (f->data[0] >> 4) {
	case 0:
		ecu_on_sf(s, ecu, f, functional);
		break;
	case 1:
		if (!functional)
			ecu_on_ff(s, ecu, f);
		break;
	case 2:
		if (!functional)
			ecu_on_cf(s, ecu, f);
		break;
	case 3:
		if (!functional)
			ecu_on_fc(s, ecu, f);
		break;
	}
}

/* True if f is the functional (broadcast) OBD request the ECU listens to. */
static bool is_functional(const struct sim_ecu *ecu, const struct sim_frame *f)
{
	return ecu->obd && f->id == (f->ext ? CAN_FUNCTIONAL_29 : CAN_FUNCTIONAL_11);
}

/* Puts a frame from the adapter on the bus; ECUs queue their answers. */
void sim_can_send(struct sim *s, const struct sim_frame *f)
{
	size_t i;

	for (i = 0; i < s->vehicle.necus; i++) {
		struct sim_ecu *ecu = &s->vehicle.ecus[i];
		if (ecu->ext != f->ext)
			continue;
		if (f->id == ecu->tx)
			ecu_take(s, ecu, f, false);
		else if (is_functional(ecu, f))
			ecu_take(s, ecu, f, true);
	}
}

/* Aborts every ISO-TP transfer in progress and drops frames in flight. */
void sim_can_reset(struct sim *s)
{
	size_t i;

	for (i = 0; i < s->vehicle.necus; i++) {
		s->vehicle.ecus[i].irx.active = false;
		s->vehicle.ecus[i].itx.active = false;
	}
	sim_bus_clear(&s->bus);
}
