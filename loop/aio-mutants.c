/*
 * aio-mutants.c - named fault sites, each re-introducing one real bug.
 *
 * Off by default.  A site reads one bit of aio_mutants_enabled_mask through
 * aio_mutant_on() (aio-mutants.h), so a disabled site costs one predictable branch.
 * The mask is process state set before contexts run, by API or from
 * WAKESIM_MUTANTS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "aio-mutants.h"

unsigned aio_mutants_enabled_mask;

static const struct {
    const char *name;
    const char *description;
} mutant_table[AIO_MUTANT_COUNT] = {
    [AIO_MUTANT_MISSING_NOTIFY_ADD_SQE] = { "missing-notify-add-sqe",
                                            "add_sqe queues without aio_notify(): a BQL "
                                            "holder's SQE waits for the "
                                            "main loop's next unrelated wakeup (QEMU 10.2, "
                                            "the seed bug)" },
    [AIO_MUTANT_GSOURCE_CHECK_SKIPS_CQ] = { "gsource-check-skips-cq",
                                            "the GSource check trusts the ring fd's "
                                            "revents and ignores CQEs already "
                                            "in the CQ ring (QEMU 10.2 before the seed's "
                                            "second patch)" },
    [AIO_MUTANT_POLL_SKIPS_NOTIFIED_RECHECK] = { "poll-skips-notified-recheck",
                                                 "aio_poll raises notify_me and sleeps "
                                                 "without re-reading notified" },
    [AIO_MUTANT_BH_SCHEDULE_NO_NOTIFY] = { "bh-schedule-no-notify",
                                           "scheduling a bottom half does not wake the "
                                           "context" },
    [AIO_MUTANT_TIMER_MOD_NO_NOTIFY] = { "timer-mod-no-notify",
                                         "arming a timer that becomes the earliest does "
                                         "not wake the context" },
    [AIO_MUTANT_CQ_OVERFLOW_NOT_FLUSHED] = { "cq-overflow-not-flushed",
                                             "reaping never calls io_uring_get_events() "
                                             "after a CQ overflow: the "
                                             "GSource path spins on a readable ring fd "
                                             "with an empty CQ" },
    [AIO_MUTANT_SUBMIT_FAILURE_SLEEPS] = { "submit-failure-sleeps",
                                           "after a failed or partial submit (EAGAIN, "
                                           "EBUSY, EINTR) the loop sleeps with "
                                           "SQEs still queued: they wait for an unrelated "
                                           "wakeup" },
    [AIO_MUTANT_NOTIFY_SKIPS_FULL_FENCE] = { "notify-skips-full-fence",
                                             "aio_notify stores notified and loads "
                                             "notify_me with no full fence between: "
                                             "store buffering loses the wakeup on x86 "
                                             "(found under --memory-model tso)" },
    [AIO_MUTANT_NOTIFY_SKIPS_WRITE_FENCE] = { "notify-skips-write-fence",
                                              "aio_notify stores notified without the "
                                              "write barrier after publishing the "
                                              "work: matters only where stores reorder "
                                              "(pso, ARM, POWER)" },
    [AIO_MUTANT_ACCEPT_SKIPS_FENCE] = { "accept-skips-fence",
                                        "aio_notify_accept clears notified with no full "
                                        "fence before the home thread "
                                        "looks at its work" },
    [AIO_MUTANT_POLL_SKIPS_FULL_FENCE] = { "poll-skips-full-fence",
                                           "aio_poll raises notify_me and re-reads "
                                           "notified with no full fence between "
                                           "(on x86 the locked add is a full fence: only "
                                           "weaker hardware loses it)" },
    [AIO_MUTANT_PREPARE_SKIPS_FULL_FENCE] = { "prepare-skips-full-fence",
                                              "the GSource prepare raises notify_me with "
                                              "no full fence before computing the "
                                              "timeout (on x86 the locked or is a full "
                                              "fence: only weaker hardware loses it)" },
    [AIO_MUTANT_FD_HANDLER_SET_NO_NOTIFY] = { "fd-handler-set-no-notify",
                                              "aio_set_fd_handler() changes the handler "
                                              "set without aio_notify(): a loop "
                                              "asleep on the old set never watches the new "
                                              "fd (QEMU 321d1dba8b added the "
                                              "missing notify to aio_enable_external())" },
    [AIO_MUTANT_BH_PENDING_SKIPS_NOTIFY] = { "bh-pending-skips-notify",
                                             "scheduling a BH that is still queued (e.g. "
                                             "cancelled, not yet dequeued) returns "
                                             "without aio_notify(), so a loop that saw it "
                                             "unscheduled sleeps on (QEMU 924fe1293c "
                                             "made qemu_bh_schedule() notify on every "
                                             "call)" },
    [AIO_MUTANT_BH_FLAGS_CLEARED_AFTER_RUN] = { "bh-flags-cleared-after-run",
                                                "aio_bh_poll() clears a BH's PENDING and "
                                                "SCHEDULED bits after its callback instead "
                                                "of before, so a schedule racing with the "
                                                "run is wiped out (QEMU e8d3b1a25f "
                                                "strengthened the ordering of the "
                                                "scheduled flag against the callback)" },
    [AIO_MUTANT_GSOURCE_PREPARE_SKIPS_NOTIFY_ME] = { "gsource-prepare-skips-notify-me",
                                                     "the GSource prepare does not raise "
                                                     "bit 0 of notify_me, so producers "
                                                     "believe "
                                                     "nobody is about to sleep and skip "
                                                     "the eventfd write while glib polls "
                                                     "(QEMU "
                                                     "eabc977973 replaced the 'is someone "
                                                     "dispatching' test that lost these "
                                                     "kicks)" },
    [AIO_MUTANT_GSOURCE_PREPARE_NO_SUBMIT] = { "gsource-prepare-no-submit",
                                               "the io_uring GSource prepare neither fills "
                                               "nor submits the SQ ring, so handler "
                                               "changes and SQEs queued for the "
                                               "glib-driven loop are never handed to the "
                                               "kernel "
                                               "(QEMU ba607ca8bf turned fdmon-io_uring off "
                                               "under the GSource for this)" },
    [AIO_MUTANT_HANDLER_ADD_DURING_WALK_LOST] = { "handler-add-during-walk-lost",
                                                  "a handler added or changed by another "
                                                  "thread while the home thread walks the "
                                                  "handler list is never handed to the fd "
                                                  "monitor, so its fd never wakes the loop "
                                                  "(QEMU e62da98527 fixed the same race "
                                                  "against the epoll upgrade)" },
    [AIO_MUTANT_CURRENT_CONTEXT_IGNORES_BQL] = { "current-context-ignores-bql",
                                                 "aio_current_context() returns the main "
                                                 "context to a thread that neither owns a "
                                                 "context nor holds the BQL, which then "
                                                 "queues SQEs on a ring it may not touch "
                                                 "(QEMU 5f50be9b58: the main context is "
                                                 "only current under the BQL)" },
    [AIO_MUTANT_POLL_IGNORES_NOTIFY] = { "poll-ignores-notify",
                                         "busy polling sees the notification (its "
                                         "timeout drops to 0) but polls on to the end of "
                                         "its window, so work handed over meanwhile waits "
                                         "up to poll-max-ns (QEMU 993ed89f35 made polling "
                                         "leave as soon as aio_notify() is seen)" },
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
