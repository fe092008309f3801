/*
 * wakeup-counters.c - see wakeup-counters.h.
 */
#include <string.h>
#include "wakeup-counters.h"

__attribute__((section("__libfuzzer_extra_counters"),
               used)) static uint8_t wk_counters[WK_COUNTERS_SIZE];

void wk_counters_begin(wk_counters_state_t *s)
{
    memset(s, 0, sizeof(*s));
    s->prev_kind = -1;
}

static int bucket(int n)
{
    return n <= 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n <= 4 ? 3 : 4;
}

static uint32_t mix(uint32_t h, uint32_t v)
{
    h ^= v + 0x9e3779b9u + (h << 6) + (h >> 2);
    return h;
}

static uint32_t bit(int64_t id)
{
    return id > 0 && id < 32 ? 1u << id : 0;
}

void wk_counters_on_event(sim_world_t *w, const sim_event_t *ev, void *opaque)
{
    wk_counters_state_t *s = opaque;
    int tid = ev->thread ? sim_thread_id(ev->thread) : 0;

    /* Update the abstract state first. */
    switch (ev->kind) {
    case SIM_EV_PPOLL_ENTER:
        s->in_ppoll |= bit(tid);
        break;
    case SIM_EV_PPOLL_RETURN:
        s->in_ppoll &= ~bit(tid);
        break;
    case SIM_EV_THREAD_BLOCK:
        s->blocked |= bit(ev->object);
        break;
    case SIM_EV_THREAD_WAKE:
    case SIM_EV_THREAD_EXIT:
        s->blocked &= ~bit(ev->object);
        break;
    case SIM_EV_SQE_QUEUED:
        s->sqes_pending++;
        break;
    case SIM_EV_SQE_SUBMIT:
        s->sqes_pending--;
        break;
    case SIM_EV_EVENTFD_SIGNAL:
        s->eventfd_set = ev->value != 0;
        break;
    case SIM_EV_EVENTFD_DRAIN:
        s->eventfd_set = false;
        break;
    case SIM_EV_MUTEX_LOCK:
    case SIM_EV_MUTEX_UNLOCK:
        /* Too frequent to key on: they would drown the protocol states. */
        return;
    default:
        break;
    }

    /* Thread 2 is the main loop (created first by the machine).  Coarse on
     * purpose: keying on the previous event too (finer) made libFuzzer keep
     * far more inputs and find the hard case later (fuzz/README.md). */
    uint32_t h = 0x811c9dc5u;
    h = mix(h, (uint32_t)ev->kind);
    h = mix(h, (uint32_t)(tid < 8 ? tid : 7));
    h = mix(h, s->in_ppoll & 0xff);
    h = mix(h, s->blocked & 0xff);
    h = mix(h, (uint32_t)bucket(s->sqes_pending));
    h = mix(h, s->eventfd_set);
    uint8_t *c = &wk_counters[h % WK_COUNTERS_SIZE];
    if (*c != 255) {
        (*c)++;
    }
    s->prev_kind = ev->kind;
    s->prev_thread = tid;
}

/* The generated workload's coverage map (genload-cov.c), a counter per
 * cell: libFuzzer keeps an input that reaches a new (operation, calling
 * thread, loop phase) cell, or a new hit-count bucket of one. */
__attribute__((section("__libfuzzer_extra_counters"),
               used)) static uint8_t wk_cov_counters[WK_COV_COUNTERS];

void wk_counters_cov_hit(unsigned cell)
{
    if (cell < WK_COV_COUNTERS && wk_cov_counters[cell] != 255) {
        wk_cov_counters[cell]++;
    }
}
