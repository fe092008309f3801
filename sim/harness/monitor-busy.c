/*
 * monitor-busy.c - the busy-loop check (see monitor.h): a thread whose
 * loop keeps going round without doing anything, as when every io_uring
 * TIMEOUT expires at once (QEMU's c31a445749) or a wait's timeout is
 * computed as 0 while nothing is ready.  Such a loop ends its runs with
 * every hand-off on time, so no latency bound sees it.
 *
 * Only the event stream is used, so the check needs nothing of either
 * target's loop: a wait is where any event loop sleeps (ppoll, a waiting
 * io_uring_enter), and progress is what a thread does for others.  A wait
 * that returns at once because its timeout was due, or was cut short by a
 * notify with nothing behind it, is not progress; an idle loop still waits
 * far less often than busy_n times per window.
 *
 * Windows: a thread's run of idle waits opens a window at its first wait;
 * a wait past the window's end opens a new one there.  A loop that keeps
 * spinning fills a whole window, so one of busy_n waits in busy_window_ns
 * is found within two windows.
 */
#include <errno.h>
#include <inttypes.h>
#include "monitor.h"
#include "invariant.h"

#define NS_PER_MS 1000000.0

typedef struct {
    int64_t window_start;
    unsigned waits;    /* idle waits in the window */
    unsigned timeouts; /* timeout expiries reaped in it */
    bool progress;     /* since the thread's last wait */
} busy_t;

void wk_monitor_set_busy_loop(wk_monitor_t *m, unsigned n, int64_t window_ns)
{
    m->busy_n = window_ns > 0 ? n : 0;
    m->busy_window_ns = window_ns;
    if (m->busy_n && !m->busy) {
        m->busy = g_array_new(FALSE, TRUE, sizeof(busy_t));
    }
}

static busy_t *busy_of(wk_monitor_t *m, const sim_thread_t *t)
{
    guint tid = (guint)sim_thread_id(t);
    if (tid >= m->busy->len) {
        g_array_set_size(m->busy, tid + 1);
    }
    return &g_array_index(m->busy, busy_t, tid);
}

void wk_monitor_progress(wk_monitor_t *m)
{
    const sim_thread_t *self = sim_thread_self();
    if (m->busy_n && self) {
        busy_of(m, self)->progress = true;
    }
}

static void report(wk_monitor_t *m, sim_world_t *w, const sim_event_t *ev, busy_t *b)
{
    char last[64];
    if (ev->kind == SIM_EV_PPOLL_ENTER) {
        g_snprintf(last, sizeof(last), "ppoll, timeout %.3f ms",
                   ev->value < 0 ? -1.0 : ev->value / NS_PER_MS);
    } else {
        g_snprintf(last, sizeof(last),
                   "io_uring_enter, to_submit %" PRId64 ", wait_nr %" PRId64, ev->value,
                   ev->value2);
    }
    wk_monitor_violation(m, w, WK_INV_BUSY_LOOP,
                         "%s waited %u times from %.3f ms to %.3f ms without progress (no "
                         "CQE of work reaped, no eventfd drained, no callback run; %u "
                         "timeout expiries reaped), bound %u in %.3f ms; last wait: %s",
                         sim_thread_name(ev->thread), b->waits, b->window_start / NS_PER_MS,
                         ev->time_ns / NS_PER_MS, b->timeouts, m->busy_n,
                         m->busy_window_ns / NS_PER_MS, last);
}

static void on_wait(wk_monitor_t *m, sim_world_t *w, const sim_event_t *ev)
{
    busy_t *b = busy_of(m, ev->thread);
    if (b->progress || b->waits == 0 || ev->time_ns - b->window_start > m->busy_window_ns) {
        *b = (busy_t){ .window_start = ev->time_ns, .waits = 1 };
        return;
    }
    if (++b->waits >= m->busy_n) {
        report(m, w, ev, b);
        b->waits = 0; /* a loop that goes on spinning is counted again */
    }
}

void wk_monitor_busy_on_event(wk_monitor_t *m, sim_world_t *w, const sim_event_t *ev)
{
    if (!m->busy_n || !ev->thread) {
        return;
    }
    switch (ev->kind) {
    case SIM_EV_PPOLL_ENTER:
        on_wait(m, w, ev);
        break;
    case SIM_EV_URING_ENTER:
        if (ev->value2 > 0) {
            on_wait(m, w, ev);
        }
        break;
    case SIM_EV_CQE_REAP:
        if (ev->value == -ETIME) {
            busy_of(m, ev->thread)->timeouts++;
        } else if (ev->value != -ECANCELED) {
            busy_of(m, ev->thread)->progress = true;
        }
        break;
    case SIM_EV_EVENTFD_DRAIN:
        if (ev->value > 0) {
            busy_of(m, ev->thread)->progress = true;
        }
        break;
    case SIM_EV_FAULT: {
        /* An injected fault (EINTR, EAGAIN, EBUSY...) ended the thread's
         * call, not the loop: its wait is not an idle iteration.  Retrying
         * is the contract, so a run of faults must never add up to a busy
         * loop, while the waits between them still count. */
        busy_t *b = busy_of(m, ev->thread);
        if (b->waits > 0) {
            b->waits--;
        }
        break;
    }
    default:
        break;
    }
}
