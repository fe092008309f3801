/*
 * test-litmus.c - the classic litmus tests under the sc, tso, pso and arm
 * memory models, explored exhaustively: every sequence of decisions (thread choices
 * and store-buffer commits) is run once, by a depth-first walk over fuzzer
 * bytes (each decision takes one byte; the bytes after the prefix are 0).
 * The set of final register values is then compared with what each model
 * allows:
 *
 *   SB    x=1; r0=y  ||  y=1; r1=x       r0=r1=0: tso, pso yes; sc no; with
 *                                         a full fence in each thread: no
 *   MP    d=1; f=1   ||  r0=f; r1=d      r0=1,r1=0: pso yes (no barrier),
 *                                         tso no, sc no, pso + wmb no
 *   LB    r0=x; y=1  ||  r1=y; x=1       r0=r1=1: never
 *   IRIW  x=1 || y=1 || r0=x; r1=y || r2=y; r3=x
 *                                         1,0,1,0 (readers disagree on the
 *                                         order of the writes): never (TSO
 *                                         is multi-copy atomic); sampled
 *                                         with 5,000 seeds per model, not
 *                                         enumerated (five threads)
 *   SB+RMW  fetch_add(x); r0=y  ||  y=1; mb; r1=x
 *                                         r0=r1=0: arm only (the RMW's write
 *                                         waits in the buffer); never with
 *                                         a full fence after the RMW
 *   MP+RMW  fetch_add(d); f=1  ||  r0=f; r1=d
 *                                         r0=1,r1=0: arm only (a later store
 *                                         may pass the RMW's write); never
 *                                         with smp_wmb between them
 *   RMW+W   r0=fetch_add(x,1)  ||  x=5;  r1=final x
 *                                         only 0,5 and 5,6: the RMW is
 *                                         atomic in every model
 *   2RMW    r0=fetch_add(x,1)  ||  r1=fetch_add(x,1);  r2=final x
 *                                         only 0,1,2 and 1,0,2
 */
#include "sim-test.h"
#include "aio-atomic.h"
#include "litmus-walk.h"

/* Shared litmus state.  Reset by each run's main thread; the registers are
 * written by their own thread and read by main after joining. */
static unsigned x, y, d, f;
static unsigned reg[4];
static bool fenced;

typedef struct {
    const char *name;
    int n_threads;
    sim_thread_fn_t *fn[4];
    int final_x_reg; /* the register that gets x after the joins, or 0 */
} litmus_t;

/* ---- the programs ---- */

static void *sb0(void *a)
{
    (void)a;
    aio_atomic_set(&x, 1u);
    if (fenced)
        aio_smp_mb();
    reg[0] = aio_atomic_read(&y);
    return NULL;
}
static void *sb1(void *a)
{
    (void)a;
    aio_atomic_set(&y, 1u);
    if (fenced)
        aio_smp_mb();
    reg[1] = aio_atomic_read(&x);
    return NULL;
}

static void *mp0(void *a)
{
    (void)a;
    aio_atomic_set(&d, 1u);
    if (fenced)
        aio_smp_wmb();
    aio_atomic_set(&f, 1u);
    return NULL;
}
static void *mp1(void *a)
{
    (void)a;
    reg[0] = aio_atomic_read(&f);
    reg[1] = aio_atomic_read(&d);
    return NULL;
}

static void *lb0(void *a)
{
    (void)a;
    reg[0] = aio_atomic_read(&x);
    aio_atomic_set(&y, 1u);
    return NULL;
}
static void *lb1(void *a)
{
    (void)a;
    reg[1] = aio_atomic_read(&y);
    aio_atomic_set(&x, 1u);
    return NULL;
}

static void *iriw_wx(void *a)
{
    (void)a;
    aio_atomic_set(&x, 1u);
    return NULL;
}
static void *iriw_wy(void *a)
{
    (void)a;
    aio_atomic_set(&y, 1u);
    return NULL;
}
static void *iriw_r0(void *a)
{
    (void)a;
    reg[0] = aio_atomic_read(&x);
    reg[1] = aio_atomic_read(&y);
    return NULL;
}
static void *iriw_r1(void *a)
{
    (void)a;
    reg[2] = aio_atomic_read(&y);
    reg[3] = aio_atomic_read(&x);
    return NULL;
}

static void *sbr0(void *a)
{
    (void)a;
    aio_atomic_fetch_add(&x, 1u);
    if (fenced)
        aio_smp_mb();
    reg[0] = aio_atomic_read(&y);
    return NULL;
}
static void *sbr1(void *a)
{
    (void)a;
    aio_atomic_set(&y, 1u);
    aio_smp_mb();
    reg[1] = aio_atomic_read(&x);
    return NULL;
}

static void *mpr0(void *a)
{
    (void)a;
    aio_atomic_fetch_add(&d, 1u);
    if (fenced)
        aio_smp_wmb();
    aio_atomic_set(&f, 1u);
    return NULL;
}

static void *rmw_x0(void *a)
{
    (void)a;
    reg[0] = aio_atomic_fetch_add(&x, 1u);
    return NULL;
}
static void *rmw_x1(void *a)
{
    (void)a;
    reg[1] = aio_atomic_fetch_add(&x, 1u);
    return NULL;
}
static void *store_x5(void *a)
{
    (void)a;
    aio_atomic_set(&x, 5u);
    return NULL;
}

static const litmus_t SB = { "SB", 2, { sb0, sb1 } };
static const litmus_t SBR = { "SB+RMW", 2, { sbr0, sbr1 } };
static const litmus_t MPR = { "MP+RMW", 2, { mpr0, mp1 } };
static const litmus_t RMWW = { "RMW+W", 2, { rmw_x0, store_x5 }, 1 };
static const litmus_t RMW2 = { "2RMW", 2, { rmw_x0, rmw_x1 }, 2 };
static const litmus_t MP = { "MP", 2, { mp0, mp1 } };
static const litmus_t LB = { "LB", 2, { lb0, lb1 } };
static const litmus_t IRIW = { "IRIW", 4, { iriw_wx, iriw_wy, iriw_r0, iriw_r1 } };

/* ---- one run ---- */

static void *litmus_main(void *arg)
{
    const litmus_t *l = arg;
    sim_world_t *w = sim_world_current();
    sim_thread_t *t[4];
    x = y = d = f = 0;
    memset(reg, 0xff, sizeof(reg));
    for (int i = 0; i < l->n_threads; i++)
        t[i] = sim_thread_create(w, "litmus", l->fn[i], NULL);
    for (int i = 0; i < l->n_threads; i++)
        sim_thread_join(t[i]);
    if (l->final_x_reg)
        reg[l->final_x_reg] = x; /* every buffer drained at the joins */
    return NULL;
}

/* The registers as one number, 4 bits each, reg[0] lowest. */
static unsigned outcome(int n_regs)
{
    unsigned o = 0;
    for (int i = 0; i < n_regs; i++)
        o |= (reg[i] & 0xf) << (4 * i);
    return o;
}

typedef struct {
    uint64_t runs;
    bool seen[1 << 16];
} explored_t;

static void print_outcomes(const litmus_t *l, sim_memory_model_t m, const char *how,
                           int n_regs, const explored_t *ex)
{
    printf("%-6s %-3s %-8s %8" PRIu64 " executions, outcomes:", l->name,
           sim_memory_model_name(m), how, ex->runs);
    for (unsigned o = 0; o < (1u << (4 * n_regs)); o++)
        if (ex->seen[o]) {
            printf(" ");
            for (int k = 0; k < n_regs; k++)
                printf("%u", (o >> (4 * k)) & 0xf);
        }
    printf("\n");
}

/* The outcome of the run just ended, for litmus_walk. */
static explored_t *walk_ex;
static int walk_regs;
static void note_outcome(void *ctx)
{
    (void)ctx;
    walk_ex->seen[outcome(walk_regs)] = true;
}

/* Runs every decision sequence of l under model m; seen[] gets each final
 * register outcome. */
static void explore(const litmus_t *l, sim_memory_model_t m, bool with_fence, int n_regs,
                    explored_t *ex)
{
    memset(ex, 0, sizeof(*ex));
    fenced = with_fence;
    walk_ex = ex;
    walk_regs = n_regs;
    ex->runs = litmus_walk(m, litmus_main, (void *)l, note_outcome, NULL);
    print_outcomes(l, m, with_fence ? "fenced" : "unfenced", n_regs, ex);
}

/* Runs `seeds` random walks (seeds 1..n) of l under m. */
static void sample(const litmus_t *l, sim_memory_model_t m, int n_regs, uint64_t seeds,
                   explored_t *ex)
{
    memset(ex, 0, sizeof(*ex));
    fenced = false;
    for (uint64_t s = 1; s <= seeds; s++) {
        sim_options_t o;
        sim_options_init(&o);
        o.log_enabled = false;
        o.memory_model = m;
        o.decide.kind = SIM_DECIDE_SEED;
        o.decide.seed = s;
        sim_world_t *w = sim_world_new(&o);
        ASSERT(w);
        sim_result_t r = sim_world_run(w, litmus_main, (void *)l);
        if (r != SIM_RESULT_OK)
            TEST_FAIL_("%s under %s, seed %" PRIu64 ": %s", l->name,
                       sim_memory_model_name(m), s, sim_world_message(w));
        ex->seen[outcome(n_regs)] = true;
        ex->runs++;
        sim_world_free(w);
    }
    print_outcomes(l, m, "sampled", n_regs, ex);
}

#define IRIW_SEEDS 5000

/* Outcome numbers from register values. */
#define OUT2(a, b) ((unsigned)(a) | (unsigned)(b) << 4)
#define OUT4(a, b, c, e) (OUT2(a, b) | OUT2(c, e) << 8)

static explored_t ex;

/* SB: the lost-wakeup shape. */
static void check_store_buffering(void)
{
    explore(&SB, SIM_MEMORY_SC, false, 2, &ex);
    ASSERT(!ex.seen[OUT2(0, 0)]);
    ASSERT(ex.seen[OUT2(0, 1)] && ex.seen[OUT2(1, 0)] && ex.seen[OUT2(1, 1)]);
    explore(&SB, SIM_MEMORY_TSO, false, 2, &ex);
    ASSERT(ex.seen[OUT2(0, 0)]);
    explore(&SB, SIM_MEMORY_TSO, true, 2, &ex);
    ASSERT(!ex.seen[OUT2(0, 0)]);
    ASSERT(ex.seen[OUT2(1, 1)]);
    explore(&SB, SIM_MEMORY_PSO, false, 2, &ex);
    ASSERT(ex.seen[OUT2(0, 0)]);
    explore(&SB, SIM_MEMORY_PSO, true, 2, &ex);
    ASSERT(!ex.seen[OUT2(0, 0)]);

    explore(&SB, SIM_MEMORY_ARM, false, 2, &ex);
    ASSERT(ex.seen[OUT2(0, 0)]);
    explore(&SB, SIM_MEMORY_ARM, true, 2, &ex);
    ASSERT(!ex.seen[OUT2(0, 0)]);
}

/* SB and MP through read-modify-writes: a locked RMW is a full fence on
 * x86 (and in tso and pso), not on ARM; and RMWs stay atomic in every
 * model. */
static void check_rmw(void)
{
    for (int m = SIM_MEMORY_SC; m < SIM_MEMORY_COUNT; m++) {
        explore(&SBR, (sim_memory_model_t)m, false, 2, &ex);
        ASSERT_EQ(ex.seen[OUT2(0, 0)], m == SIM_MEMORY_ARM);
        ASSERT(ex.seen[OUT2(0, 1)] && ex.seen[OUT2(1, 0)] && ex.seen[OUT2(1, 1)]);
        explore(&SBR, (sim_memory_model_t)m, true, 2, &ex);
        ASSERT(!ex.seen[OUT2(0, 0)]);
    }

    for (int m = SIM_MEMORY_SC; m < SIM_MEMORY_COUNT; m++) {
        explore(&MPR, (sim_memory_model_t)m, false, 2, &ex);
        ASSERT_EQ(ex.seen[OUT2(1, 0)], m == SIM_MEMORY_ARM);
        explore(&MPR, (sim_memory_model_t)m, true, 2, &ex);
        ASSERT(!ex.seen[OUT2(1, 0)]);
        ASSERT(ex.seen[OUT2(1, 1)]);
    }

    for (int m = SIM_MEMORY_SC; m < SIM_MEMORY_COUNT; m++) {
        explore(&RMWW, (sim_memory_model_t)m, false, 2, &ex);
        for (unsigned o = 0; o < 256; o++)
            ASSERT_EQ(ex.seen[o], o == OUT2(0, 5) || o == OUT2(5, 6));
        explore(&RMW2, (sim_memory_model_t)m, false, 3, &ex);
        for (unsigned o = 0; o < 4096; o++)
            ASSERT_EQ(ex.seen[o],
                      o == (OUT2(0, 1) | 2u << 8) || o == (OUT2(1, 0) | 2u << 8));
    }
}

/* MP: store-store order. */
static void check_message_passing(void)
{
    explore(&MP, SIM_MEMORY_SC, false, 2, &ex);
    ASSERT(!ex.seen[OUT2(1, 0)]);
    explore(&MP, SIM_MEMORY_TSO, false, 2, &ex);
    ASSERT(!ex.seen[OUT2(1, 0)]);
    ASSERT(ex.seen[OUT2(1, 1)] && ex.seen[OUT2(0, 0)]);
    explore(&MP, SIM_MEMORY_PSO, false, 2, &ex);
    ASSERT(ex.seen[OUT2(1, 0)]);
    explore(&MP, SIM_MEMORY_PSO, true, 2, &ex);
    ASSERT(!ex.seen[OUT2(1, 0)]);
    ASSERT(ex.seen[OUT2(1, 1)]);
    explore(&MP, SIM_MEMORY_ARM, false, 2, &ex);
    ASSERT(ex.seen[OUT2(1, 0)]);
    explore(&MP, SIM_MEMORY_ARM, true, 2, &ex);
    ASSERT(!ex.seen[OUT2(1, 0)]);
}

/* LB: loads are never delayed past later stores. */
static void check_load_buffering(void)
{
    for (int m = SIM_MEMORY_SC; m < SIM_MEMORY_COUNT; m++) {
        explore(&LB, (sim_memory_model_t)m, false, 2, &ex);
        ASSERT(!ex.seen[OUT2(1, 1)]);
        ASSERT(ex.seen[OUT2(0, 0)] && ex.seen[OUT2(0, 1)] && ex.seen[OUT2(1, 0)]);
    }
}

/* IRIW: one global order of stores (multi-copy atomicity).  Five threads
 * are too many to enumerate here, so it is sampled; the sample must reach
 * every one of the 15 allowed outcomes, which shows it covers the space the
 * forbidden one lives in. */
static void check_iriw(void)
{
    for (int m = SIM_MEMORY_SC; m < SIM_MEMORY_COUNT; m++) {
        sample(&IRIW, (sim_memory_model_t)m, 4, IRIW_SEEDS, &ex);
        ASSERT(!ex.seen[OUT4(1, 0, 1, 0)]);
        unsigned allowed = 0;
        for (unsigned o = 0; o < 16; o++) {
            unsigned r0 = o & 1, r1 = o >> 1 & 1, r2 = o >> 2 & 1, r3 = o >> 3 & 1;
            allowed += ex.seen[OUT4(r0, r1, r2, r3)];
        }
        ASSERT_EQ(allowed, 15);
    }
}

int main(void)
{
    check_store_buffering();
    check_rmw();
    check_message_passing();
    check_load_buffering();
    check_iriw();
    return 0;
}
