/*
 * scenario.h - a scenario: the simulated machine (threads, devices, how
 * they submit), its workload, the bounds its monitors enforce and what each
 * mutant is expected to do.  Parsed from a GKeyFile (scenarios/NAME.scn);
 * every error names the file and line.
 */
#ifndef WAKESIM_SCENARIO_H
#define WAKESIM_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "aio.h"
#include "aio-mutants.h"
#include "sim.h"
#include "sim-memory.h"

/* How a device hands a request to the event loop. */
typedef enum {
    SCN_SUBMIT_MMIO_INLINE, /* vCPU under the BQL calls add_sqe on the main context (AHCI) */
    SCN_SUBMIT_IOEVENTFD,   /* vCPU kicks an eventfd; the target's loop submits (virtio) */
    SCN_SUBMIT_BH,          /* vCPU schedules a one-shot BH on the target; it submits */
    SCN_SUBMIT_TIMER,       /* vCPU arms a short timer on the target; it submits */
    SCN_SUBMIT_MMIO_SYNC,   /* vCPU under the BQL submits, then runs aio_poll() on the
                                main context until done (synchronous I/O) */
} scn_submit_t;

typedef enum { SCN_STRATEGY_RANDOM, SCN_STRATEGY_PCT } scn_strategy_t;

/* [bounds] busy-loop's default (docs/invariants.md: how it was chosen). */
#define SCN_BUSY_LOOP_N 50
#define SCN_BUSY_LOOP_WINDOW_NS 1000000

/* [machine] fairness's default: the smallest latency bound over this
 * (docs/invariants.md, "The fairness bound": how it was chosen). */
#define SCN_FAIRNESS_DIVISOR 20

/* What the machine's threads do. */
typedef enum { SCN_SURFACE_LOOP, SCN_SURFACE_QEMU } scn_surface_t;

/* [workload] sibling-wait: how a CQE handler waits for its read's sibling
 * (genload-nest.c).  auto: aio_poll(ctx, true), but a first
 * aio_poll(ctx, false) on a target whose blocking poll ignores handlers of
 * CQEs already reaped (wk_target_ops_t.blocking_poll_skips_reaped_cqes);
 * blocking: aio_poll(ctx, true) only, everywhere. */
typedef enum { SCN_SIBLING_WAIT_AUTO, SCN_SIBLING_WAIT_BLOCKING } scn_sibling_wait_t;

typedef enum {
    SCN_WORKLOAD_BATCHES,   /* vCPUs hand batches of reads over by the submit path */
    SCN_WORKLOAD_GENERATED, /* programs of API operations drawn from the decision
                                source (genload.c, docs/workloads.md) */
} scn_workload_t;

/* Which context serves the device. */
typedef enum {
    SCN_TARGET_MAIN,     /* the main loop (glib GMainContext, BQL) */
    SCN_TARGET_IOTHREAD, /* an iothread running aio_poll() */
} scn_target_t;

typedef struct {
    char *name;
    char *description;
    char *path; /* where it was loaded from ("<trace>" if embedded) */
    char *text; /* the file's content, kept for reproducers */

    aio_backend_t backend; /* ppoll or io_uring */
    unsigned ring_entries;
    int64_t main_timer_ns; /* the main loop's idle periodic timer; 0 = none */

    unsigned vcpus;
    /* The iothread context's adaptive polling, QEMU's IOThread properties
     * passed to aio_context_set_poll_params(): the longest busy-poll window
     * (ns; 0, the default here, never polls), the factor it grows by (0:
     * QEMU's 2) and the divisor it shrinks by (0: back to 0).  QEMU's
     * iothreads default to 32768, 0, 0; its main context does not poll. */
    unsigned poll_max_ns, poll_grow, poll_shrink;
    scn_submit_t submit;
    scn_target_t target;

    unsigned batches;    /* per vCPU */
    unsigned batch_size; /* requests per batch */
    uint64_t chunk_bytes;
    int64_t think_before_batch_ns;
    int64_t think_after_completion_ns;
    int64_t think_jitter_ns; /* each think adds a decision in [0, jitter] */

    int64_t latency_min_ns; /* device */
    int64_t latency_max_ns;

    /* Monitor bounds (virtual time). */
    int64_t bound_sqe_submit_ns;
    int64_t bound_cqe_reap_ns;
    int64_t bound_handoff_ns; /* BH run / fd dispatch / timer fire after hand-off */
    int64_t deadline_ns;      /* whole workload */
    /* [bounds] busy-loop = N in T: N waits of one thread without progress
     * within T is a busy loop (monitor-busy.c); "off" sets N to 0. */
    unsigned busy_loop_n;
    int64_t busy_loop_window_ns;
    /* [machine] fairness: a runnable thread runs within this much virtual
     * time (sim_options_t.fair_ns); 0 = off ("off").  Default: the smallest
     * of the three latency bounds / SCN_FAIRNESS_DIVISOR. */
    int64_t fair_ns;

    unsigned run_budget; /* runs within which an expected mutant must show */
    int check_strategy;  /* how `wakesim check` searches: SCN_STRATEGY_* */
    unsigned check_pct_depth;
    unsigned check_hold_stores; /* [expect] hold-stores: store holds (sim.h), 0 off */
    /* Expected outcome per mutant, normalised: "pass", "found" (any
     * violation) or invariant names joined by " | " (one of them).  Keys
     * and values owned by the table. */
    GHashTable *expect;
    /* [faults]: injected fault rates (all 0 without the group).  With
     * uring-init, backend stays AIO_BACKEND_AUTO (the fallback runs). */
    sim_faults_t faults;
    /* The memory model runs use unless told otherwise ([machine]
     * memory-model, a sim_memory_model_t), and per mutant the model its
     * expectation needs ("found@tso"): mutant -> GINT_TO_POINTER(model+1). */
    int memory_model;
    GHashTable *expect_model;
    /* Per mutant, a budget of its own ("found@arm, runs 60000"):
     * mutant -> uint64_t *.  Others use run_budget. */
    GHashTable *expect_runs;

    scn_workload_t workload; /* [workload] kind */
    unsigned gen_ops;        /* generated: operations per program */
    /* generated: [workload] surface, the API the programs call: the event
     * loop's (both targets), or also QEMU's thread pool and AIO_WAIT_WHILE
     * (the qemu target's optional ops; genload-qemu.c). */
    scn_surface_t gen_surface;
    scn_sibling_wait_t gen_sibling_wait; /* generated: [workload] sibling-wait */
    /* generated: [workload] bql-polls = no: no BQL holder polls the main
     * context (no synchronous reads or aio_poll by vCPUs; their waits go to
     * the main loop thread) */
    int gen_no_bql_polls;
    /* generated: [workload] main-loop-ops = yes: the programs also arm
     * timers on QEMU's main-loop clocks and raise events with
     * qemu_notify_event() (the qemu target's ml_* ops; genload-mainloop.c) */
    int gen_main_loop_ops;
    /* [scenario] targets: the event loops the scenario applies to, comma
     * separated ("loop", "qemu"); default "loop". */
    char *targets;
    /* "no": no schedule fuzz harness is built for the scenario (read by
     * fuzz/CMakeLists.txt and fuzz/ossfuzz.sh; the reason is written next
     * to the key in the scenario). */
    int no_schedule_fuzzing;
} scn_t;

/* Loads and validates; NULL with *err set ("FILE:LINE: message"). */
scn_t *scn_load_file(const char *path, GError **err);
/* The same from text; "path" is only used in messages. */
scn_t *scn_load_text(const char *text, const char *path, GError **err);
void scn_free(scn_t *s);

/* Expected outcome for a mutant name ("" or NULL = the fixed code), as
 * printed: "pass", "found" or "a | b".  "pass" for a mutant the file does
 * not list (`wakesim check` does not check those). */
const char *scn_expected(const scn_t *s, const char *mutant);
/* Whether a run's verdict ("pass" or an invariant) is one that an
 * expectation (as scn_expected() gives it) names: "pass" only for "pass",
 * any violation for "found", one of the listed invariants otherwise. */
bool scn_outcome_accepts(const char *expected, const char *verdict);
/* The memory model under which that expectation is checked: the one named
 * after '@' in the expectation, else the scenario's. */
sim_memory_model_t scn_expected_model(const scn_t *s, const char *mutant);
/* The run budget of that expectation: its own ("..., runs N"), else the
 * [expect] runs. */
uint64_t scn_expected_runs(const scn_t *s, const char *mutant);

/* Whether the scenario sets a polling parameter other than 0 (all 0 is
 * what a new context has): the target then needs context_set_poll_params. */
static inline bool scn_polls(const scn_t *s)
{
    return s->poll_max_ns || s->poll_grow || s->poll_shrink;
}

/* Whether the scenario lists target (a wk_target_ops_t name). */
bool scn_applies_to(const scn_t *s, const char *target);

const char *scn_submit_name(scn_submit_t v);
const char *scn_target_name(scn_target_t v);

/* The scenario's text with [workload] kind set to "generated" (g_free):
 * `wakesim run --workload generated` reloads it, so reproducers carry it. */
char *scn_text_with_generated_workload(const scn_t *s);

#define SCN_ERROR (scn_error_quark())
GQuark scn_error_quark(void);

#endif
