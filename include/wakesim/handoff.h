/*
 * wakesim/handoff.h - annotate a hand-off that must complete within a bound.
 *
 * A hand-off begins where one thread gives work to another (a task posted to
 * a loop's queue, a request queued on a ring) and ends where the other
 * thread picks it up.  Under the simulator, wakesim's monitor
 * (wakesim/monitor.h) checks that every end follows its begin within
 * bound_ns of virtual time (handoff-latency), and reports a begin that
 * never ended by the end of the run, which is what a lost wakeup looks like
 * from outside.  Begins
 * and ends are matched by (name, key), oldest first, so a FIFO queue can pass
 * key 0 for every item.  Keys appear in the event log: use run-stable numbers
 * (sequence numbers, ids), not pointers, whose values change from process to
 * process and would break byte-for-byte replay.
 *
 * Annotations are not scheduling points (removing them does not change a
 * schedule).  Built without WAKESIM_SIMULATED (an ordinary build of the
 * program) they compile to nothing; wakesim_add_simulated_executable()
 * defines it.
 */
#ifndef WAKESIM_HANDOFF_H
#define WAKESIM_HANDOFF_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef WAKESIM_SIMULATED
void wakesim_handoff_begin(const char *name, int64_t key, int64_t bound_ns);
void wakesim_handoff_end(const char *name, int64_t key);
#else
static inline void wakesim_handoff_begin(const char *name, int64_t key, int64_t bound_ns)
{
    (void)name;
    (void)key;
    (void)bound_ns;
}
static inline void wakesim_handoff_end(const char *name, int64_t key)
{
    (void)name;
    (void)key;
}
#endif

#ifdef __cplusplus
}
#endif
#endif
