/* ecu_uds.c: an ECU answering a request (ISO 14229-1 UDS, and SAE J1979
 * OBD-II through ecu_obd.c). It keeps the ECU's timing: the S3 timeout
 * (evaluated lazily at the next request), the reboot after 0x11, the busy
 * time of a slow routine with its 0x78 response-pending answers, and the
 * faults that concern ECUs (pending:N, silent@N). Services here: 0x10
 * sessions, 0x11 reset, 0x22/0x2E DIDs, 0x28, 0x3E, 0x85; the general
 * checks (0x11 serviceNotSupported, 0x7F serviceNotSupportedInActiveSession)
 * before any service. Every answer leaves through sim_ecu_reply() with its
 * delay after the request. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

/* Negative response codes (ISO 14229-1 annex A.1). */
enum {
	NRC_SNS = 0x11,    /* serviceNotSupported */
	NRC_SFNS = 0x12,   /* subFunctionNotSupported */
	NRC_IMLOIF = 0x13, /* incorrectMessageLengthOrInvalidFormat */
	NRC_RTL = 0x14,    /* responseTooLong */
	NRC_BRR = 0x21,    /* busyRepeatRequest */
	NRC_CNC = 0x22,    /* conditionsNotCorrect */
	NRC_ROOR = 0x31,   /* requestOutOfRange */
	NRC_SAD = 0x33,    /* securityAccessDenied */
	NRC_RCRRP = 0x78,  /* requestCorrectlyReceived-ResponsePending */
	NRC_SFNSIAS = 0x7E, /* subFunctionNotSupportedInActiveSession */
	NRC_SNSIAS = 0x7F, /* serviceNotSupportedInActiveSession */
};

/* Most 0x78 answers the pending fault sends before one answer. */
#define PENDING_MAX 1000

/* The UDS services an ECU knows unless its profile lists fewer. */
static const uint8_t all_services[] = { 0x10, 0x11, 0x14, 0x19, 0x22, 0x23, 0x27, 0x28,
					0x2E, 0x31, 0x34, 0x35, 0x36, 0x37, 0x3E, 0x85 };

/* Where services are allowed unless the profile says otherwise (bit n =
 * session n): security access, communication control and DTC setting in
 * the non-default sessions, transfers in the programming session. */
static const struct sim_svc_rule default_rules[] = {
	{ 0x27, 0x0C }, { 0x28, 0x0C }, { 0x85, 0x0C },
	{ 0x34, 0x04 }, { 0x35, 0x04 }, { 0x36, 0x04 }, { 0x37, 0x04 },
};

/* Marks a service supported. */
static void service_set(struct sim_ecu_model *m, uint8_t sid)
{
	m->services[sid / 8] |= (uint8_t)(1u << (sid % 8));
}

/* True if the service's bit is set. */
static bool service_bit(const struct sim_ecu_model *m, uint8_t sid)
{
	return (m->services[sid / 8] >> (sid % 8)) & 1;
}

/* Reads services: the UDS services the ECU supports (default: all). */
static int load_services(const struct sdata *t, struct sim_ecu *ecu, const char *where,
			 struct error *e)
{
	unsigned long sid;
	size_t i, n = sdata_array_len(t);

	memset(ecu->m.services, 0, sizeof ecu->m.services);
	if (t == NULL) {
		for (i = 0; i < sizeof all_services; i++)
			service_set(&ecu->m, all_services[i]);
		return 0;
	}
	if (t->type != SD_TABLE || n != t->len)
		return error_set(e, ERR_FORMAT, "%s: services must be a list of service ids", where);
	for (i = 1; i <= n; i++) {
		if (sim_prof_uint(sdata_at(t, (long)i), 0xFF, &sid) < 0 ||
		    memchr(all_services, (int)sid, sizeof all_services) == NULL)
			return error_set(e, ERR_FORMAT, "%s: services[%zu] is not a known UDS service",
					 where, i);
		service_set(&ecu->m, (uint8_t)sid);
	}
	return 0;
}

/* Reads service_sessions: [SID] = session or list of sessions. */
static int load_service_sessions(const struct sdata *t, struct sim_ecu *ecu, const char *where,
				 struct error *e)
{
	unsigned long sid;
	size_t i;

	if (t == NULL)
		return 0;
	if (t->type != SD_TABLE)
		return error_set(e, ERR_FORMAT, "%s: service_sessions must be a table", where);
	ecu->m.svc_rules = calloc(t->len ? t->len : 1, sizeof *ecu->m.svc_rules);
	if (ecu->m.svc_rules == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	for (i = 0; i < t->len; i++) {
		struct sim_svc_rule *r = &ecu->m.svc_rules[i];
		if (sim_prof_uint(&t->items[i].key, 0xFF, &sid) < 0)
			return error_set(e, ERR_FORMAT, "%s: service_sessions: keys must be service ids",
					 where);
		r->sid = (uint8_t)sid;
		if (sim_prof_sessions(&t->items[i].val, &r->sessions, where, e) < 0)
			return -(int)e->kind;
		ecu->m.nsvc_rules++;
	}
	return 0;
}

/* Reads the timing fields: p2_ms, p2star_ms, s3_ms, reset_ms. */
static int load_timing(const struct sdata *t, struct sim_ecu *ecu, const char *where,
		       struct error *e)
{
	unsigned long p2, p2star;

	if (sim_prof_field(t, "p2_ms", 0xFFFF, 50, &p2, where, e) < 0 ||
	    sim_prof_field(t, "p2star_ms", 655350, 5000, &p2star, where, e) < 0 ||
	    sim_prof_ms(t, "s3_ms", 5000, &ecu->m.s3_us, where, e) < 0 ||
	    sim_prof_ms(t, "reset_ms", 500, &ecu->m.reset_us, where, e) < 0)
		return -(int)e->kind;
	if (p2 < 10 || p2star < 100 || p2star % 10 != 0)
		return error_set(e, ERR_FORMAT,
				 "%s: p2_ms must be at least 10, p2star_ms at least 100 and a "
				 "multiple of 10", where);
	ecu->m.p2_ms = (uint16_t)p2;
	ecu->m.p2star_ms = (uint16_t)(p2star / 10); /* sent in units of 10 ms */
	return 0;
}

/* Reads sessions, services, service_sessions and the timing fields. */
int sim_uds_load(const struct sdata *t, struct sim_ecu *ecu, const char *where, struct error *e)
{
	const struct sdata *v = sdata_get(t, "sessions");
	struct sim_ecu_model *m = &ecu->m;

	m->sessions = 0x0E;
	if (v && sim_prof_sessions(v, &m->sessions, where, e) < 0)
		return -(int)e->kind;
	if (!(m->sessions & 0x02))
		return error_set(e, ERR_FORMAT, "%s: sessions must include the default session 1",
				 where);
	m->prog_from_extended = sdata_bool(t, "programming_from_extended", false);
	m->min_volts = sdata_num(t, "min_volts", 11.0);
	if (!(m->min_volts >= 0 && m->min_volts <= 40))
		return error_set(e, ERR_FORMAT, "%s: min_volts must be 0..40", where);
	if (load_services(sdata_get(t, "services"), ecu, where, e) < 0 ||
	    load_service_sessions(sdata_get(t, "service_sessions"), ecu, where, e) < 0 ||
	    load_timing(t, ecu, where, e) < 0)
		return -(int)e->kind;
	m->session = 1;
	m->flash.last_status = -1;
	return 0;
}

/* Frees what sim_uds_load allocated (and the write rules of vehicle.c). */
void sim_uds_free(struct sim_ecu *ecu)
{
	free(ecu->m.svc_rules);
	free(ecu->m.did_rules);
	ecu->m.svc_rules = NULL;
	ecu->m.did_rules = NULL;
}

/* Writes a negative answer 7F SID code; returns its length. */
size_t sim_nrc(struct sim_req *r, uint8_t code)
{
	r->resp[0] = 0x7F;
	r->resp[1] = r->req[0];
	r->resp[2] = code;
	r->suppress = false;
	return 3;
}

/* True if the unlocked level is one the access accepts. */
static bool access_unlocked(const struct sim_ecu *ecu, const struct sim_access *a)
{
	size_t i;

	for (i = 0; i < a->nlevels; i++)
		if (ecu->m.sec.unlocked == a->levels[i])
			return true;
	return a->nlevels == 0;
}

/* 0 if a is satisfied now, else the NRC (session_nrc for a wrong session). */
uint8_t sim_access_nrc(const struct sim *s, const struct sim_ecu *ecu, const struct sim_access *a,
		       uint8_t session_nrc)
{
	if (a->sessions && !(a->sessions & (1u << ecu->m.session)))
		return session_nrc;
	if (!access_unlocked(ecu, a))
		return NRC_SAD;
	if (a->engine_off && sim_engine_running(s))
		return NRC_CNC;
	return 0;
}

/* The ECU returns to the default session: locked, communication and DTC
 * setting back on, programming ended. */
void sim_ecu_default_session(struct sim_ecu *ecu)
{
	ecu->m.session = 1;
	ecu->m.sec.unlocked = 0;
	ecu->m.sec.seed_level = 0;
	ecu->m.comm = 0;
	ecu->m.dtc_off = false;
	sim_flash_end_programming(&ecu->m.flash);
}

/* 0x10 DiagnosticSessionControl: the sessions of the profile; P2 and P2*
 * in the answer. Every change but default to default locks the ECU. */
static size_t svc_session(struct sim_req *r)
{
	struct sim_ecu_model *m = &r->ecu->m;
	uint8_t sf;

	if (r->n != 2)
		return sim_nrc(r, NRC_IMLOIF);
	sf = r->req[1] & 0x7F;
	if (sf == 0 || sf > 7 || !(m->sessions & (1u << sf)))
		return sim_nrc(r, NRC_SFNS);
	if (sf == 2 && ((m->prog_from_extended && m->session != 3 && m->session != 2) ||
			sim_live_value(r->s, SIM_Q_VOLTAGE) < m->min_volts))
		return sim_nrc(r, NRC_CNC);
	if (sf == 1) {
		sim_ecu_default_session(r->ecu);
	} else {
		if (m->session == 2 && sf != 2)
			sim_flash_end_programming(&m->flash);
		m->sec.unlocked = 0;
		m->sec.seed_level = 0;
		m->session = sf;
	}
	r->suppress = (r->req[1] & 0x80) != 0;
	r->resp[0] = 0x50;
	r->resp[1] = sf;
	r->resp[2] = (uint8_t)(m->p2_ms >> 8);
	r->resp[3] = (uint8_t)m->p2_ms;
	r->resp[4] = (uint8_t)(m->p2star_ms >> 8);
	r->resp[5] = (uint8_t)m->p2star_ms;
	return 6;
}

/* 0x11 ECUReset: 01 hard, 02 key off/on, 03 soft. The answer goes out,
 * then the ECU reboots (answers nothing for reset_ms) into the default
 * session, locked. */
static size_t svc_reset(struct sim_req *r)
{
	uint8_t sf;

	if (r->n != 2)
		return sim_nrc(r, NRC_IMLOIF);
	sf = r->req[1] & 0x7F;
	if (sf < 1 || sf > 3)
		return sim_nrc(r, NRC_SFNS);
	sim_ecu_default_session(r->ecu);
	sim_flash_power_up(&r->ecu->m.flash);
	r->reboot = true;
	r->suppress = (r->req[1] & 0x80) != 0;
	r->resp[0] = 0x51;
	r->resp[1] = sf;
	return 2;
}

/* 0x3E TesterPresent: sub-function 00, 80 suppresses the reply. */
static size_t svc_tester_present(struct sim_req *r)
{
	if (r->n != 2)
		return sim_nrc(r, NRC_IMLOIF);
	if ((r->req[1] & 0x7F) != 0)
		return sim_nrc(r, NRC_SFNS);
	r->suppress = (r->req[1] & 0x80) != 0;
	r->resp[0] = 0x7E;
	r->resp[1] = 0x00;
	return 2;
}

/* 0x28 CommunicationControl: control types 00..03 with communication
 * types 1..3 (normal, network management, both). */
static size_t svc_comm_control(struct sim_req *r)
{
	uint8_t sf;

	if (r->n < 2)
		return sim_nrc(r, NRC_IMLOIF);
	sf = r->req[1] & 0x7F;
	if (sf > 3)
		return sim_nrc(r, NRC_SFNS);
	if (r->n != 3)
		return sim_nrc(r, NRC_IMLOIF);
	if ((r->req[2] & 0x03) == 0 || (r->req[2] & 0x0C) != 0)
		return sim_nrc(r, NRC_ROOR);
	r->ecu->m.comm = sf;
	r->suppress = (r->req[1] & 0x80) != 0;
	r->resp[0] = 0x68;
	r->resp[1] = sf;
	return 2;
}

/* 0x85 ControlDTCSetting: 01 on, 02 off (an optional record is ignored). */
static size_t svc_dtc_setting(struct sim_req *r)
{
	uint8_t sf;

	if (r->n < 2)
		return sim_nrc(r, NRC_IMLOIF);
	sf = r->req[1] & 0x7F;
	if (sf != 1 && sf != 2)
		return sim_nrc(r, NRC_SFNS);
	r->ecu->m.dtc_off = sf == 2;
	r->suppress = (r->req[1] & 0x80) != 0;
	r->resp[0] = 0xC5;
	r->resp[1] = sf;
	return 2;
}

/* The value of a DID: from the flash model (the application's
 * identification, the boot loader's), stored, or live; 0 if unknown. */
static size_t did_value(struct sim_req *r, uint16_t id, uint8_t *buf, size_t cap,
			const uint8_t **val)
{
	const struct sim_did *d;
	bool hidden;
	size_t w = sim_flash_did(r->ecu, id, buf, cap, &hidden);

	*val = buf;
	if (w || hidden)
		return w;
	if ((d = sim_ecu_did(r->ecu, id)) != NULL) {
		*val = d->val;
		return d->len;
	}
	return sim_live_did(r->s, r->ecu, id, buf);
}

/* 0x22 ReadDataByIdentifier: one or more DIDs, stored or live; unknown
 * ones are left out, all unknown is requestOutOfRange. */
static size_t svc_read_did(struct sim_req *r)
{
	uint8_t buf[SIM_MSG_MAX];
	const uint8_t *val;
	size_t i, len = 1, w;
	bool found = false;

	if (r->n < 3 || (r->n - 1) % 2 != 0)
		return sim_nrc(r, NRC_IMLOIF);
	for (i = 1; i + 1 < r->n; i += 2) {
		uint16_t id = (uint16_t)(r->req[i] << 8 | r->req[i + 1]);
		w = did_value(r, id, buf, sizeof buf, &val);
		if (w == 0)
			continue;
		if (len + 2 + w > SIM_MSG_MAX)
			return sim_nrc(r, NRC_RTL);
		r->resp[len++] = r->req[i];
		r->resp[len++] = r->req[i + 1];
		memcpy(r->resp + len, val, w);
		len += w;
		found = true;
	}
	if (!found)
		return sim_nrc(r, NRC_ROOR);
	r->resp[0] = 0x62;
	return len;
}

/* The write rule of a writable DID. */
static const struct sim_access *write_access(const struct sim_ecu *ecu, uint16_t id)
{
	static const struct sim_access none;
	size_t i;

	for (i = 0; i < ecu->m.ndid_rules; i++)
		if (ecu->m.did_rules[i].id == id)
			return &ecu->m.did_rules[i].access;
	return &none;
}

/* 0x2E WriteDataByIdentifier, in the order of ISO 14229-1: length,
 * DID writable in this session (0x31), exact length (0x13), security
 * (0x33), conditions (0x22: engine running). */
static size_t svc_write_did(struct sim_req *r)
{
	const struct sim_access *a;
	struct sim_did *d;
	uint8_t code;

	if (r->n < 4)
		return sim_nrc(r, NRC_IMLOIF);
	d = sim_ecu_did(r->ecu, (uint16_t)(r->req[1] << 8 | r->req[2]));
	if (d == NULL || !d->writable)
		return sim_nrc(r, NRC_ROOR);
	a = write_access(r->ecu, d->id);
	if (a->sessions && !(a->sessions & (1u << r->ecu->m.session)))
		return sim_nrc(r, NRC_ROOR);
	if (r->n - 3 != d->len)
		return sim_nrc(r, NRC_IMLOIF);
	if ((code = sim_access_nrc(r->s, r->ecu, a, NRC_ROOR)) != 0)
		return sim_nrc(r, code);
	memcpy(d->val, r->req + 3, d->len);
	r->ecu->writes++;
	r->resp[0] = 0x6E;
	r->resp[1] = r->req[1];
	r->resp[2] = r->req[2];
	return 3;
}

/* True if the ECU supports a UDS service (transfers need flash memory,
 * 0x27 a security level). */
static bool supported(const struct sim_ecu *ecu, uint8_t sid)
{
	if (!service_bit(&ecu->m, sid))
		return false;
	if (sid == 0x23 || sid == 0x31 || (sid >= 0x34 && sid <= 0x37))
		return ecu->m.flash.present;
	if (sid == 0x27)
		return ecu->m.sec.nlevels > 0;
	return true;
}

/* True if the service is allowed in the active session. */
static bool in_session(const struct sim_ecu *ecu, uint8_t sid)
{
	uint8_t bit = (uint8_t)(1u << ecu->m.session);
	size_t i;

	for (i = 0; i < ecu->m.nsvc_rules; i++)
		if (ecu->m.svc_rules[i].sid == sid)
			return (ecu->m.svc_rules[i].sessions & bit) != 0;
	for (i = 0; i < sizeof default_rules / sizeof default_rules[0]; i++)
		if (default_rules[i].sid == sid)
			return (default_rules[i].sessions & bit) != 0;
	return true;
}

/* Runs a UDS service after the general checks. */
static size_t dispatch_uds(struct sim_req *r)
{
	uint8_t sid = r->req[0];

	if (!supported(r->ecu, sid) || (r->ecu->m.flash.boot && !sim_flash_boot_service(sid)))
		return sim_nrc(r, NRC_SNS);
	if (!in_session(r->ecu, sid))
		return sim_nrc(r, NRC_SNSIAS);
	switch (sid) {
	case 0x10: return svc_session(r);
	case 0x11: return svc_reset(r);
	case 0x14: return sim_svc_clear_dtc(r);
	case 0x19: return sim_svc_read_dtc(r);
	case 0x22: return svc_read_did(r);
	case 0x23: return sim_svc_read_memory(r);
	case 0x27: return sim_svc_security(r);
	case 0x28: return svc_comm_control(r);
	case 0x2E: return svc_write_did(r);
	case 0x31: return sim_svc_routine(r);
	case 0x34: case 0x35: return sim_svc_request_transfer(r);
	case 0x36: return sim_svc_transfer(r);
	case 0x37: return sim_svc_transfer_exit(r);
	case 0x3E: return svc_tester_present(r);
	case 0x85: return svc_dtc_setting(r);
	}
	return sim_nrc(r, NRC_SNS);
}

/* Sends one reply delay_us after now: the tap sees it first. */
static void emit(struct sim_req *r, uint64_t delay_us, const uint8_t *msg, size_t n)
{
	if (r->s->vehicle.tap)
		r->s->vehicle.tap(r->s->vehicle.tap_arg, r->ecu, delay_us, msg, n);
	sim_ecu_reply(r->s, r->ecu, delay_us, msg, n);
}

/* Negative responses an ECU keeps to itself when addressed functionally
 * (ISO 14229-1 7.5: 0x11, 0x12, 0x31, 0x7E, 0x7F). */
static bool suppressed_nrc(const struct sim_req *r)
{
	return r->functional && r->len == 3 && r->resp[0] == 0x7F &&
	       (r->resp[2] == NRC_SNS || r->resp[2] == NRC_SFNS || r->resp[2] == NRC_ROOR ||
		r->resp[2] == NRC_SFNSIAS || r->resp[2] == NRC_SNSIAS);
}

/* Sends the answer of a UDS request: the pending fault's 0x78s first
 * (0.8 x P2 apart), then for a slow routine a 0x78 at 0.8 x P2 and every
 * 0.4 x P2* until it ends, then the answer. Returns its delay. */
static uint64_t send_uds(struct sim_req *r)
{
	uint8_t pending[3] = { 0x7F, r->req[0], NRC_RCRRP };
	uint64_t gap = (uint64_t)r->ecu->m.p2_ms * 800, t = r->s->latency_us, end, tt;
	int k;

	for (k = 0; k < r->s->faults.pending && k < PENDING_MAX; k++) {
		t += gap;
		emit(r, t, pending, sizeof pending);
	}
	if (r->busy_us) {
		end = t + r->busy_us;
		for (tt = t + gap; tt < end; tt += (uint64_t)r->ecu->m.p2star_ms * 4000)
			emit(r, tt, pending, sizeof pending);
		t = end;
	} else if (r->s->faults.pending > 0) {
		t += gap;
	}
	emit(r, t, r->resp, r->len);
	return t;
}

/* Sends what a request produced, honouring suppression; starts the busy
 * time of a slow routine and the reboot after a reset. */
static void finish(struct sim_req *r)
{
	struct sim_ecu_model *m = &r->ecu->m;
	bool answer = r->len && !suppressed_nrc(r) && !(r->suppress && r->busy_us == 0);
	uint64_t t = 0;

	if (answer && r->req[0] < 0x10)
		emit(r, r->s->latency_us, r->resp, r->len);
	else if (answer)
		t = send_uds(r);
	if (r->busy_us) {
		m->busy_until_us = r->s->now_us + t;
		m->last_us = m->busy_until_us; /* S3 runs from the end of the answer */
	}
	if (r->reboot)
		m->boot_until_us = r->s->now_us + t + m->reset_us;
}

/* True if the silent fault keeps this ECU quiet (silent@N: every ECU
 * answers its first N requests only; silent:ECU@N: that ECU only). */
static bool silenced(const struct sim *s, const struct sim_ecu *ecu)
{
	const struct sim_faults *f = &s->faults;

	if (f->silent_after < 0)
		return false;
	if (f->silent_ecu[0] && strcmp(f->silent_ecu, ecu->id) != 0)
		return false;
	return ecu->m.requests > (unsigned long)f->silent_after;
}

/* Counts the request; true if the ECU hears it: not silenced by a fault,
 * not rebooting. The S3 timer runs out lazily here. */
static bool hears(struct sim *s, struct sim_ecu *ecu)
{
	struct sim_ecu_model *m = &ecu->m;

	m->requests++;
	if (silenced(s, ecu) || s->now_us < m->boot_until_us)
		return false;
	if (m->session != 1 && s->now_us >= m->last_us + m->s3_us)
		sim_ecu_default_session(ecu);
	m->last_us = s->now_us;
	return true;
}

/* A complete request reached an ECU: it answers through sim_ecu_reply(). */
void sim_ecu_request(struct sim *s, struct sim_ecu *ecu, bool functional, const uint8_t *req,
		     size_t n)
{
	uint8_t resp[SIM_MSG_MAX];
	struct sim_req r;

	if (n == 0 || !hears(s, ecu))
		return;
	memset(&r, 0, sizeof r);
	r.s = s;
	r.ecu = ecu;
	r.functional = functional;
	r.req = req;
	r.n = n;
	r.resp = resp;
	if (req[0] < 0x10 && ecu->m.flash.boot)
		r.len = 0; /* a boot loader knows no OBD-II */
	else if (req[0] < 0x10)
		r.len = ecu->obd ? sim_obd_request(&r) : sim_nrc(&r, NRC_SNS);
	else if (s->now_us < ecu->m.busy_until_us)
		r.len = n >= 2 && req[0] == 0x3E && req[1] == 0x80 ? 0 : sim_nrc(&r, NRC_BRR);
	else
		r.len = dispatch_uds(&r);
	finish(&r);
}
