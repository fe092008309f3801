/*
 * hold.c - store holds: steering the random draws (SEED, PCT) toward
 * store-buffering races under tso, pso and arm (docs/memory-model.md,
 * "Holding stores").
 *
 * A store-buffering lost wakeup needs a thread's store to stay invisible
 * while it reads, and then while another thread runs its own store, fence
 * and read: often many scheduling points.  The plain draws commit each
 * pending store with probability about 1/SIM_COMMIT_ODDS per point and
 * resume the storing thread at one point in n_runnable, so it soon reaches
 * a system call or fence that drains its buffer.  A hold, drawn per store
 * with probability 1/hold_stores, is the weak-memory counterpart of a PCT
 * change point:
 *   1. armed: the store is left out of the random commit draws;
 *   2. the thread's next load (the read of the SB pattern) starts the
 *      hold-off: from its next scheduling point the thread draws pass it
 *      over for hold_points scheduling points of other threads, while its
 *      store stays buffered.
 * Invariants: a hold never changes what the model allows, only which
 * allowed choice a draw makes.  Every drain (fence, locked RMW, system
 * call, lock, block, exit, a full buffer, another thread's RMW claim) still
 * commits a held store; a held-off thread is picked when no other thread
 * can run (and its hold-off ends then); the hold-off ends after
 * hold_points points.  So a run stays live, and the recorded decisions
 * (values and bounds) replay without holds: REPLAY, BYTES and KEYED never
 * hold.
 */
#include "sim-int.h"
#include "prng.h"

bool sim_hold_enabled(const sim_world_t *w)
{
    return w->dec.o.hold_stores &&
           (w->dec.o.kind == SIM_DECIDE_SEED || w->dec.o.kind == SIM_DECIDE_PCT);
}

bool sim_hold_draw(sim_world_t *w, sim_thread_t *t)
{
    if (!sim_hold_enabled(w) || sim_rng_below(w->dec.rng, w->dec.o.hold_stores) != 0)
        return false;
    t->hold_armed = true;
    return true;
}

void sim_hold_loaded(sim_world_t *w, sim_thread_t *t)
{
    t->hold_armed = false;
    if (t->hold_off || !sim_memory_thread_held(w, t))
        return; /* already held off, or its held stores have drained */
    t->hold_off = w->dec.o.hold_points ? w->dec.o.hold_points : SIM_HOLD_POINTS_DEFAULT;
    w->n_hold_off++;
}

static void hold_end(sim_world_t *w, sim_thread_t *t)
{
    if (t->hold_off) {
        t->hold_off = 0;
        w->n_hold_off--;
    }
}

void sim_hold_step(sim_world_t *w)
{
    if (!w->n_hold_off)
        return;
    for (int i = 0; i < w->n_threads; i++) {
        sim_thread_t *t = w->threads[i];
        if (t->hold_off && t != w->current && --t->hold_off == 0)
            w->n_hold_off--;
    }
}

/* Whether the draw may pick t (runnable, and not held off). */
static bool eligible(const sim_thread_t *t)
{
    return t->state == SIM_T_RUNNABLE && !t->hold_off;
}

/* The runnable index of the m-th eligible thread. */
static uint32_t nth_eligible_index(sim_world_t *w, uint64_t m)
{
    uint32_t idx = 0;
    for (int i = 0; i < w->n_threads; i++) {
        sim_thread_t *t = w->threads[i];
        if (t->state != SIM_T_RUNNABLE)
            continue;
        if (eligible(t) && m-- == 0)
            break;
        idx++;
    }
    return idx;
}

int64_t sim_hold_pick(sim_world_t *w, bool pct)
{
    if (!w->n_hold_off)
        return -1;
    uint64_t n = 0;
    for (int i = 0; i < w->n_threads; i++)
        n += eligible(w->threads[i]);
    if (n == 0) {
        /* Only held-off threads can run: they run, and their holds end
         * (liveness; the draw is then the plain one). */
        for (int i = 0; i < w->n_threads; i++)
            if (w->threads[i]->state == SIM_T_RUNNABLE)
                hold_end(w, w->threads[i]);
        return -1;
    }
    if (pct)
        return -1; /* pct_pick passes held-off threads over itself */
    return nth_eligible_index(w, sim_rng_below(w->dec.rng, n));
}
