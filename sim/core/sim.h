/*
 * sim.h - wakesim's deterministic simulator: the public API.
 *
 * A *world* (sim_world_t) holds one simulated run: simulated threads (fibers
 * on the calling OS thread), a virtual clock, simulated kernel objects
 * (eventfds, io_uring rings, block devices, mutexes), a decision source that
 * resolves every nondeterministic choice, the record of the decisions taken
 * and an event log.  Nothing survives a run except what the world holds, and
 * sim_world_free() releases all of it.  While sim_world_run() is active the
 * world is the "current world" of the OS thread (sim_world_current()); the
 * shim headers (sim/seam/shim/aio-os.h, sim/seam/shim/aio-atomic.h) route loop/ code to
 * it.  Between runs the current world is NULL.
 *
 * Life cycle:
 *
 *     sim_options_t o;
 *     sim_options_init(&o);
 *     o.decide.kind = SIM_DECIDE_SEED;  o.decide.seed = 42;
 *     sim_world_t *w = sim_world_new(&o);
 *     sim_result_t r = sim_world_run(w, scenario, arg);   // once per world
 *     ... sim_world_log(w, &len), sim_world_decisions(w, ...), sim_world_message(w)
 *     sim_world_free(w);
 *
 * The scenario function runs as the first simulated thread ("main").  The run
 * ends when every non-daemon thread has exited (SIM_RESULT_OK), when scenario
 * code calls sim_finish() (OK) or sim_violation() (VIOLATION), when every live
 * thread is blocked with nothing pending in virtual time (DEADLOCK), when a
 * step or virtual-time bound is hit, or when a replay does not fit.  Threads
 * still alive then are *unwound*: each is resumed with a kill flag and its
 * blocking call leaves the fiber for good (its C frames are abandoned, not
 * returned through), so scenario code must not rely on code after a blocking
 * call running at the end of a run: register cleanups with sim_defer().
 *
 * Scheduling points: every atomic macro of the shim, every shim call that can
 * block or publish (eventfd signal/drain, ppoll, uring submit/enter, mutex
 * lock/unlock), sim_yield(), thread create/exit/join, cond wait/signal and
 * sleep.  At each point with more than one runnable thread, one decision picks
 * the next thread (an index into the runnable threads sorted by thread id).
 * With a single runnable thread no decision is consumed.
 *
 * Memory models (sim_options_t.memory_model, sim-memory.h): under sc the
 * seam's accesses go straight to memory; under tso and pso each thread has a
 * store buffer, and committing a buffered store is one more decision, taken
 * at scheduling points where two or more threads are runnable.
 *
 * Virtual time: starts at 0 (sim_now_ns(); os_clock_ns() returns
 * clock_base_ns + now).  Each scheduling point costs ns_per_step.  When every
 * live thread is blocked, time jumps to the next deadline (timed waits,
 * sleeps, TIMEOUT SQEs, device completions).
 */
#ifndef WAKESIM_SIM_H
#define WAKESIM_SIM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim-memory.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sim_world sim_world_t;
typedef struct sim_thread sim_thread_t;

/* Simulated fds start here by default, far above any real fd of the
 * process (the kernel's largest fs.nr_open), so no number is ever both. */
#define SIM_FD_BASE (1 << 20)
/* The low numbering (sim_options_t.fd_base): simulated fds from 64 up, as
 * small as a kernel's, for code that sizes tables by fd number (libuv's
 * watcher array is fd-indexed: 16 MiB per run from 2^20).  Each number is
 * reserved in the real kernel while the world lives (sim/kernel/fd.c), so
 * real fds opened during the run never take one; a real fd already open at
 * a number the run needs ends the run with the violation fd-collision. */
#define SIM_FD_BASE_LOW 64

/* ------------------------------------------------------------------------
 * Decision sources
 * ------------------------------------------------------------------------ */
typedef enum {
    /* Fuzzer bytes: a choice among n takes 1 byte (n <= 256), 2 bytes
     * (n <= 65536) or 4 bytes, little-endian, value % n.  When the bytes run
     * out the default policy continues: keep the current thread if it is
     * runnable, else the lowest-id runnable thread; value choices take 0. */
    SIM_DECIDE_BYTES,
    /* Random walk from a 64-bit seed (xoshiro256** seeded by splitmix64). */
    SIM_DECIDE_SEED,
    /* PCT (Burckhardt et al. 2010) with depth d: random thread priorities,
     * d-1 random change points among the first pct_steps scheduling points;
     * the highest-priority runnable thread always runs.  Value choices use
     * the seeded generator. */
    SIM_DECIDE_PCT,
    /* Replay of a recorded decision array (sim_world_decisions()). */
    SIM_DECIDE_REPLAY,
    /* Replay of decisions keyed to what was decided (sim_keyed_decision_t):
     * the default policy everywhere, except where a recorded key matches.
     * Survives code changes that add or remove scheduling points. */
    SIM_DECIDE_KEYED,
} sim_decide_kind_t;

/* A decision keyed to what was decided rather than to its position: "when
 * thread T had emitted E events, at the k-th decision point labelled L since
 * then, run thread C" or "the k-th value choice labelled L while T had
 * emitted E events was V of N".  T is the thread at the scheduling point
 * (for a pick made after it blocked, the thread that blocked); L is the
 * point's label (sim_site_label(): "aio_notify:read:notify_me",
 * "os_mutex_lock", "after_block:ppoll", "blk_latency"...).  Counting only points
 * with the same label is what makes an unrelated extra scheduling point
 * harmless: it has another label, so no ordinal moves.  E counts T's events
 * since its last program step (prog: how many scenario-level choices,
 * sim_choose(), T has made) or, if later, its last clock anchor (wakes:
 * how many since that step; an anchor is a kernel wake, or T reaping a CQE
 * the kernel posted), because an extra point also costs virtual time, and
 * a loop that waits for a device or a timer may then run a different
 * number of times: the drift stops where the clock's decision ends it.  A thread pick
 * applies at the first decision point at its key and label whose ordinal
 * is >= ordinal (and whose chosen thread can run); a value at its exact
 * ordinal.  label NULL: the first form of keys, whose ordinal counts every
 * decision at (T, E) since the key last changed (files written before
 * labels; still replayed as they were). */
typedef struct {
    const char *thread; /* T's name */
    uint64_t prog;      /* labelled: T's program steps (sim_choose() calls) */
    uint32_t wakes;     /* labelled: T's clock anchors since that step */
    uint64_t events;    /* E: labelled, T's events since that step or anchor */
    const char *label;  /* L, or NULL (first form) */
    uint32_t ordinal;
    bool is_thread;
    const char *chosen;    /* thread picks: C's name */
    uint32_t value, bound; /* value choices */
} sim_keyed_decision_t;

typedef struct {
    sim_decide_kind_t kind;
    uint64_t seed;        /* SEED, PCT */
    const uint8_t *bytes; /* BYTES: not copied, must outlive the run */
    size_t bytes_len;
    unsigned pct_depth;            /* PCT: d >= 1 */
    uint64_t pct_steps;            /* PCT: n, estimated scheduling points */
    unsigned pct_threads;          /* PCT: k, estimated number of threads */
    const uint32_t *replay;        /* REPLAY: values, not copied */
    const uint32_t *replay_bounds; /* REPLAY: optional recorded n of each
                                      decision; a mismatch = divergence */
    size_t replay_len;
    const sim_keyed_decision_t *keyed; /* KEYED: not copied */
    size_t keyed_len;
    /* SEED, PCT under tso/pso/arm: store holds, a steering of the random
     * draws toward store-buffering races (docs/memory-model.md, "Holding
     * stores").  0: off, every draw as before.  N: each store entering a
     * buffer is held with probability 1/N: the random commit draws leave
     * it buffered, and after its thread's next load the thread is passed
     * over by the thread draws for hold_points scheduling points of other
     * threads (while another can run), or until it drains.  Only draws
     * change: the record, its replay and the event log are as for any
     * other run. */
    unsigned hold_stores;
    unsigned hold_points; /* 0: SIM_HOLD_POINTS_DEFAULT */
    /* Any kind: called at each thread decision (index: its position among
     * all decisions) with the ids of the threads it chose among (bit i: id
     * i; ids of 64 and above are left out), for a search that branches on
     * them (sim/harness/explore.c).  NULL: not called, no cost. */
    void (*on_thread_pick)(void *arg, size_t index, uint64_t runnable);
    void *on_thread_pick_arg;
} sim_decide_opts_t;

#define SIM_HOLD_POINTS_DEFAULT 256

/* Replays a recorded decision sequence (values and, optionally, each
 * decision's bound); the arrays are not copied. */
static inline void sim_decide_replay(sim_decide_opts_t *d, const uint32_t *values,
                                     const uint32_t *bounds, size_t n)
{
    d->kind = SIM_DECIDE_REPLAY;
    d->replay = values;
    d->replay_bounds = bounds;
    d->replay_len = n;
}

/* PCT's probability bound of finding a bug of depth d: 1 / (n * k^(d-1)).
 * Stores the ratio as *num / *den (den saturates at UINT64_MAX).  */
void sim_pct_bound(uint64_t n, unsigned k, unsigned d, uint64_t *num, uint64_t *den);
/* Prints "PCT n=.. k=.. d=..: p >= 1/<den>" to f. */
void sim_pct_bound_print(FILE *f, uint64_t n, unsigned k, unsigned d);

/* ------------------------------------------------------------------------
 * Events: every kernel-visible event is appended to the log as a line
 * "<virtual time ns> <thread name> <event text>\n" and passed to the
 * optional on_event hook.  Kernel-originated events (timer expiry, device
 * completion) carry the thread name "kernel" and ev->thread == NULL.
 * ------------------------------------------------------------------------ */
typedef enum {
    SIM_EV_THREAD_START,   /* object = thread id */
    SIM_EV_THREAD_EXIT,    /* object = thread id */
    SIM_EV_THREAD_BLOCK,   /* object = thread id, value = sim_wait_kind_t */
    SIM_EV_THREAD_WAKE,    /* object = thread id, value = 0 or -ETIMEDOUT */
    SIM_EV_EVENTFD_SIGNAL, /* object = fd, value = counter after */
    SIM_EV_EVENTFD_DRAIN,  /* object = fd, value = value read */
    SIM_EV_PPOLL_ENTER,    /* object = nfds, value = timeout ns; text = NULL, or the
                            * call that is not ppoll ("epoll_wait", value2 = epfd) */
    SIM_EV_PPOLL_RETURN,   /* value = ready count */
    SIM_EV_MUTEX_LOCK,     /* object = mutex id */
    SIM_EV_MUTEX_UNLOCK,   /* object = mutex id */
    SIM_EV_URING_ENTER,    /* object = ring fd, value = to_submit, value2 = wait_nr */
    SIM_EV_SQE_QUEUED,     /* object = ring fd, value = sq index, user_data (may
                              still be unset if seen before prep) */
    SIM_EV_SQE_SUBMIT,     /* object = ring fd, user_data, value = opcode,
                              value2 = virtual time it was first seen queued,
                              text = sim_uring_opcode_name(opcode) */
    SIM_EV_CQE_POST,       /* object = ring fd, user_data, value = res */
    SIM_EV_CQE_REAP,       /* object = ring fd, user_data, value = res */
    SIM_EV_MONITOR,        /* from sim_monitor_event(): text = tag */
    SIM_EV_VIOLATION,      /* text = message */
    SIM_EV_DEADLOCK,       /* text = message */
    SIM_EV_FAULT,          /* object = sim_fault_kind_t, value = its call number,
                              text = the fault's name */
    SIM_EV_COUNT
} sim_event_kind_t;

typedef struct {
    sim_event_kind_t kind;
    int64_t time_ns;            /* virtual time, from 0 */
    const sim_thread_t *thread; /* acting thread, NULL for the kernel */
    int64_t object;
    uint64_t user_data;
    int64_t value;
    int64_t value2;
    const char *text; /* as each kind says above (the thread events: a name);
                         else NULL */
} sim_event_t;

typedef void sim_event_fn_t(sim_world_t *w, const sim_event_t *ev, void *opaque);

const char *sim_event_kind_name(sim_event_kind_t kind);
/* An io_uring opcode as event logs print it ("POLL_ADD", "TIMEOUT_REMOVE";
 * "OTHER" for one the simulator does not name). */
const char *sim_uring_opcode_name(unsigned op);

/* ------------------------------------------------------------------------
 * Injected faults: what Linux may do that a kind kernel never does.  Each
 * kind has call sites (one call of its kind: a ppoll, an enter, a READ...);
 * at each, the fault happens with its rate (a decision, so every strategy
 * and the fuzzers reach it) or, in count-down mode, exactly at the Nth call
 * of one kind (as SQLite's tests fail the Nth malloc).  Off by default; a
 * kind whose rate is 0 takes no decision, so enabling faults leaves the
 * schedules of fault-free runs unchanged.  Every injected fault is logged
 * ("fault <name> call=<n>").
 * ------------------------------------------------------------------------ */
typedef enum {
    SIM_FAULT_PPOLL_EINTR,    /* ppoll returns -EINTR before waiting */
    SIM_FAULT_ENTER_EINTR,    /* a waiting io_uring_enter is interrupted:
                                  -EINTR if it submitted nothing */
    SIM_FAULT_ENTER_EAGAIN,   /* io_uring_enter fails with -EAGAIN, nothing submitted */
    SIM_FAULT_ENTER_EBUSY,    /* io_uring_enter fails with -EBUSY, nothing submitted */
    SIM_FAULT_PARTIAL_SUBMIT, /* io_uring_enter submits a strict prefix of the SQ */
    SIM_FAULT_READ_EIO,       /* a READ completes with -EIO */
    SIM_FAULT_READ_EAGAIN,    /* a READ completes with -EAGAIN */
    SIM_FAULT_READ_SHORT,     /* a READ transfers only part of its length */
    SIM_FAULT_URING_INIT,     /* io_uring_queue_init fails with -EPERM (seccomp) */
    SIM_FAULT_EVENTFD_EAGAIN, /* an eventfd write finds the counter saturated */
    SIM_FAULT_COUNT
} sim_fault_kind_t;

typedef struct {
    uint16_t permille[SIM_FAULT_COUNT]; /* rate per kind, in 1/1000 (<= 1000) */
    sim_fault_kind_t countdown_kind;    /* count-down mode: fail exactly call */
    uint64_t countdown_n;               /* countdown_n (1-based) of this kind; 0 = off */
} sim_faults_t;

const char *sim_fault_name(sim_fault_kind_t k);
/* The kind with this name, or -1. */
int sim_fault_lookup(const char *name);
/* Calls of kind k so far in w's run (its fault sites), and faults injected. */
uint64_t sim_world_fault_sites(const sim_world_t *w, sim_fault_kind_t k);
uint64_t sim_world_faults_injected(const sim_world_t *w, sim_fault_kind_t k);

/* ------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------ */
typedef struct {
    sim_decide_opts_t decide;
    uint64_t max_steps;       /* scheduling points; 0 = unlimited */
    int64_t max_time_ns;      /* virtual time bound; <= 0 = unlimited */
    int64_t ns_per_step;      /* virtual cost of one scheduling point */
    int64_t fair_ns;          /* fairness bound: a runnable thread runs within it */
    int64_t clock_base_ns;    /* os_clock_ns() at virtual time 0 */
    bool log_enabled;         /* build the text log (hooks run regardless) */
    FILE *log_stream;         /* also write each line here (NULL: no) */
    sim_event_fn_t *on_event; /* optional hook, called for every event */
    void *event_opaque;
    int uring_init_error;            /* if < 0, os_uring_init fails with it */
    sim_faults_t faults;             /* injected faults (all off by default) */
    sim_memory_model_t memory_model; /* sc (default), tso, pso: sim-memory.h */
    int fd_base; /* first simulated fd: 0 = SIM_FD_BASE, or SIM_FD_BASE_LOW */
} sim_options_t;

/* Defaults: SEED 0, max_steps 1000000, max_time_ns 60 s, ns_per_step 100,
 * clock_base_ns 0, log_enabled true, everything else 0/NULL. */
void sim_options_init(sim_options_t *o);
/* Prints every knob on one line (style: print knobs before a run). */
void sim_options_print(FILE *f, const sim_options_t *o);

/* ------------------------------------------------------------------------
 * Worlds and runs
 * ------------------------------------------------------------------------ */
typedef enum {
    SIM_RESULT_OK,        /* all non-daemon threads exited, or sim_finish() */
    SIM_RESULT_VIOLATION, /* sim_violation() */
    SIM_RESULT_DEADLOCK,  /* all blocked, nothing pending */
    SIM_RESULT_STEP_LIMIT,
    SIM_RESULT_TIME_LIMIT,
    SIM_RESULT_REPLAY_ERROR, /* recorded decisions do not fit this run */
    SIM_RESULT_ERROR,        /* misuse (e.g. second run of a world) */
} sim_result_t;

const char *sim_result_name(sim_result_t r);

typedef void *sim_thread_fn_t(void *arg);

sim_world_t *sim_world_new(const sim_options_t *o);
/* Runs entry(arg) as thread "main" until the run ends; see the file comment.
 * Must not be called from inside a run.  One run per world. */
sim_result_t sim_world_run(sim_world_t *w, sim_thread_fn_t *entry, void *arg);
/* Frees the world and everything it holds.  Not during its own run. */
void sim_world_free(sim_world_t *w);

/* The world whose run is active on this OS thread, else NULL. */
sim_world_t *sim_world_current(void);
/* A number unique to w among the worlds of this process (never 0): state a
 * program keeps in static storage across runs (per-run counters,
 * per-thread slots) compares it to notice a new run. */
uint64_t sim_world_generation(const sim_world_t *w);

sim_result_t sim_world_result(const sim_world_t *w);
/* Violation / deadlock / replay error text ("" if none). */
const char *sim_world_message(const sim_world_t *w);
/* The text log (NUL-terminated; "" when logging is off). */
const char *sim_world_log(const sim_world_t *w, size_t *len);
/* Every decision taken, in order: values[i] < bounds[i] (the number of
 * alternatives).  Feed values (and bounds) to SIM_DECIDE_REPLAY to replay.
 * Both arrays stay owned by the world. */
size_t sim_world_decisions(const sim_world_t *w, const uint32_t **values,
                           const uint32_t **bounds);
/* For each decision of sim_world_decisions(): what the default policy
 * (keep the current thread if it is runnable, else the lowest id; value 0)
 * would have chosen there.  A thread decision whose value differs from dflt
 * while current_runnable is a preemption.  Owned by the world. */
typedef struct {
    uint32_t dflt;
    bool thread;           /* a thread pick (else a value choice) */
    bool current_runnable; /* thread pick: the running thread could go on */
    bool commit;           /* value choice: a store-buffer commit at site */
    /* Its key (see sim_keyed_decision_t): thread id (0: none), its event
     * count, the ordinal at that key (first form); chosen: thread pick's
     * thread id.  site: the scheduling point or value source it was taken
     * at (its label); the per-label ordinal is counted afterwards
     * (sim_label_ords_t).  Ordered, and the labelled key kept to 32-bit
     * counts, so that the record stays at 48 bytes: one is written per
     * decision. */
    int key_thread;
    uint32_t key_ordinal;
    uint64_t key_events;
    int chosen;
    uint32_t key_prog;  /* labelled key: its program steps */
    uint32_t key_wakes; /* labelled key: clock anchors since that step */
    uint32_t key_since; /* labelled key: events since the last of either */
    const sim_site_t *site;
} sim_decision_info_t;

/* The label of a decision taken at site (commit: a store-buffer commit
 * choice there), written to buf: "func:op:object" with the object reduced
 * to its last identifier ("&ctx->notify_me" -> "notify_me"), missing parts
 * left out, characters [A-Za-z0-9_:.-] only.  Returns buf. */
char *sim_site_label(const sim_site_t *site, bool commit, char *buf, size_t size);

/* Per-label decision ordinals: feed every decision of a run in order (its
 * key thread, program steps and events since, its site); each call returns
 * the decision's ordinal among decisions with the same label since its key
 * thread's key last changed.  The encoder (after a run) and SIM_DECIDE_KEYED
 * (during one) use the same counter, so they agree by construction.
 * Labels are interned: equal text, equal pointer. */
typedef struct sim_label_ords sim_label_ords_t;
sim_label_ords_t *sim_label_ords_new(void);
void sim_label_ords_free(sim_label_ords_t *o);
/* The interned label of (site, commit); valid until o is freed. */
const char *sim_label_ords_label(sim_label_ords_t *o, const sim_site_t *site, bool commit);
/* Counts a decision with interned label at (thread id, events). */
uint32_t sim_label_ords_take(sim_label_ords_t *o, int thread, uint64_t prog, uint32_t wakes,
                             uint64_t since, const char *label);
/* The name of the thread with this id ("" if none). */
const char *sim_world_thread_name_of(const sim_world_t *w, int id);
const sim_decision_info_t *sim_world_decision_info(const sim_world_t *w);
uint64_t sim_world_steps(const sim_world_t *w);
/* The run's step limit (options.max_steps; 0: none). */
uint64_t sim_world_max_steps(const sim_world_t *w);
int64_t sim_world_now_ns(const sim_world_t *w);
/* The run-stable name the log uses for a user_data value: the number itself
 * below 2^20, else "#<n>" (a fresh n for each life of the value: a name is
 * retired when its CQE is reaped).  Use it in violation messages instead of
 * printing pointers, which differ from process to process (ASLR) and break
 * byte-for-byte replay of the log.  Returns buf. */
const char *sim_world_ud_name(sim_world_t *w, uint64_t ud, char buf[24]);
/* " threads: name: runnable; name: ppoll(...); ..." for every live thread
 * (malloc'd; free() it).  For violation reports. */
char *sim_world_thread_states(const sim_world_t *w);
/* Threads created and not yet exited, the caller included (end-of-run
 * hygiene: a workload's main thread expects only itself). */
int sim_world_live_threads(const sim_world_t *w);
/* 64-bit FNV-1a of the text log: a cheap identity for determinism checks. */
uint64_t sim_world_log_hash(const sim_world_t *w);

/* ------------------------------------------------------------------------
 * Scenario-facing calls (only from simulated threads of the current world,
 * unless noted)
 * ------------------------------------------------------------------------ */
/* Creates a runnable thread (name is copied, truncated to 31 chars).  The
 * handle stays valid until the world is freed.  A scheduling point. */
sim_thread_t *sim_thread_create(sim_world_t *w, const char *name, sim_thread_fn_t *fn,
                                void *arg);
/* Blocks until t exits; returns its return value. */
void *sim_thread_join(sim_thread_t *t);
/* Ends the calling thread (like returning retval from its function). */
_Noreturn void sim_thread_exit(void *retval);
sim_thread_t *sim_thread_self(void);
const char *sim_thread_name(const sim_thread_t *t);
int sim_thread_id(const sim_thread_t *t); /* 1 = main */
/* A daemon thread does not keep the run alive: the run ends OK when only
 * daemons are left (they are unwound), and a daemon blocked forever is not
 * by itself a deadlock.  Typical: the main-loop thread. */
void sim_thread_set_daemon(sim_thread_t *t, bool daemon);

void sim_yield(void); /* a bare scheduling point */
/* A program's sched_yield(): a scheduling point after which, under PCT, the
 * caller ranks below every other thread.  A spin-wait that yields until a
 * lower-priority thread acts (libuv's uv__async_spin) would otherwise never
 * let it run, a starvation no kernel scheduler allows (a false livelock). */
void sim_yield_to_others(void);
void sim_sleep_ns(int64_t ns); /* blocks for ns of virtual time */
int64_t sim_now_ns(void);      /* virtual time since the start */

/* A choice in [0, n) from the decision source, recorded like the others
 * (scenario-level nondeterminism: which vCPU acts, how many requests...). */
uint32_t sim_choose(uint32_t n);

/* Condition variables for scenario code, used with os_mutex_t. */
typedef struct sim_cond {
    uint64_t world_gen; /* the world that initialised it: stale ones reset */
    uint32_t id;
} sim_cond_t;
void sim_cond_init(sim_cond_t *c);
struct os_mutex;
void sim_cond_wait(sim_cond_t *c, struct os_mutex *m);
/* Returns 0, or -ETIMEDOUT after timeout_ns of virtual time. */
int sim_cond_timedwait(sim_cond_t *c, struct os_mutex *m, int64_t timeout_ns);
void sim_cond_signal(sim_cond_t *c); /* wakes the longest waiter */
void sim_cond_broadcast(sim_cond_t *c);

/* Simulated block device: returns its fd (>= SIM_FD_BASE), usable with
 * IORING_OP_READ/WRITE/READV/WRITEV and os_fd_close().  Each request's
 * latency is a decision in [lat_min_ns, lat_max_ns] (16 evenly spaced
 * values, so a fuzzer byte covers the range).  Unwritten bytes read as a
 * deterministic pattern (sim_blkdev_pattern()); writes are stored. */
int sim_blkdev_create(sim_world_t *w, uint64_t size_bytes, int64_t lat_min_ns,
                      int64_t lat_max_ns);
/* Fills buf with what the device fd holds at [offset, offset+len)
 * (pattern overlaid with writes).  -EBADF if fd is not a block device. */
int sim_blkdev_expected(sim_world_t *w, int fd, uint64_t offset, void *buf, size_t len);
/* Compares buf with what the device fd holds at [offset, offset+len),
 * without a copy: 0 when they are equal, 1 when they differ, -EBADF or
 * -EINVAL as sim_blkdev_expected(). */
int sim_blkdev_verify(sim_world_t *w, int fd, uint64_t offset, const void *buf, size_t len);
/* The pattern byte of the device fd at offset (independent of writes). */
uint8_t sim_blkdev_pattern(int fd, uint64_t offset);

/* eventfd with full counter semantics (the shim's os_eventfd_* only add 1
 * and drain), for tests and the conformance suite.  new: a counter starting
 * at initial; write: 0, -EAGAIN if the counter would pass UINT64_MAX - 1,
 * -EINVAL for UINT64_MAX; read: 0 and the value (the counter is reset), or
 * -EAGAIN when it is zero.  Scheduling points. */
int sim_eventfd_new(uint64_t initial);
int sim_eventfd_write(int fd, uint64_t value);
int sim_eventfd_read(int fd, uint64_t *value);

/* Monitor events: logged as "monitor <tag> obj=<object> val=<value>" and
 * passed to on_event as SIM_EV_MONITOR.  Not a scheduling point. */
void sim_monitor_event(sim_world_t *w, const char *tag, int64_t object, int64_t value);
/* Flags a violation (the first message is kept) and stops the run: it ends
 * at the calling thread's next scheduling point (at once if called from the
 * host, e.g. an on_event hook run while time advances).  Usable from hooks. */
void sim_violation(sim_world_t *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Ends the run with SIM_RESULT_OK at the caller's next scheduling point;
 * every thread still alive is unwound. */
void sim_finish(sim_world_t *w);
/* Registers fn(arg) to run once the run has ended and every thread is
 * unwound, before sim_world_run() returns (LIFO order).  The world is still
 * current, but there is no simulated thread: shim calls do not block there
 * (atomics are plain, ppoll returns 0, mutexes are taken unconditionally).
 * Use it to free loop objects that a killed thread would have freed. */
void sim_defer(sim_world_t *w, void (*fn)(void *arg), void *arg);

/* glib: g_main_context_set_poll_func(ctx, sim_g_poll_func) makes glib poll
 * through the simulated ppoll (timeout in ms, -1 = infinite).  Real fds in
 * the array (glib's own wakeup eventfd) are never ready. Declared with
 * plain types to keep glib out of this header: matches GPollFunc. */
struct _GPollFD;
int sim_g_poll_func(struct _GPollFD *ufds, unsigned nfds, int timeout_ms);

/* ------------------------------------------------------------------------
 * Object names (reports, timelines): "BQL", "main-ctx notifier"...
 * ------------------------------------------------------------------------ */
typedef enum { SIM_OBJ_MUTEX, SIM_OBJ_EVENTFD, SIM_OBJ_RING } sim_obj_kind_t;
/* The next object of this kind that the calling simulated thread creates
 * (os_mutex_init, os_eventfd_new, os_uring_init) is called name; several
 * calls queue names in creation order.  Not a scheduling point. */
void sim_name_next(sim_obj_kind_t kind, const char *name);
/* Drops the calling thread's queued names that no creation took. */
void sim_name_forget_pending(void);
/* A named object's name, or NULL: mutex by id (as logged), eventfd and ring
 * by fd. */
const char *sim_world_object_name(const sim_world_t *w, sim_obj_kind_t kind, int64_t key);
/* "BQL = mutex id=4, main-ctx notifier = eventfd fd=1048579, ..." for every
 * named object of the run (malloc'd; free() it).  A legend for the log,
 * whose lines keep the ids so that log hashes do not depend on names. */
char *sim_world_names_legend(const sim_world_t *w);

/* The shim's scheduling point (also called by every shim atomic). */
void sim_sched_point(void);
/* The same, at a named site: decisions taken there are keyed to its label
 * (sim_keyed_decision_t).  site must outlive the world (a static). */
void sim_sched_point_at(const sim_site_t *site);

#ifdef __cplusplus
}
#endif
#endif
