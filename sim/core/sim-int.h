/*
 * sim-int.h - the simulator core's internal types (sim/core/).  The layers
 * above it (sim/kernel/kernel.h, sim/seam/libc-int.h) include it; it names
 * nothing of theirs but the opaque per-layer state pointers of the world.
 *
 * Invariants kept by every file:
 *  - All run state lives in struct sim_world; the only process-wide things
 *    are the current-world pointer (thread-local, NULL between runs), the
 *    world generation counter (an ID source) and the fiber stack cache
 *    (memory, unpoisoned before reuse).
 *  - Exactly one fiber runs at a time: either the host (the OS thread's own
 *    stack, running sim_world_run's scheduler loop) or one simulated thread
 *    (w->current).  Kernel-side work (timer expiry, CQE posting) runs on
 *    whichever of them noticed it; it never blocks.
 *  - Everything kernel-visible is reported through sim_emit(), which keeps
 *    the log byte-for-byte deterministic for a given decision sequence.
 */
#ifndef WAKESIM_SIM_INT_H
#define WAKESIM_SIM_INT_H

#include "sim.h"

#include <errno.h>
#include <string.h>

/* ---- fibers (fiber.c) ---- */
typedef struct sim_fiber sim_fiber_t;
struct sim_fiber {
    void *sp;                 /* saved stack pointer while switched out */
    void *fake_stack;         /* ASan fake stack saved while switched out */
    const void *stack_bottom; /* for ASan: the usable stack range */
    size_t stack_size;
    void *mapping;     /* pooled stack (guard page first), or NULL */
    sim_fiber_t *host; /* where a new fiber learns its return bounds */
    void (*fn)(void *arg);
    void *arg;
};

/* Prepares f to run fn(arg) (which must never return) on a pooled stack. */
int sim_fiber_create(sim_fiber_t *f, sim_fiber_t *host, void (*fn)(void *), void *arg);
void sim_fiber_switch(sim_fiber_t *from, sim_fiber_t *to);
/* Leaves "from" for good: its ASan fake stack is destroyed.  Never returns,
 * but is not declared _Noreturn: ASan would precede each call with
 * __asan_handle_no_return, a sigaltstack system call. */
void sim_fiber_exit(sim_fiber_t *from, sim_fiber_t *to);
/* Returns the stack of a fiber that has exited (or never started). */
void sim_fiber_release(sim_fiber_t *f);

/* ---- threads and waits (sched.c) ---- */
typedef enum { SIM_T_RUNNABLE, SIM_T_BLOCKED, SIM_T_EXITED } sim_tstate_t;

typedef enum {
    SIM_WAIT_NONE,
    SIM_WAIT_PPOLL,
    SIM_WAIT_MUTEX,
    SIM_WAIT_COND,
    SIM_WAIT_SLEEP,
    SIM_WAIT_JOIN,
    SIM_WAIT_URING,
    SIM_WAIT_FUTEX, /* libc seam: wait_obj = the futex word */
    SIM_WAIT_COUNT
} sim_wait_kind_t;

const char *sim_wait_kind_name(sim_wait_kind_t k);

/* What a blocked thread waits for, as the deadlock report and
 * sim_world_thread_states print it ("ppoll(nfds=2, ...)"): given by the
 * layer that blocks it (sim_block_described), which alone knows what
 * wait_obj points at.  Writes at most size bytes, NUL included. */
typedef void sim_wait_describe_fn(const sim_thread_t *t, char *buf, size_t size);

struct sim_thread {
    sim_world_t *w;
    int id; /* 1-based, creation order */
    char name[32];
    sim_fiber_t fiber;
    sim_tstate_t state;
    bool started, daemon, killed;
    /* > 0 while the thread releases a context inside glib (retire.c): its
     * seam accesses go straight to memory, as under sc, because glib frees
     * the memory right after finalizers that may store to it. */
    unsigned mem_unbuffered;
    /* A plain store of instrumented code whose hook has run (plainstore.c)
     * and which is not settled yet: its new bytes are in memory, the bytes
     * it overwrote in plain_old.  Only the running thread has one: it is
     * settled before any other thread or the host runs. */
    volatile void *plain_addr;
    uint64_t plain_old;
    uint8_t plain_size;
    sim_wait_kind_t wait;
    const void *wait_obj;                /* mutex, cond, ring, thread, pollfd array... */
    uint64_t wait_arg;                   /* kind-specific (uring: wait_nr; ppoll: nfds) */
    sim_wait_describe_fn *wait_describe; /* NULL: the wait kind's name */
    uint64_t wait_seq;                   /* world-wide order of blocking (FIFO wakeups) */
    uint32_t wait_gen;                   /* bumped at each wake: stale timers ignore it */
    int wake_res;                        /* 0, or -ETIMEDOUT */
    sim_thread_fn_t *fn;
    void *arg, *ret;
    void *home_ctx; /* os_thread_ctx_get/set */
    uint64_t pct_prio;
    /* Store holds (hold.c): armed while the thread has a held store and
     * has not loaded since; then passed over by the thread draws for
     * hold_off more scheduling points of other threads. */
    bool hold_armed;
    uint32_t hold_off;
    int64_t ready_since; /* virtual time it last became ready to run (fair.c) */
    uint64_t n_events;   /* kernel-visible events it emitted: keys decisions */
    /* Program steps: its scenario-level choices (sim_choose()); clock
     * anchors since the last one (a kernel wake, a reap of a CQE the
     * kernel posted: the clock decided when); n_events at the last of
     * either.  Labelled keys count events from there, so a loop whose
     * length depends on virtual time only moves keys up to the thread's
     * next anchor or program step. */
    uint64_t prog_steps, prog_events;
    uint32_t clock_anchors;
    struct sim_libc_thread *libc; /* the libc seam's, opaque here (sim/seam/) */
};

/* Blocks the current thread until sim_wake() or the absolute deadline
 * (virtual ns, -1 = none).  Returns 0 or -ETIMEDOUT; -EDEADLK on the host.
 * Never returns to a thread whose run is ending (it is unwound). */
int sim_block(sim_world_t *w, sim_wait_kind_t kind, const void *obj, uint64_t arg,
              int64_t deadline);
/* sim_block, with what the thread waits for described by describe. */
int sim_block_described(sim_world_t *w, sim_wait_kind_t kind, const void *obj, uint64_t arg,
                        int64_t deadline, sim_wait_describe_fn *describe);
void sim_wake(sim_world_t *w, sim_thread_t *t, int res);
/* t saw the clock act (a kernel wake, a device completion it reaps):
 * labelled keys count its events from here (sim_thread_t.clock_anchors). */
void sim_thread_clock_anchor(sim_thread_t *t);
/* sim_thread_create without its scheduling point: the caller can publish
 * the handle before the new thread may run. */
sim_thread_t *sim_thread_spawn(sim_world_t *w, const char *name, sim_thread_fn_t *fn,
                               void *arg);
/* Wakes every thread blocked with this kind and object; returns how many. */
int sim_wake_all(sim_world_t *w, sim_wait_kind_t kind, const void *obj);
/* Ends the run with r (first caller wins); msg may be NULL. */
void sim_stop(sim_world_t *w, sim_result_t r, const char *msg);
sim_result_t sim_sched_run(sim_world_t *w, sim_thread_fn_t *entry, void *arg);

/* ---- decisions (decide.c) ---- */
typedef struct {
    sim_decide_opts_t o;
    size_t pos;           /* next byte (BYTES) or value (REPLAY) */
    uint64_t rng[4];      /* xoshiro256** state (SEED, PCT) */
    uint64_t *pct_change; /* d-1 change-point step numbers */
    uint32_t *pct_slots;  /* random permutation of k priority slots */
    unsigned pct_created;
    uint32_t *values, *bounds; /* the record */
    sim_decision_info_t *info; /* per decision: what the default would pick */
    /* KEYED: entries used; the current key and its decision ordinals
     * (unlabelled entries), and per-label ordinals (labelled ones) */
    bool *keyed_used;
    sim_label_ords_t *label_ords;
    uint32_t key_prog;  /* labelled key: program steps (as recorded: 32 bits) */
    uint32_t key_wakes; /* labelled key: clock anchors since the last step */
    uint32_t key_since; /* labelled key: events since the last step or anchor */
    const sim_thread_t *key_thread;
    uint64_t key_events;
    uint32_t key_thread_ord, key_value_ord;
    size_t n, cap;
} sim_decider_t;

int sim_decider_init(sim_world_t *w);
void sim_decider_fini(sim_decider_t *d);
/* Picks the next thread among >= 2 runnable ones (records the index). */
sim_thread_t *sim_decide_thread(sim_world_t *w);
/* A value in [0, n), recorded; site says what it is (keyed decisions). */
uint32_t sim_decide_value(sim_world_t *w, uint32_t n, const sim_site_t *site);
/* A store-buffer commit choice in [0, n): 0 = commit nothing.  Like
 * sim_decide_value, but the random strategies draw 0 more often.  With
 * free_value (store holds), they commit only the n_free candidates no
 * hold keeps: free_value(w, i) is the value of the i-th. */
uint32_t sim_decide_commit(sim_world_t *w, uint32_t n, uint32_t n_free,
                           uint32_t (*free_value)(sim_world_t *w, uint32_t i));
#ifndef SIM_COMMIT_ODDS
#define SIM_COMMIT_ODDS 8
#endif
void sim_decide_thread_created(sim_world_t *w, sim_thread_t *t);

/* ---- store holds (hold.c): docs/memory-model.md, "Holding stores" ---- */
/* Whether w's random draws hold stores (hold_stores on, SEED or PCT, a
 * weak model). */
bool sim_hold_enabled(const sim_world_t *w);
/* t buffers a store: whether to hold it (one draw; arms t). */
bool sim_hold_draw(sim_world_t *w, sim_thread_t *t);
/* t read shared memory: an armed t with a held store still buffered is
 * passed over from its next scheduling point. */
void sim_hold_loaded(sim_world_t *w, sim_thread_t *t);
/* Whether t's held stores are kept from the random commit draws. */
static inline bool sim_hold_active(const sim_thread_t *t)
{
    return t->hold_armed || t->hold_off > 0;
}
/* At each scheduling point: counts down the passed-over threads. */
void sim_hold_step(sim_world_t *w);
/* The thread draw of SEED (rng) passing over held-off threads; -1 when no
 * thread is held off, and always for PCT (pct_pick passes them over).  When
 * only held-off threads can run, their holds end first (liveness). */
int64_t sim_hold_pick(sim_world_t *w, bool pct);
/* How many entries of t's buffer are held. */
unsigned sim_memory_thread_held(const sim_world_t *w, const sim_thread_t *t);
/* Called at each scheduling point (PCT change points). */
void sim_decide_step(sim_world_t *w);
/* The current thread yielded to the others (PCT: it drops below them). */
void sim_decide_yielded(sim_world_t *w);

/* ---- the fairness bound (fair.c) ---- */
/* t became ready to run: woken, created, or switched out while runnable. */
void sim_fair_ready(sim_world_t *w, sim_thread_t *t);
/* The runnable thread (not the current one) that has waited opt.fair_ns
 * since it became ready, the longest-waiting first; NULL if none has. */
sim_thread_t *sim_fair_starved(sim_world_t *w);

/* ---- virtual time (clock.c) ---- */
typedef void sim_timer_fn_t(sim_world_t *w, void *obj, uint64_t arg);
typedef struct {
    int64_t when;
    uint64_t seq; /* ties fire in insertion order */
    sim_timer_fn_t *fn;
    void *obj;
    uint64_t arg; /* usually a generation that must still match */
} sim_timer_t;

void sim_timer_add(sim_world_t *w, int64_t when, sim_timer_fn_t *fn, void *obj,
                   uint64_t arg);
bool sim_timer_next(const sim_world_t *w, int64_t *when);
/* Fires every timer due at w->now, as the kernel. */
void sim_timers_fire_due(sim_world_t *w);

/* ---- memory models (memory.c, storebuf.c) ---- */
typedef struct sim_memory sim_memory_t;
/* Allocates w->mem for tso/pso/arm (NULL for sc); -1 on a bad model. */
int sim_memory_init(sim_world_t *w);
void sim_memory_free(sim_world_t *w);
/* Whether g_free is wrapped by retire.c in this executable. */
bool sim_mem_retire_linked(void);
/* The world's model (SIM_MEMORY_SC when w->mem is NULL). */
sim_memory_model_t sim_memory_model(const sim_world_t *w);
/* A system call's scheduling point, labelled by the function that takes it
 * ("os_mutex_lock", "os_ppoll"...): keyed decisions name it so. */
#define SIM_SCHED_POINT_HERE() SIM_SCHED_POINT_NAMED(__func__)
/* The same, labelled fn_name: for an entry point whose scheduling point
 * is taken by the function it calls (os_mutex_lock -> sim_mutex_lock). */
#define SIM_SCHED_POINT_NAMED(fn_name)                                                     \
    sim_sched_point_at(__extension__({                                                     \
        static const sim_site_t sim_here_ = { NULL, fn_name, NULL };                       \
        &sim_here_;                                                                        \
    }))

/* The seam access's scheduling point: like sim_sched_point_at, no drain. */
void sim_mem_sched_point(const sim_site_t *site);
/* Memory itself, inline: every seam access of every model goes through
 * them.  memcpy with a constant size compiles to one move and, unlike a
 * cast, is valid whatever the object's type (bool, unsigned, pointer). */
static inline uint64_t sim_memory_read(const volatile void *p, unsigned size)
{
    const void *q = (const void *)p;
    switch (size) {
    case 1: {
        uint8_t v;
        memcpy(&v, q, 1);
        return v;
    }
    case 2: {
        uint16_t v;
        memcpy(&v, q, 2);
        return v;
    }
    case 4: {
        uint32_t v;
        memcpy(&v, q, 4);
        return v;
    }
    default: {
        uint64_t v;
        memcpy(&v, q, 8);
        return v;
    }
    }
}
static inline void sim_memory_write(volatile void *p, uint64_t bits, unsigned size)
{
    void *q = (void *)p;
    switch (size) {
    case 1: {
        uint8_t v = (uint8_t)bits;
        memcpy(q, &v, 1);
        break;
    }
    case 2: {
        uint16_t v = (uint16_t)bits;
        memcpy(q, &v, 2);
        break;
    }
    case 4: {
        uint32_t v = (uint32_t)bits;
        memcpy(q, &v, 4);
        break;
    }
    default:
        memcpy(q, &bits, 8);
        break;
    }
}
/* Commits every entry of t's buffer in program order. */
void sim_memory_drain(sim_world_t *w, sim_thread_t *t);
void sim_memory_drain_all(sim_world_t *w);
/* t's newest buffered store to exactly [p, p+size): true and *bits. */
bool sim_memory_forward(sim_world_t *w, sim_thread_t *t, const volatile void *p,
                        unsigned size, uint64_t *bits);
void sim_memory_buffer(sim_world_t *w, sim_thread_t *t, volatile void *p, uint64_t bits,
                       unsigned size);
/* The write half of a read-modify-write (arm): buffered like a store, and
 * marked, so that other threads' stores to it wait (sim_memory_claim). */
void sim_memory_buffer_rmw(sim_world_t *w, sim_thread_t *t, volatile void *p, uint64_t bits,
                           unsigned size);
/* Before t writes [p, p+size): every other thread's buffered store to it
 * (only its RMW writes if rmw_only) commits, with every entry of that
 * thread older than it.  Keeps RMWs atomic when their writes are buffered;
 * a no-op unless some buffered RMW or store overlaps. */
void sim_memory_claim(sim_world_t *w, sim_thread_t *t, const volatile void *p,
                      unsigned size, bool rmw_only);
/* t's own buffered stores overlapping [p, p+n) commit, with every older
 * entry of t (a plain access is about to touch them). */
void sim_memory_commit_own(sim_world_t *w, sim_thread_t *t, const volatile void *p,
                           size_t n);
/* t's pending plain store, if any, enters its buffer: memory gets the
 * bytes it overwrote back (plainstore.c). */
void sim_memory_settle(sim_world_t *w, sim_thread_t *t);
/* pso: stores after this commit after every store before it. */
void sim_memory_write_barrier(sim_world_t *w, sim_thread_t *t);
/* True if any buffer holds a store; if t's does. */
bool sim_memory_pending(const sim_world_t *w);
bool sim_memory_thread_pending(const sim_world_t *w, const sim_thread_t *t);
/* One decision: keep the buffers, or commit one of the candidates. */
void sim_memory_commit_choice(sim_world_t *w);

/* ---- log and events (log.c) ---- */
void sim_emit(sim_world_t *w, sim_event_kind_t kind, int64_t object, uint64_t user_data,
              int64_t value, int64_t value2, const char *text);
void sim_log_free(sim_world_t *w);

/* ---- the world (world.c) ---- */
typedef struct {
    void (*fn)(void *);
    void *arg;
} sim_defer_t;

/* The layers above the core, in order.  Each keeps its per-world state
 * behind an opaque pointer of the world, creates it on first use and
 * registers its free function then; sim_world_free frees the highest
 * layer first (the seam before the kernel it uses). */
typedef enum { SIM_LAYER_KERNEL, SIM_LAYER_SEAM, SIM_LAYER_COUNT } sim_layer_t;
typedef void sim_layer_free_fn(sim_world_t *w);
void sim_world_on_free(sim_world_t *w, sim_layer_t layer, sim_layer_free_fn *fn);

/* Work a higher layer does at every scheduling point (after the due
 * timers, before the decision source's step): the io_uring code reports
 * SQEs queued and CQEs reaped in user memory there.  A hook stays for the
 * rest of the run; registering the same one twice is a no-op. */
typedef void sim_step_hook_fn(sim_world_t *w);
enum { SIM_MAX_STEP_HOOKS = 4 };
void sim_world_add_step_hook(sim_world_t *w, sim_step_hook_fn *fn);

/* ---- object names (names.c) ---- */
typedef struct {
    sim_obj_kind_t kind;
    int pending_for; /* thread id whose next creation takes it; 0 = taken */
    int64_t key;     /* mutex: address; eventfd, ring: fd */
    uint32_t id;     /* mutex: its id, once used */
    char name[40];
} sim_obj_name_t;
void sim_name_created(sim_world_t *w, sim_obj_kind_t kind, int64_t key);
void sim_name_mutex_id(sim_world_t *w, const void *addr, uint32_t id);
const char *sim_world_mutex_name_at(const sim_world_t *w, const void *addr);

struct sim_world {
    sim_options_t opt;
    uint64_t gen; /* unique per world in this process */
    sim_result_t result;
    bool ran, running, stopping;
    char *message;

    /* threads (sched.c) */
    sim_thread_t **threads;
    int n_threads;
    size_t cap_threads;
    int n_runnable, live_nondaemon;
    sim_thread_t *current;  /* NULL while the host runs */
    sim_thread_t *next;     /* chosen at a scheduling point */
    sim_thread_t *last_run; /* the thread resumed last (keys host decisions) */
    const sim_site_t *site; /* the scheduling point deciding now (keys decisions) */
    sim_fiber_t host;
    bool kernel_acting; /* events are the kernel's (timer expiry) */
    uint64_t steps;
    uint64_t wait_seq;
    /* The fairness bound (fair.c): no runnable thread starves before
     * fair_due; none can while !fair_armed. */
    int64_t fair_due;
    bool fair_armed;

    int64_t now;         /* virtual ns since the start */
    sim_timer_t *timers; /* binary min-heap on (when, seq) */
    size_t n_timers, cap_timers;
    uint64_t timer_seq;

    sim_decider_t dec;
    sim_memory_t *mem;   /* store buffers; NULL under sc */
    unsigned n_hold_off; /* threads with hold_off > 0 (hold.c) */

    /* log (log.c) */
    char *log;
    size_t log_len, log_cap;
    struct {
        uint64_t ud;
        uint32_t id;
    } * ud_names; /* live user_data names */
    size_t ud_n, ud_cap;
    uint32_t ud_next_id; /* next name; names retire at CQE reap */

    sim_obj_name_t *names;
    size_t n_names, cap_names;

    sim_defer_t *defers;
    size_t n_defers, cap_defers;

    /* at each scheduling point (step in sched.c): a plain array, the hot
     * path calls through it */
    sim_step_hook_fn *step_hooks[SIM_MAX_STEP_HOOKS];
    unsigned n_step_hooks;

    /* the layers above: opaque here, created on first use by their owner */
    struct sim_kernel *kernel; /* sim/kernel/kernel.h */
    struct sim_libc *libc;     /* sim/seam/libc-int.h */
    sim_layer_free_fn *layer_free[SIM_LAYER_COUNT];
};

extern _Thread_local sim_world_t *sim__current_world;

/* Grows *arr (of elem bytes) to hold at least need elements; aborts on OOM
 * (the simulator has no meaningful recovery from it). */
void sim_grow(void **arr, size_t *cap, size_t need, size_t elem);
_Noreturn void sim_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
