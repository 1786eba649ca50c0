/* canbus.c: the ECUs' side of the virtual CAN bus. Frames of the adapter
 * reach the ECUs that listen on their identifier when they are complete
 * on the bus (timing.c); each ECU runs ISO 15765-2 (ISO-TP) on its side:
 *  - it reassembles segmented requests, answering a first frame with a
 *    flow control of its block size and STmin (the ECU's fc_bs and
 *    fc_stmin, 0 = none) and another one after each block;
 *  - it segments its replies into a first frame and consecutive frames,
 *    as the tester's flow control allows: the block size, and STmin
 *    between consecutive frames (also across a new flow control);
 *    0xF1-0xF9 mean 100-900 us, reserved values 127 ms;
 *  - it gives up a transfer after 1 s without the flow control it waits
 *    for (N_Bs) or the next consecutive frame (N_Cr);
 *  - it pads every frame to 8 bytes with its padding byte.
 * A reply starts delay_us after the vehicle asked for it (sim_ecu_reply);
 * a new reply replaces a segmented one still going out. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

#define CAN_FUNCTIONAL_11 0x7DFu
#define CAN_FUNCTIONAL_29 0x18DB33F1u
#define N_BS_US 1000000u /* ISO 15765-2 N_Bs / N_Cr timeouts */
#define N_CR_US 1000000u

/* Takes the next frame of the legacy queue; false when there is none. */
bool sim_bus_pop(struct sim_bus *b, struct sim_frame *f)
{
	if (b->len == 0)
		return false;
	*f = b->q[b->head++];
	if (--b->len == 0)
		b->head = 0;
	return true;
}

/* Empties the legacy queue. */
void sim_bus_clear(struct sim_bus *b)
{
	b->head = b->len = 0;
	b->overflow = false;
}

/* Frees the legacy queue. */
void sim_bus_free(struct sim_bus *b)
{
	free(b->q);
	memset(b, 0, sizeof *b);
}

/* Index of an ECU in the vehicle. */
static int ecu_index(const struct sim *s, const struct sim_ecu *ecu)
{
	return (int)(ecu - s->vehicle.ecus);
}

/* The timing state of an ECU. */
static struct sim_ecu_tp *tp_of(struct sim *s, const struct sim_ecu *ecu)
{
	return &s->core->tp[ecu_index(s, ecu)];
}

/* STmin byte to microseconds (ISO 15765-2). */
static uint64_t stmin_us(uint8_t st)
{
	if (st <= 0x7F)
		return st * 1000u;
	if (st >= 0xF1 && st <= 0xF9)
		return (st - 0xF0u) * 100u;
	return 127000u;
}

/* Queues n bytes (1..8) as one frame of the ECU, padded if it pads. */
static void ecu_send_frame(struct sim *s, const struct sim_ecu *ecu, const uint8_t *data, size_t n)
{
	struct sim_frame f;

	memset(&f, 0, sizeof f);
	f.src = ecu_index(s, ecu);
	f.id = ecu->rx;
	f.ext = ecu->ext;
	memcpy(f.data, data, n);
	f.len = (uint8_t)n;
	if (ecu->pad >= 0) {
		memset(f.data + n, ecu->pad, 8 - n);
		f.len = 8;
	}
	sim_bus_send(s, &f);
}

/* Queues the next consecutive frame of the reply in progress. */
static void ecu_send_cf(struct sim *s, struct sim_ecu *ecu)
{
	struct sim_isotp_tx *t = &ecu->itx;
	uint8_t d[8];
	size_t chunk;

	if (!t->active || t->pos >= t->len)
		return;
	chunk = t->len - t->pos < 7 ? t->len - t->pos : 7;
	d[0] = (uint8_t)(0x20 | t->sn);
	memcpy(d + 1, t->buf + t->pos, chunk);
	ecu_send_frame(s, ecu, d, chunk + 1);
	t->pos += chunk;
	t->sn = (uint8_t)((t->sn + 1) & 0x0F);
}

/* Starts sending the reply of length n held in itx.buf: a single frame,
 * or a first frame after which the ECU waits for a flow control. */
static void ecu_reply(struct sim *s, struct sim_ecu *ecu, size_t n)
{
	struct sim_isotp_tx *t = &ecu->itx;
	struct sim_ecu_tp *tp = tp_of(s, ecu);
	uint8_t d[8];

	tp->tx_gen++;
	tp->wait_fc = false;
	t->active = false;
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
	tp->wait_fc = true;
	tp->last_cf = 0;
}

/* An ECU sends a reply message delay_us after the current modelled time
 * (the vehicle calls this zero or more times per request: 0x78 first,
 * then the final answer). */
void sim_ecu_reply(struct sim *s, struct sim_ecu *ecu, uint64_t delay_us, const uint8_t *msg,
		   size_t n)
{
	if (n == 0 || n > SIM_MSG_MAX)
		return;
	sim_schedule(s, s->now_us + delay_us, SIM_EV_ECU_REPLY, ecu_index(s, ecu), 0, msg, n);
}

/* Starts an ECU timer of a new generation. */
static void ecu_timer(struct sim *s, const struct sim_ecu *ecu, int kind, uint32_t *gen,
		      uint64_t us)
{
	sim_schedule(s, s->now_us + us, kind, ecu_index(s, ecu), ++*gen, NULL, 0);
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
	tp_of(s, ecu)->tx_gen++;
	tp_of(s, ecu)->rx_gen++;
	ecu_message(s, ecu, functional, req, l);
}

/* Sends the ECU's flow control: clear to send, its block size and STmin. */
static void ecu_send_fc(struct sim *s, struct sim_ecu *ecu)
{
	uint8_t fc[3] = { 0x30, (uint8_t)ecu->fc_bs, (uint8_t)ecu->fc_stmin };

	tp_of(s, ecu)->rx_block = 0;
	ecu_send_frame(s, ecu, fc, sizeof fc);
	ecu_timer(s, ecu, SIM_EV_ECU_RX_TIMEOUT, &tp_of(s, ecu)->rx_gen, N_CR_US);
}

/* First frame of a segmented request: keep it, answer with a flow control. */
static void ecu_on_ff(struct sim *s, struct sim_ecu *ecu, const struct sim_frame *f)
{
	struct sim_isotp_rx *r = &ecu->irx;
	size_t len = (size_t)(f->data[0] & 0x0F) << 8 | f->data[1];

	if (f->len < 8 || len < 8)
		return;
	ecu->itx.active = false;
	tp_of(s, ecu)->tx_gen++;
	r->active = true;
	r->len = len;
	r->have = 6;
	r->sn = 1;
	memcpy(r->buf, f->data + 2, 6);
	ecu_send_fc(s, ecu);
}

/* Consecutive frame of a segmented request; a wrong sequence number or a
 * short frame aborts the reception (ISO 15765-2 N_WRONG_SN). */
static void ecu_on_cf(struct sim *s, struct sim_ecu *ecu, const struct sim_frame *f)
{
	struct sim_isotp_rx *r = &ecu->irx;
	struct sim_ecu_tp *tp = tp_of(s, ecu);
	size_t chunk;

	if (!r->active)
		return;
	tp->rx_gen++;
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
	} else if (ecu->fc_bs > 0 && ++tp->rx_block >= (unsigned)ecu->fc_bs) {
		ecu_send_fc(s, ecu);
	} else {
		ecu_timer(s, ecu, SIM_EV_ECU_RX_TIMEOUT, &tp->rx_gen, N_CR_US);
	}
}

/* Flow control from the tester for the reply in progress: clear to send
 * (the next consecutive frame once STmin after the last one passed), wait
 * (the timer starts again), or overflow (abort). */
static void ecu_on_fc(struct sim *s, struct sim_ecu *ecu, const struct sim_frame *f)
{
	struct sim_ecu_tp *tp = tp_of(s, ecu);
	uint64_t at;

	if (!ecu->itx.active || !tp->wait_fc || f->len < 3)
		return;
	switch (f->data[0] & 0x0F) {
	case 0:
		tp->wait_fc = false;
		tp->bs = f->data[1];
		tp->in_block = 0;
		tp->stmin_us = stmin_us(f->data[2]);
		at = tp->last_cf ? tp->last_cf + tp->stmin_us : s->now_us;
		sim_schedule(s, at, SIM_EV_ECU_CF, ecu_index(s, ecu), ++tp->tx_gen, NULL, 0);
		break;
	case 1:
		ecu_timer(s, ecu, SIM_EV_ECU_TIMEOUT, &tp->tx_gen, N_BS_US);
		break;
	default:
		ecu->itx.active = false;
		tp->tx_gen++;
		break;
	}
}

/* An ECU's frame left: after a first frame or a full block it waits for
 * a flow control; after another consecutive frame, the next is due STmin
 * later. */
void sim_ecu_sent(struct sim *s, const struct sim_frame *f)
{
	struct sim_ecu *ecu;
	struct sim_ecu_tp *tp;
	unsigned type = f->data[0] >> 4;

	if (f->src < 0 || (size_t)f->src >= s->vehicle.necus)
		return;
	ecu = &s->vehicle.ecus[f->src];
	tp = tp_of(s, ecu);
	if (!ecu->itx.active || (type != 1 && type != 2))
		return;
	if (type == 1) {
		ecu_timer(s, ecu, SIM_EV_ECU_TIMEOUT, &tp->tx_gen, N_BS_US);
		return;
	}
	tp->last_cf = s->now_us;
	if (ecu->itx.pos >= ecu->itx.len) {
		ecu->itx.active = false;
		tp->tx_gen++;
	} else if (tp->bs > 0 && ++tp->in_block >= tp->bs) {
		tp->wait_fc = true;
		ecu_timer(s, ecu, SIM_EV_ECU_TIMEOUT, &tp->tx_gen, N_BS_US);
	} else {
		ecu_timer(s, ecu, SIM_EV_ECU_CF, &tp->tx_gen, tp->stmin_us);
	}
}

/* An ECU event: a reply starts, the next consecutive frame is due, or an
 * ISO-TP timer ran out (the transfer is given up). */
void sim_ecu_event(struct sim *s, const struct sim_event *ev)
{
	struct sim_ecu *ecu;
	struct sim_ecu_tp *tp;

	if (ev->ecu < 0 || (size_t)ev->ecu >= s->vehicle.necus)
		return;
	ecu = &s->vehicle.ecus[ev->ecu];
	tp = tp_of(s, ecu);
	switch (ev->kind) {
	case SIM_EV_ECU_REPLY:
		memcpy(ecu->itx.buf, ev->msg, ev->n);
		ecu_reply(s, ecu, ev->n);
		break;
	case SIM_EV_ECU_CF:
		if (ev->gen == tp->tx_gen && !tp->wait_fc)
			ecu_send_cf(s, ecu);
		break;
	case SIM_EV_ECU_TIMEOUT:
		if (ev->gen == tp->tx_gen)
			ecu->itx.active = false;
		break;
	case SIM_EV_ECU_RX_TIMEOUT:
		if (ev->gen == tp->rx_gen)
			ecu->irx.active = false;
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

/* A frame of the adapter reached the ECUs. */
void sim_can_deliver(struct sim *s, const struct sim_frame *f)
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

/* Puts a frame from the adapter on the bus (it reaches the ECUs when it
 * is complete). */
void sim_can_send(struct sim *s, const struct sim_frame *f)
{
	struct sim_frame copy = *f;

	copy.src = -1;
	sim_bus_send(s, &copy);
}

/* The adapter's CAN controller resets: its frames not yet sent are gone.
 * The ECUs carry on (their ISO-TP timers end what they were doing). */
void sim_can_reset(struct sim *s)
{
	if (s->core)
		sim_bus_withdraw_adapter(s);
	sim_bus_clear(&s->bus);
}
