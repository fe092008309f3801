/*
 * aio-mutants.c - named fault sites, each re-introducing one real bug.
 *
 * Off by default.  A site reads one bit of aio_mutants_enabled_mask through
 * aio_mutant_on() (aio.h), so a disabled site costs one predictable branch.
 * The mask is process state set before contexts run, by API or from
 * WAKESIM_MUTANTS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "aio.h"

unsigned aio_mutants_enabled_mask;

static const struct {
    const char *name;
    const char *description;
} mutant_table[AIO_MUTANT_COUNT] = {
    [AIO_MUTANT_MISSING_NOTIFY_ADD_SQE] = {
        "missing-notify-add-sqe",
        "add_sqe queues without aio_notify(): a BQL holder's SQE waits for the "
        "main loop's next unrelated wakeup (QEMU 10.2, the seed bug)" },
    [AIO_MUTANT_GSOURCE_CHECK_SKIPS_CQ] = {
        "gsource-check-skips-cq",
        "the GSource check trusts the ring fd's revents and ignores CQEs already "
        "in the CQ ring (QEMU 10.2 before the seed's second patch)" },
    [AIO_MUTANT_POLL_SKIPS_NOTIFIED_RECHECK] = {
        "poll-skips-notified-recheck",
        "aio_poll raises notify_me and sleeps without re-reading notified" },
    [AIO_MUTANT_BH_SCHEDULE_NO_NOTIFY] = {
        "bh-schedule-no-notify",
        "scheduling a bottom half does not wake the context" },
    [AIO_MUTANT_TIMER_MOD_NO_NOTIFY] = {
        "timer-mod-no-notify",
        "arming a timer that becomes the earliest does not wake the context" },
    [AIO_MUTANT_CQ_OVERFLOW_NOT_FLUSHED] = {
        "cq-overflow-not-flushed",
        "reaping never calls io_uring_get_events() after a CQ overflow: the "
        "GSource path spins on a readable ring fd with an empty CQ" },
    [AIO_MUTANT_SUBMIT_FAILURE_SLEEPS] = {
        "submit-failure-sleeps",
        "after a failed or partial submit (EAGAIN, EBUSY, EINTR) the loop sleeps with "
        "SQEs still queued: they wait for an unrelated wakeup" },
    [AIO_MUTANT_NOTIFY_SKIPS_FULL_FENCE] = {
        "notify-skips-full-fence",
        "aio_notify stores notified and loads notify_me with no full fence between: "
        "store buffering loses the wakeup on x86 (found under --memory-model tso)" },
    [AIO_MUTANT_NOTIFY_SKIPS_WRITE_FENCE] = {
        "notify-skips-write-fence",
        "aio_notify stores notified without the write barrier after publishing the "
        "work: matters only where stores reorder (pso, ARM, POWER)" },
    [AIO_MUTANT_ACCEPT_SKIPS_FENCE] = {
        "accept-skips-fence",
        "aio_notify_accept clears notified with no full fence before the home thread "
        "looks at its work" },
    [AIO_MUTANT_POLL_SKIPS_FULL_FENCE] = {
        "poll-skips-full-fence",
        "aio_poll raises notify_me and re-reads notified with no full fence between "
        "(on x86 the locked add is a full fence: only weaker hardware loses it)" },
    [AIO_MUTANT_PREPARE_SKIPS_FULL_FENCE] = {
        "prepare-skips-full-fence",
        "the GSource prepare raises notify_me with no full fence before computing the "
        "timeout (on x86 the locked or is a full fence: only weaker hardware loses it)" },
};

const char *aio_mutant_name(aio_mutant_t m)
{
    return (unsigned)m < AIO_MUTANT_COUNT ? mutant_table[m].name : "?";
}

const char *aio_mutant_description(aio_mutant_t m)
{
    return (unsigned)m < AIO_MUTANT_COUNT ? mutant_table[m].description : "?";
}

int aio_mutant_lookup(const char *name)
{
    for (int i = 0; i < AIO_MUTANT_COUNT; i++) {
        if (strcmp(name, mutant_table[i].name) == 0) {
            return i;
        }
    }
    return -1;
}

void aio_mutant_set(aio_mutant_t m, bool on)
{
    if (on) {
        aio_mutants_enabled_mask |= 1u << m;
    } else {
        aio_mutants_enabled_mask &= ~(1u << m);
    }
}

void aio_mutants_clear(void)
{
    aio_mutants_enabled_mask = 0;
}

static char *unknown_mutant_message(const char *name)
{
    GString *msg = g_string_new(NULL);
    g_string_printf(msg, "unknown mutant '%s'; known mutants:", name);
    for (int i = 0; i < AIO_MUTANT_COUNT; i++) {
        g_string_append_printf(msg, " %s", mutant_table[i].name);
    }
    return g_string_free(msg, FALSE);
}

int aio_mutants_parse(const char *list, char **err)
{
    unsigned mask = 0;
    gchar **names = g_strsplit(list, ",", -1);
    int rc = 0;
    for (gchar **p = names; *p; p++) {
        g_strstrip(*p);
        if (**p == '\0') {
            continue;
        }
        int m = aio_mutant_lookup(*p);
        if (m < 0) {
            if (err) {
                *err = unknown_mutant_message(*p);
            }
            rc = -1;
            break;
        }
        mask |= 1u << m;
    }
    g_strfreev(names);
    if (rc == 0) {
        aio_mutants_enabled_mask |= mask;
    }
    return rc;
}

int aio_mutants_from_env(void)
{
    const char *list = getenv("WAKESIM_MUTANTS");
    char *err = NULL;
    if (!list) {
        return 0;
    }
    if (aio_mutants_parse(list, &err) < 0) {
        fprintf(stderr, "WAKESIM_MUTANTS: %s\n", err);
        g_free(err);
        return -1;
    }
    return 0;
}
