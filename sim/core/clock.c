/*
 * clock.c - virtual time: the clock, the timer heap and sleeping.
 *
 * Time moves only by ns_per_step at each scheduling point and by jumps to
 * the next timer when every thread is blocked (sched.c).  Timers are kernel
 * work (a timed wait ending, a TIMEOUT SQE, a device completion): a binary
 * min-heap on (when, seq), so equal deadlines fire in insertion order and
 * the run stays deterministic.  Cancelled work is not removed: each timer
 * carries a generation that its callback compares with its object's.
 */
#include "sim-int.h"

static bool timer_before(const sim_timer_t *a, const sim_timer_t *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void heap_swap(sim_timer_t *h, size_t i, size_t j)
{
    sim_timer_t tmp = h[i];
    h[i] = h[j];
    h[j] = tmp;
}

void sim_timer_add(sim_world_t *w, int64_t when, sim_timer_fn_t *fn, void *obj,
                   uint64_t arg)
{
    sim_grow((void **)&w->timers, &w->cap_timers, w->n_timers + 1, sizeof(sim_timer_t));
    size_t i = w->n_timers++;
    w->timers[i] = (sim_timer_t){ when, w->timer_seq++, fn, obj, arg };
    while (i > 0 && timer_before(&w->timers[i], &w->timers[(i - 1) / 2])) {
        heap_swap(w->timers, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static sim_timer_t heap_pop(sim_world_t *w)
{
    sim_timer_t *h = w->timers;
    sim_timer_t top = h[0];
    h[0] = h[--w->n_timers];
    size_t i = 0, n = w->n_timers;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && timer_before(&h[l], &h[m]))
            m = l;
        if (r < n && timer_before(&h[r], &h[m]))
            m = r;
        if (m == i)
            break;
        heap_swap(h, i, m);
        i = m;
    }
    return top;
}

bool sim_timer_next(const sim_world_t *w, int64_t *when)
{
    if (!w->n_timers)
        return false;
    *when = w->timers[0].when;
    return true;
}

void sim_timers_fire_due(sim_world_t *w)
{
    bool was = w->kernel_acting;
    w->kernel_acting = true;
    while (w->n_timers && w->timers[0].when <= w->now) {
        sim_timer_t t = heap_pop(w);
        t.fn(w, t.obj, t.arg);
    }
    w->kernel_acting = was;
}

int64_t sim_now_ns(void)
{
    sim_world_t *w = sim__current_world;
    return w ? w->now : 0;
}

int64_t sim_world_now_ns(const sim_world_t *w)
{
    return w->now;
}

void sim_sleep_ns(int64_t ns)
{
    sim_world_t *w = sim__current_world;
    SIM_SCHED_POINT_HERE();
    if (!w || !w->current || ns <= 0)
        return;
    int64_t deadline = w->now + ns;
    while (w->now < deadline)
        sim_block(w, SIM_WAIT_SLEEP, NULL, 0, deadline);
}
