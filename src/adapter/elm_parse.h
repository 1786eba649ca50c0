/* elm_parse.h: the hardened ELM327/STN reply parser. Pure functions: bytes
 * in, typed result out; no I/O. */
#ifndef OBDCON_ADAPTER_ELM_PARSE_H
#define OBDCON_ADAPTER_ELM_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every outcome an adapter can report for a command (ELM327 DS p.87-89,
 * STN additions). ELM_DATA means data lines were received. */
enum elm_status {
	ELM_OK = 0,          /* "OK" */
	ELM_DATA,            /* data lines (frames) */
	ELM_TEXT,            /* a text answer to an AT command (ATI, ATRV...) */
	ELM_EMPTY,           /* nothing but the prompt */
	ELM_NO_DATA,         /* "NO DATA" */
	ELM_UNKNOWN_COMMAND, /* "?" */
	ELM_CAN_ERROR,       /* "CAN ERROR" */
	ELM_BUFFER_FULL,     /* "BUFFER FULL" */
	ELM_BUS_BUSY,        /* "BUS BUSY" */
	ELM_BUS_ERROR,       /* "BUS ERROR" */
	ELM_BUS_INIT_ERROR,  /* "BUS INIT: ...ERROR" */
	ELM_DATA_ERROR,      /* "DATA ERROR" / "<DATA ERROR" */
	ELM_RX_ERROR,        /* "<RX ERROR" */
	ELM_STOPPED,         /* "STOPPED" */
	ELM_UNABLE_TO_CONNECT, /* "UNABLE TO CONNECT" */
	ELM_LV_RESET,        /* "LV RESET" */
	ELM_ACT_ALERT,       /* "ACT ALERT" */
	ELM_LP_ALERT,        /* "LP ALERT" */
	ELM_ERR_CODE,        /* "ERRxx" (code in elm_reply.err_code) */
	ELM_FC_RX_TIMEOUT,   /* STN "FC RX TIMEOUT" */
	ELM_OUT_OF_MEMORY,   /* STN "OUT OF MEMORY" */
	ELM_UART_OVERFLOW,   /* STN "UART RX OVERFLOW" */
	ELM_GARBAGE,         /* text that is neither data nor a known status */
	ELM_INCOMPLETE,      /* no prompt: the reply was cut short */
};

#define ELM_MAX_FRAMES 640
#define ELM_TEXT_MAX 256
#define ELM_ID_NONE 0xFFFFFFFFu

/* One data line: a CAN frame with headers on, or a data line without. */
struct elm_frame {
	uint32_t id;   /* CAN ID, or ELM_ID_NONE with headers off */
	int index;     /* the "N:" prefix of headerless multi-line replies, else -1 */
	uint8_t len;
	uint8_t data[8];
};

/* A parsed reply to one command. */
struct elm_reply {
	enum elm_status status;
	int err_code;              /* for ELM_ERR_CODE */
	bool searching;            /* "SEARCHING..." was seen */
	bool truncated;            /* a frame was cut by a status (BUFFER FULL) */
	int msg_len;               /* headerless multi-line length line ("014"), else -1 */
	size_t nframes;
	struct elm_frame frames[ELM_MAX_FRAMES];
	char text[ELM_TEXT_MAX];   /* text answer, or the status/garbage line */
	size_t junk;               /* bytes dropped as NUL or non-ASCII */
};

/* Parser options: how the adapter was told to print data. */
struct elm_format {
	bool headers;  /* ATH1 */
	bool ext_ids;  /* 29-bit IDs (8 hex digits) rather than 11-bit (3) */
};

/* Parses a reply to a data request (OBD or CAN bytes). raw holds what the
 * adapter sent after the command, up to and including the prompt; cmd is
 * the command sent, so an echo can be recognised and dropped. */
void elm_parse_data(const char *cmd, const uint8_t *raw, size_t n, const struct elm_format *fmt,
		    struct elm_reply *out);
/* Parses a reply to an AT/ST command: status, or the text lines joined by
 * '\n' in out->text. */
void elm_parse_text(const char *cmd, const uint8_t *raw, size_t n, struct elm_reply *out);
/* Maps one line of text to a status, ELM_GARBAGE when it is not one. */
enum elm_status elm_status_of_line(const char *line, int *err_code);
/* Human-readable name of a status ("NO DATA", "CAN ERROR"). */
const char *elm_status_name(enum elm_status st);
/* True for statuses that mean the adapter or bus failed (not "no answer"). */
bool elm_status_is_error(enum elm_status st);
/* Offset just past the last prompt '>' in raw, or 0 when there is none. */
size_t elm_find_prompt(const uint8_t *raw, size_t n);
/* Removes NUL and non-ASCII bytes in place; returns the new length and adds
 * the number dropped to *dropped. */
size_t elm_strip_junk(uint8_t *raw, size_t n, size_t *dropped);

#endif
