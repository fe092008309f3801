/*
 * conf-seq.h - one conformance sequence: a ring, a few objects (eventfds,
 * files) and the operations run on them, in order, by one thread.
 *
 * Text form (one operation a line, '#' starts a comment):
 *
 *   ring ENTRIES                     first line: io_uring_queue_init(ENTRIES)
 *   eventfd NAME [INITIAL]           a non-blocking eventfd
 *   file NAME SIZE                   a file of SIZE bytes (sim: a block device)
 *   nop UD
 *   poll_add UD OBJ EVENTS           EVENTS: in, out or in|out; OBJ may be "ring"
 *   poll_remove UD TARGET_UD
 *   timeout UD DURATION COUNT        relative; COUNT 0 = a pure timer
 *   timeout_remove UD TARGET_UD
 *   read UD FILE LEN OFFSET
 *   bad UD                           an SQE with an opcode Linux does not know
 *   submit                           io_uring_submit()
 *   submit_wait N                    io_uring_submit_and_wait(N)
 *   get_events                       io_uring_get_events()
 *   reap                             every CQE in the CQ, compared as a set
 *   state                            CQ count, SQ_CQ_OVERFLOW, ring fd readiness
 *   write NAME VALUE                 eventfd write
 *   read_efd NAME                    eventfd read
 *   ppoll OBJ:EVENTS...              ppoll with timeout 0 (EVENTS may be "none")
 *   close NAME
 *   sleep DURATION
 *
 * DURATION: an integer with ns, us, ms or s.  User data are small integers.
 * A sequence is checked when parsed (names defined before use, values in
 * range); executing it never fails on its input.
 */
#ifndef WAKESIM_CONF_SEQ_H
#define WAKESIM_CONF_SEQ_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#define CONF_MAX_OBJECTS 8
#define CONF_MAX_POLL 4
#define CONF_MAX_FILE_SIZE (1u << 20)
#define CONF_MAX_READ (1u << 16)
#define CONF_MAX_VALUE UINT64_MAX /* eventfd write: Linux rejects it (EINVAL) */

typedef enum {
    CONF_OP_EVENTFD,
    CONF_OP_FILE,
    CONF_OP_NOP,
    CONF_OP_POLL_ADD,
    CONF_OP_POLL_REMOVE,
    CONF_OP_TIMEOUT,
    CONF_OP_TIMEOUT_REMOVE,
    CONF_OP_READ,
    CONF_OP_BAD,
    CONF_OP_SUBMIT,
    CONF_OP_SUBMIT_WAIT,
    CONF_OP_GET_EVENTS,
    CONF_OP_REAP,
    CONF_OP_STATE,
    CONF_OP_WRITE,
    CONF_OP_READ_EFD,
    CONF_OP_PPOLL,
    CONF_OP_CLOSE,
    CONF_OP_SLEEP,
    CONF_OP_COUNT
} conf_op_kind_t;

/* An object reference: an index into conf_seq_t.objects, or CONF_OBJ_RING. */
#define CONF_OBJ_RING (-1)

typedef enum { CONF_OBJ_EVENTFD, CONF_OBJ_FILE } conf_obj_kind_t;

typedef struct {
    conf_obj_kind_t kind;
    char name[16];
} conf_obj_t;

typedef struct {
    conf_op_kind_t kind;
    int line; /* in the text it came from (0: generated) */
    uint64_t ud, target_ud;
    int obj;        /* object (or CONF_OBJ_RING) */
    uint64_t value; /* initial/written value, size, length, count, N */
    uint64_t offset;
    int64_t ns;      /* durations */
    unsigned events; /* POLLIN / POLLOUT */
    unsigned n_poll; /* ppoll */
    int poll_obj[CONF_MAX_POLL];
    unsigned poll_events[CONF_MAX_POLL];
} conf_op_t;

typedef struct {
    unsigned ring_entries;
    conf_obj_t objects[CONF_MAX_OBJECTS];
    unsigned n_objects;
    GArray *ops; /* of conf_op_t */
} conf_seq_t;

conf_seq_t *conf_seq_new(unsigned ring_entries);
void conf_seq_free(conf_seq_t *s);
/* Parses text; NULL with *err set to "PATH:LINE: message". */
conf_seq_t *conf_seq_parse(const char *text, const char *path, GError **err);
conf_seq_t *conf_seq_load(const char *path, GError **err);
/* The text form (parses back to the same sequence). g_free it. */
char *conf_seq_to_text(const conf_seq_t *s);
const char *conf_op_name(conf_op_kind_t k);

#define CONF_ERROR (conf_error_quark())
GQuark conf_error_quark(void);

#endif
