/*
 * thread-history.h - every simulated thread's state over virtual time,
 * rebuilt from the event stream: runnable after it starts or is woken,
 * blocked in ppoll / on a mutex / a condition / a sleep / a join / an
 * io_uring wait after a block event, exited at the end.  The monitors use
 * it to say what each thread was doing when a late hand-off *started* (not
 * only when it was detected); the timeline draws it.
 *
 * "running" is not an event of its own: the thread that acts at a virtual
 * time is the one running then (wk_history_states_at reports "runnable").
 */
#ifndef WAKESIM_THREAD_HISTORY_H
#define WAKESIM_THREAD_HISTORY_H

#include <glib.h>
#include "sim.h"

typedef struct {
    int64_t time_ns;
    unsigned thread;   /* index into names */
    const char *state; /* static string: "runnable", "ppoll", ... */
} wk_state_change_t;

typedef struct {
    GPtrArray *names; /* thread names, in start order (char *) */
    GArray *ids;      /* sim thread id of each name (int) */
    GArray *changes;  /* wk_state_change_t, in time order */
} wk_history_t;

void wk_history_init(wk_history_t *h);
void wk_history_destroy(wk_history_t *h);
void wk_history_on_event(wk_history_t *h, const sim_event_t *ev);
/* " name: state; name: state;" at virtual time t (after every change at
 * t), threads that had not started left out.  g_free() it. */
char *wk_history_states_at(const wk_history_t *h, int64_t t);
/* The thread index of a name, or -1. */
int wk_history_thread(const wk_history_t *h, const char *name);

#endif
