/*
 * invariant.h - the names of the properties the monitor checks, one
 * meaning each (docs/invariants.md).  A violation message starts with one
 * of these names, and scenario files use them for expected outcomes.
 */
#ifndef WAKESIM_INVARIANT_H
#define WAKESIM_INVARIANT_H

#include <stdbool.h>

#define WK_INV_SQE_SUBMIT "sqe-submit-latency" /* SQE queued -> submitted */
#define WK_INV_CQE_REAP "cqe-reap-latency"     /* CQE posted -> reaped and handled */
#define WK_INV_HANDOFF "handoff-latency"       /* BH / fd kick / timer -> run */
#define WK_INV_DEADLOCK "deadlock"
#define WK_INV_DEADLINE "workload-deadline" /* workload done in time */
#define WK_INV_DATA "data-mismatch"         /* a read returned wrong bytes */
#define WK_INV_HYGIENE "end-of-run-hygiene" /* something survived the run */
/* The step limit was hit: threads kept running without the workload
 * finishing (a busy loop, e.g. spinning on a readable ring fd). */
#define WK_INV_LIVELOCK "livelock"
#define WK_INV_TIMER_EARLY "timer-early" /* a timer fired before its deadline */
#define WK_INV_CONTRACT "api-contract"   /* a call the contract forbids succeeded */
#define WK_INV_WAKE "wake-latency"       /* a woken thread acted within its bound */
/* A fatal signal or a sanitizer's error on a simulated thread (the code
 * under test crashed): cli/crash.h. */
#define WK_INV_CRASH "crash"
/* A use after free, double free or invalid free on a simulated thread,
 * found by the seam's heap check (sim/seam/heap-check.h): cli/crash.h. */
#define WK_INV_HEAP "heap-error"
/* A thread's loop went round busy_n times within a short window without
 * doing anything (monitor-busy.c). */
#define WK_INV_BUSY_LOOP "busy-loop"

bool wk_invariant_known(const char *name);
/* "a, b, c" for messages. */
const char *wk_invariant_list(void);

#endif
