/*
 * genload-int.h - the generated workload's state, shared by its files:
 *   genload.c       the run: features, actors' programs, the loops, checks
 *   genload-time.c  time across scales: think times, timer deadlines and
 *                   device latencies drawn log-uniformly, timer moves and
 *                   clusters
 *   genload-nest.c  callbacks that act: the callback actors, whose steps run
 *                   inside BH, timer, fd and CQE callbacks, nested aio_poll()
 * (and, for the qemu target's optional ops, genload-qemu.c and
 * genload-mainloop.c, which keep their own state)
 * Not part of genload.h's interface.
 */
#ifndef WAKESIM_GENLOAD_INT_H
#define WAKESIM_GENLOAD_INT_H

#include "aio-os.h"
#include "genload.h"
#include "genload-qemu.h"
#include "genload-mainloop.h"
#include "handoff.h"
#include "monitor.h"
#include "threads.h"

#define GEN_MAX_ACTORS 8 /* program actors: vCPUs and workers */
#define GEN_KITS 2       /* callback actors, one per context */
#define GEN_ALL (GEN_MAX_ACTORS + GEN_KITS)
#define GEN_ONESHOTS 3
#define GEN_READS 3
#define GEN_TIMERS 4 /* per actor and context: 0 the plain one, 1.. a cluster */
#define GEN_CHUNK 4096u
#define GEN_READS_PER_ACTOR 4096u /* device space per actor, in chunks */
#define GEN_NOTIFIERS 8           /* eventfds of the loops, at most */
#define GEN_DEV_BANDS 5           /* devices, one latency decade each */

enum { CTX_MAIN = WK_LOOP_MAIN, CTX_IO = WK_LOOP_IO, CTX_N = WK_LOOP_N };
extern const char *const gen_ctx_names[CTX_N];

/* Swarm switches: each run turns a random subset on (value 0 = on, so an
 * empty fuzzer input enables everything). */
enum {
    FEAT_BH,
    FEAT_ONESHOT,
    FEAT_TIMER,
    FEAT_FD,
    FEAT_SQE,
    FEAT_SYNC_POLL,
    FEAT_IOTHREAD,
    FEAT_WORKERS,
    FEAT_BQL_HOLD,
    FEAT_PAUSES,
    FEAT_NEST, /* callbacks act: genload-nest.c */
    FEAT_COUNT
};

/* The coverage map (genload-cov.c): operation x calling thread x phase. */
enum {
    COV_BH_SCHEDULE,
    COV_BH_CANCEL,
    COV_BH_DELETE,
    COV_BH_NEW,
    COV_ONESHOT,
    COV_TIMER_MOD,
    COV_TIMER_DEL,
    COV_FD_SET,
    COV_FD_REMOVE,
    COV_FD_SIGNAL,
    COV_BLK_READ,
    COV_POLL_NB,
    COV_POLL_BLOCKING,
    COV_OP_COUNT
};
enum {
    COV_THR_VCPU_BQL,
    COV_THR_VCPU,
    COV_THR_WORKER,
    COV_THR_MAIN_LOOP,
    COV_THR_IOTHREAD,
    COV_THR_COUNT
};
enum {
    COV_PHASE_BEFORE,
    COV_PHASE_PREPARED,
    COV_PHASE_ASLEEP,
    COV_PHASE_DISPATCHING,
    COV_PHASE_NESTED,
    COV_PHASE_COUNT
};

typedef struct gen gen_t;
typedef struct actor actor_t;

typedef struct {
    actor_t *a;
    int ctx;
    wk_handoff_t ho;
} gen_bh_t;

typedef struct {
    actor_t *a;
    bool busy;
    int ctx;
    wk_handoff_t ho;
} gen_oneshot_t;

/* Which deadlines a firing may serve (genload-time.c): the current one,
 * and any replaced or deleted once it was due (a loop may have taken the
 * timer then).  A deadline replaced before it was due can no longer be
 * served, so a timer that fires at it fires early. */
typedef struct {
    actor_t *a;
    int ctx;
    wk_timer_t *timer;
    wk_timer_watch_t watch;
    int64_t current;      /* INT64_MAX: none */
    int64_t servable_min; /* earliest replaced deadline that was due; INT64_MAX */
    int64_t pending;      /* being set by a call under way; INT64_MAX */
} gen_timer_t;

typedef struct {
    actor_t *a;
    int ctx;
    int fd;
    int handler;      /* 0 none, 1 or 2: which callback is set */
    int64_t added_at; /* sim time the handler was (re)added */
    bool readable;    /* from the eventfd's own events */
    int64_t readable_since;
} gen_fd_t;

typedef struct gen_read gen_read_t;
struct gen_read {
    actor_t *a;
    bool busy, done;
    int ctx;
    int band; /* which device: its latency decade */
    uint64_t offset;
    ssize_t ret;
    gen_read_t *sibling; /* submitted with it: its CQE handler waits for it */
    bool held;           /* a sibling: its slot is kept until the other is done */
    bool self_check;     /* its completion checks it and frees the slot */
    bool buf_used;       /* buf was zeroed: done at the slot's first use */
    char *buf;           /* GEN_CHUNK bytes of gen_t.read_bufs */
    wk_handoff_t ho;     /* iothread path: the BH that submits */
};

struct actor {
    gen_t *g;
    int index;
    bool vcpu;
    int kit;              /* callback actor of that context, else -1 */
    int64_t think_ns;     /* long think time left (genload-time.c) */
    sim_thread_t *thread; /* a program actor's own thread */
    bool bql;             /* it holds the BQL (coverage map) */
    char name[16];
    os_mutex_t lock;
    sim_cond_t cond;
    wk_bh_t *bh[CTX_N];
    gen_bh_t bhrec[CTX_N];
    gen_oneshot_t oneshot[GEN_ONESHOTS];
    gen_timer_t timer[CTX_N][GEN_TIMERS];
    gen_fd_t fd[CTX_N];
    gen_read_t reads[GEN_READS];
    unsigned reads_issued;
};

/* A callback actor (genload-nest.c): its steps run inside the callbacks
 * of one context, which that context's loop serialises (the main context's
 * under the BQL), so its records have one writer.  lock keeps the end of
 * the run from tearing its objects down under a step. */
typedef struct {
    actor_t *a;
    os_mutex_t lock;
    bool stop;       /* the programs ended: callbacks only serve */
    unsigned budget; /* steps left, so no chain of callbacks is endless */
    unsigned depth;  /* > 0 inside a step: no step nests in another */
} gen_kit_t;

struct gen {
    sim_faults_t faults; /* the run's injected faults */
    const scn_t *scn;
    const wk_target_ops_t *ops; /* the event loop under test */
    sim_world_t *w;
    wk_monitor_t mon;
    sim_event_fn_t *user_on_event;
    void *user_opaque;
    bool feat[FEAT_COUNT];
    unsigned span; /* index of the longest delay of the run (genload-time.c) */
    int devfd[GEN_DEV_BANDS];
    unsigned dev_bands; /* devices of the run */
    /* The reads' buffers, GEN_READS per actor, apart from gen_t and not
     * zeroed ahead: most runs use a few of them, and zeroing all 120 KiB
     * (with gen_t, by g_new0) was 6.7% of the generated workload's
     * instructions. */
    char *read_bufs;

    wk_loops_t loops; /* main-loop, iothread: their contexts in loops.ctx[CTX_*] */
    bool ring[CTX_N]; /* the context has an io_uring (SQEs possible) */

    /* What may make a blocking aio_poll return without progress (the poll
     * contract, poll_blocking_checked): operations on each context, bumped
     * before and after each; writes to the eventfds that are not the
     * actors' (the loops' notifiers), and which of those are still
     * undrained, from the event stream. */
    uint64_t ctx_ops[CTX_N];
    uint64_t notifier_signals;
    int64_t notifier_pending[GEN_NOTIFIERS]; /* fds written and not drained; -1 */
    uint64_t timeout_expiries; /* CQEs of io_uring TIMEOUTs that expired, reaped */

    /* Phase of each context's loop, for the coverage map: the workload's
     * callbacks on it running, aio_poll()s of it nested in them, its loop
     * thread in its wait (from the events). */
    unsigned in_cb[CTX_N];
    unsigned nested[CTX_N];
    /* The workload's callbacks run on each context, ever (gen_poll). */
    uint64_t cb_runs[CTX_N];
    bool in_wait[CTX_N];

    unsigned nactors; /* program actors: actors[0..nactors) */
    unsigned nall;    /* and the callback actors after them */
    actor_t actors[GEN_ALL];
    gen_kit_t kit[CTX_N];
    wk_gensurf_t *surf; /* surface = qemu: the thread pool, AIO_WAIT_WHILE */
    wk_genml_t *mloop;  /* main-loop-ops = yes: main-loop timers, qemu_notify_event */
};

#define NS_PER_MS 1000000.0

/* genload-time.c */
void gen_time_draw(gen_t *g);
int64_t gen_time_longest(const gen_t *g);
void gen_think_short(void);
void gen_think(actor_t *a);
int64_t gen_delay(const gen_t *g);
unsigned gen_read_band(const gen_t *g);
void gen_devices_create(gen_t *g);
void gen_timer_mod(actor_t *a, int ctx, unsigned which, int64_t delay_ns);
void gen_timer_del(actor_t *a, int ctx, unsigned which);
void gen_timer_move(actor_t *a, int ctx);
void gen_timer_cluster(actor_t *a, int ctx);
void gen_timer_init(gen_timer_t *t);
/* From the timer's callback, after the watch saw it fire at clock_ns. */
void gen_timer_fired(gen_timer_t *t, int64_t clock_ns);

/* genload.c: operations the callback actors share with the programs */
int gen_pick_ctx(gen_t *g);
void gen_bh_schedule(actor_t *a, int ctx);
void gen_bh_cancel(actor_t *a, int ctx);
void gen_bh_delete_renew(actor_t *a, int ctx);
void gen_bh_oneshot(actor_t *a, int ctx);
void gen_fd_set(actor_t *a, int ctx);
void gen_fd_remove(actor_t *a, int ctx);
gen_read_t *gen_read_slot(actor_t *a, int ctx);
void gen_read_submit(gen_read_t *r);
void gen_read_check(gen_read_t *r);

/* genload-cov.c: op (COV_*) on ctx is about to be called */
bool gen_poll(gen_t *g, int ctx, bool blocking);
void gen_cov(const gen_t *g, int op, int ctx);
void gen_cov_event(gen_t *g, const sim_event_t *ev);

/* genload-nest.c */
void gen_nest_init(gen_t *g);
/* From a callback on context ctx: maybe one step of its callback actor. */
void gen_nest_step(gen_t *g, int ctx);
/* A read's completion with a sibling: waits for it in a nested poll. */
void gen_nest_wait_sibling(gen_read_t *r);
/* The programs ended: callbacks stop acting (waits for a step under way). */
void gen_nest_stop(gen_t *g);

#endif
