/*
 * aio-mutants.h - named fault sites that re-introduce real bugs into loop/.
 *
 * Not part of the loop's API (aio.h): only loop/'s sources, its tests and
 * wakesim's harness include it.  Every site is off unless a test or a
 * scenario turns it on, so a program using loop/ never meets one.
 */
#ifndef AIO_MUTANTS_H
#define AIO_MUTANTS_H

#include <stdbool.h>

typedef enum {
    AIO_MUTANT_MISSING_NOTIFY_ADD_SQE,      /* add_sqe does not aio_notify() (QEMU 10.2) */
    AIO_MUTANT_GSOURCE_CHECK_SKIPS_CQ,      /* check trusts the ring fd's revents only */
    AIO_MUTANT_POLL_SKIPS_NOTIFIED_RECHECK, /* aio_poll sleeps without re-reading notified */
    AIO_MUTANT_BH_SCHEDULE_NO_NOTIFY,       /* scheduling a BH does not wake the loop */
    AIO_MUTANT_TIMER_MOD_NO_NOTIFY,     /* a new earliest deadline does not wake the loop */
    AIO_MUTANT_CQ_OVERFLOW_NOT_FLUSHED, /* reaping never fetches overflowed CQEs */
    AIO_MUTANT_SUBMIT_FAILURE_SLEEPS,   /* sleeps with SQEs a failed submit left queued */
    AIO_MUTANT_NOTIFY_SKIPS_FULL_FENCE, /* aio_notify: no smp_mb between notified and notify_me */
    AIO_MUTANT_NOTIFY_SKIPS_WRITE_FENCE, /* aio_notify: no smp_wmb before storing notified */
    AIO_MUTANT_ACCEPT_SKIPS_FENCE, /* aio_notify_accept: no smp_mb after clearing notified */
    AIO_MUTANT_POLL_SKIPS_FULL_FENCE, /* aio_poll: no smp_mb after raising notify_me */
    AIO_MUTANT_PREPARE_SKIPS_FULL_FENCE, /* GSource prepare: no smp_mb after raising notify_me */
    AIO_MUTANT_FD_HANDLER_SET_NO_NOTIFY, /* set_fd_handler does not wake the loop */
    AIO_MUTANT_BH_PENDING_SKIPS_NOTIFY, /* scheduling an already-queued BH does not notify */
    AIO_MUTANT_BH_FLAGS_CLEARED_AFTER_RUN, /* aio_bh_poll clears PENDING|SCHEDULED after the callback */
    AIO_MUTANT_GSOURCE_PREPARE_SKIPS_NOTIFY_ME, /* the GSource sleeps without raising notify_me */
    AIO_MUTANT_GSOURCE_PREPARE_NO_SUBMIT, /* the GSource prepare does not submit queued SQEs */
    AIO_MUTANT_HANDLER_ADD_DURING_WALK_LOST, /* a foreign handler change during a walk is dropped */
    AIO_MUTANT_CURRENT_CONTEXT_IGNORES_BQL, /* any thread gets the main context as current */
    AIO_MUTANT_POLL_IGNORES_NOTIFY, /* busy polling runs its whole window after a notify */
    AIO_MUTANT_COUNT
} aio_mutant_t;

const char *aio_mutant_name(aio_mutant_t m);
const char *aio_mutant_description(aio_mutant_t m);
int aio_mutant_lookup(const char *name); /* -1 if unknown */
void aio_mutant_set(aio_mutant_t m, bool on);
void aio_mutants_clear(void);
/* Comma-separated names.  Returns 0, or -1 with a message naming the bad name
 * and listing the known ones in *err (g_free it). */
int aio_mutants_parse(const char *list, char **err);
/* Reads WAKESIM_MUTANTS; on a bad name prints the message and returns -1. */
int aio_mutants_from_env(void);

extern unsigned aio_mutants_enabled_mask;
_Static_assert(AIO_MUTANT_COUNT <= sizeof(aio_mutants_enabled_mask) * 8,
               "aio_mutants_enabled_mask has a bit per mutant");
/* A disabled site costs one predictable branch. */
#define aio_mutant_on(m) __builtin_expect(!!(aio_mutants_enabled_mask & (1u << (m))), 0)

#endif
