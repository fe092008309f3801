/*
 * fair.c - the fairness bound: a runnable thread runs within opt.fair_ns of
 * virtual time, whatever the decision source.
 *
 * Virtual time advances with every scheduling point, whoever runs.  A
 * decision source that keeps picking one thread (PCT's highest priority,
 * the schedule fuzzer's bytes, the default policy of replaying sources:
 * stay on the current thread) would otherwise let a busy-polling thread
 * charge a runnable but unpicked thread for time it did not run: on a
 * machine with a core per thread that cannot last.  As in CHESS's fair
 * stateless model checking, the scheduler itself runs a thread that has
 * waited fair_ns since it last became runnable (woken, created, or
 * switched out while runnable): the longest-waiting one, the lowest id on
 * ties.  The forced pick draws nothing and records nothing, so every
 * source (and its replay) forces the same picks at the same points.
 *
 * Invariant: while fair_armed, w->fair_due <= ready_since + fair_ns of
 * every runnable thread that is not running or about to (a thread made
 * ready later is due later, and sim_fair_ready arms fair_due when nothing
 * was waiting), so scheduling points before fair_due need no scan.
 */
#include "sim-int.h"

void sim_fair_ready(sim_world_t *w, sim_thread_t *t)
{
    t->ready_since = w->now;
    if (w->opt.fair_ns <= 0)
        return;
    int64_t due = w->now + w->opt.fair_ns;
    if (!w->fair_armed || due < w->fair_due) {
        w->fair_due = due;
        w->fair_armed = true;
    }
}

sim_thread_t *sim_fair_starved(sim_world_t *w)
{
    if (w->opt.fair_ns <= 0 || !w->fair_armed || w->now < w->fair_due)
        return NULL;
    sim_thread_t *oldest = NULL, *second = NULL;
    for (int i = 0; i < w->n_threads; i++) {
        sim_thread_t *t = w->threads[i];
        if (t->state != SIM_T_RUNNABLE || t == w->current)
            continue;
        if (!oldest || t->ready_since < oldest->ready_since) {
            second = oldest;
            oldest = t;
        } else if (!second || t->ready_since < second->ready_since) {
            second = t;
        }
    }
    bool starved = oldest && w->now - oldest->ready_since >= w->opt.fair_ns;
    /* The next thread that can starve: the oldest, or (it runs now) the
     * one after it; the thread that runs is made ready again when it is
     * switched out. */
    const sim_thread_t *next = starved ? second : oldest;
    w->fair_armed = next != NULL;
    if (next)
        w->fair_due = next->ready_since + w->opt.fair_ns;
    return starved ? oldest : NULL;
}
