/*
 * machine.h - runs one scenario in one simulated world: the main loop
 * thread (a real GMainContext driving loop/'s main context), an optional
 * iothread, vCPU threads that drive the workload through the scenario's
 * submission path, and the monitors.
 */
#ifndef WAKESIM_MACHINE_H
#define WAKESIM_MACHINE_H

#include "scenario.h"
#include "sim.h"

typedef struct {
    sim_result_t result;
    char *invariant; /* violated invariant name, or NULL */
    char *message;   /* the violation text, or NULL */
    uint64_t steps;
    int64_t end_ns; /* virtual time at the end */
    uint64_t log_hash;
    char *log;           /* the event log when o->log_enabled, else NULL */
    uint32_t *decisions; /* every decision taken, for a reproducer */
    uint32_t *bounds;
    sim_decision_info_t *info; /* per decision: the default's pick (shrinking) */
    size_t n_decisions;
    int64_t late_start_ns; /* a late hand-off's interval, else -1 */
    int64_t late_end_ns;
    char *keyed;               /* the non-default decisions, keyed (keyed.h) */
    char *names;               /* "BQL = mutex id=4, ..." (sim_world_names_legend) */
    char *states_at_start;     /* "name: state; ..." at late_start_ns, or NULL */
    char *states_at_detection; /* when the monitor saw it, or NULL */
    unsigned sqes_queued_while_main_loop_slept; /* coverage mark: the seed path was taken */
    uint64_t fault_sites[SIM_FAULT_COUNT];      /* calls of each fault kind */
    uint64_t faults_injected[SIM_FAULT_COUNT];  /* faults injected, per kind */
    sim_memory_model_t memory_model;            /* the run's, for its reproducer */
} wk_outcome_t;

/* Runs scn once with the decision source and knobs in *o.  The monitors
 * take the world's on_event hook; o->on_event, if set, is chained after them
 * (called for every event with o->event_opaque: fuzzers' coverage feedback).
 * Mutants must already be set. */
void wk_machine_run(const scn_t *scn, const sim_options_t *o, wk_outcome_t *out);
void wk_outcome_clear(wk_outcome_t *out);

struct wk_target_ops;
/* The first operation scn's workload needs that target ops lacks, or NULL. */
const char *wk_machine_missing_op(const scn_t *scn, const struct wk_target_ops *ops);
/* Before any run: 0 when the selected target has every operation scn's
 * workload needs; else says which it lacks on stderr ("PROG: target T lacks
 * operation OP, which the W workload needs") and returns 2, the exit status
 * for it.  wk_machine_run() exits with it rather than run without them. */
int wk_machine_check_target(const char *prog, const scn_t *scn);

struct wk_monitor_s;
/* Fills *out from a finished world and its monitors (shared by every
 * workload's machine). */
/* Puts what the scenario decides about a run into *opts: its [faults]
 * rates unless the caller already chose faults (a count-down run, a swarm's
 * draw), and a time limit of at most twice its deadline. */
void wk_machine_apply_scenario(sim_options_t *opts, const scn_t *scn);
/* Whether READs may fail with -EIO in a run with these faults (an injected
 * fault the guest sees as an I/O error; everything else must be retried
 * away by the loop). */
bool wk_faults_fail_reads(const sim_faults_t *f);
void wk_outcome_fill(wk_outcome_t *out, sim_world_t *w, sim_result_t r,
                     const struct wk_monitor_s *mon, bool log_enabled);

/* The invariant a result stands for ("pass" when OK). */
const char *wk_outcome_verdict(const wk_outcome_t *out);

#endif
