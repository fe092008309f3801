/* test-memory.c - the memory-model API (sim-memory.h) access by access:
 * values of every size and operation, store forwarding, what drains a
 * store buffer, the buffer bound, mixed-size accesses, and plain behaviour
 * outside a run.  A single simulated thread takes no commit decisions, so
 * a buffered store stays buffered until something drains it, and a plain
 * (non-seam) read of the variable shows what other threads would see. */
#include "sim-test.h"
#include "sim-memory.h"

static uint32_t x, y;
static uint64_t wide;
static uint8_t narrow;
static uint16_t half;
static uint32_t many[40];
static sim_memory_model_t model;

/* What other threads would read: memory, bypassing the model. */
static uint32_t memory_of(const volatile uint32_t *p)
{
    return *p;
}

/* Buffering and the fences that drain it or not. */
static void check_fences(void)
{
    /* A store is buffered: the thread sees it, memory does not (tso, pso, arm). */
    sim_mem_store(&x, 5, 4, __ATOMIC_RELAXED);
    ASSERT_EQ(sim_mem_load(&x, 4, __ATOMIC_RELAXED), 5);
    ASSERT_EQ(memory_of(&x), model == SIM_MEMORY_SC ? 5 : 0);
    /* A full fence drains it. */
    sim_mem_fence(__ATOMIC_SEQ_CST);
    ASSERT_EQ(memory_of(&x), 5);

    /* Write and acquire fences do not drain. */
    sim_mem_store(&x, 6, 4, __ATOMIC_RELAXED);
    sim_mem_fence(__ATOMIC_RELEASE);
    sim_mem_fence(__ATOMIC_ACQUIRE);
    ASSERT_EQ(memory_of(&x), model == SIM_MEMORY_SC ? 6 : 5);
}

/* What drains besides a full fence: RMWs, seq_cst accesses, system calls. */
static void check_drains(void)
{
    /* A locked operation on another location drains everything first
     * (tso, pso).  Under arm the RMW's write is buffered after the earlier
     * stores, and forwarded to its own thread. */
    ASSERT_EQ(sim_mem_rmw(&y, SIM_RMW_ADD, 3, 4, __ATOMIC_SEQ_CST), 0);
    if (model == SIM_MEMORY_ARM) {
        ASSERT_EQ(memory_of(&x), 5);
        ASSERT_EQ(memory_of(&y), 0);
        ASSERT_EQ(sim_mem_load(&y, 4, __ATOMIC_RELAXED), 3);
        ASSERT_EQ(sim_mem_rmw(&y, SIM_RMW_ADD, 1, 4, __ATOMIC_SEQ_CST), 3);
        ASSERT_EQ(sim_mem_cmpxchg(&y, 4, 3, 4, __ATOMIC_SEQ_CST), 4);
        ASSERT_EQ(memory_of(&y), 0);
        sim_mem_fence(__ATOMIC_SEQ_CST);
    }
    ASSERT_EQ(memory_of(&x), 6);
    ASSERT_EQ(memory_of(&y), 3);

    /* A seq_cst load drains under arm only (an ldar waits for earlier
     * release stores; the x86 mapping puts the fence on the store side). */
    sim_mem_store(&x, 11, 4, __ATOMIC_RELAXED);
    ASSERT_EQ(sim_mem_load(&y, 4, __ATOMIC_SEQ_CST), 3);
    ASSERT_EQ(memory_of(&x), (model == SIM_MEMORY_SC || model == SIM_MEMORY_ARM ? 11 : 6));
    sim_mem_fence(__ATOMIC_SEQ_CST);

    /* A seq_cst store is a store plus a full fence. */
    sim_mem_store(&x, 7, 4, __ATOMIC_SEQ_CST);
    ASSERT_EQ(memory_of(&x), 7);

    /* A system call (here sim_yield, a scheduling point that is not a seam
     * access) drains. */
    sim_mem_store(&x, 8, 4, __ATOMIC_RELEASE);
    ASSERT_EQ(memory_of(&x), model == SIM_MEMORY_SC ? 8 : 7);
    sim_yield();
    ASSERT_EQ(memory_of(&x), 8);
}

/* Forwarding to the storing thread, mixed sizes, the buffer's bound. */
static void check_buffer(void)
{
    /* The newest of several buffered stores to one location is forwarded,
     * and the last one wins in memory. */
    sim_mem_store(&x, 9, 4, __ATOMIC_RELAXED);
    sim_mem_store(&y, 1, 4, __ATOMIC_RELAXED);
    sim_mem_store(&x, 10, 4, __ATOMIC_RELAXED);
    ASSERT_EQ(sim_mem_load(&x, 4, __ATOMIC_RELAXED), 10);
    ASSERT_EQ(sim_mem_load(&y, 4, __ATOMIC_ACQUIRE), 1);
    sim_mem_fence(__ATOMIC_SEQ_CST);
    ASSERT_EQ(memory_of(&x), 10);
    ASSERT_EQ(memory_of(&y), 1);

    /* A load that partly overlaps a buffered store (mixed sizes) drains and
     * reads memory: the right byte either way. */
    sim_mem_store(&x, 0x11223344u, 4, __ATOMIC_RELAXED);
    ASSERT_EQ(sim_mem_load(&x, 1, __ATOMIC_RELAXED), 0x44); /* little-endian */
    ASSERT_EQ(memory_of(&x), 0x11223344u);

    /* The buffer is bounded: the 33rd store commits the oldest. */
    for (int i = 0; i < 33; i++)
        sim_mem_store(&many[i], (uint64_t)i + 1, 4, __ATOMIC_RELAXED);
    ASSERT_EQ(memory_of(&many[0]), 1);
    ASSERT_EQ(memory_of(&many[1]), model == SIM_MEMORY_SC ? 2 : 0);
    sim_mem_fence(__ATOMIC_SEQ_CST);
    ASSERT_EQ(memory_of(&many[32]), 33);
}

static void *single_thread(void *arg)
{
    (void)arg;
    x = y = 0;
    memset(many, 0, sizeof(many));
    check_fences();
    check_drains();
    check_buffer();
    return NULL;
}

/* Every size and operation, with the old value returned and truncation at
 * the access size.  Runs both outside a run and inside one.  Values are read
 * back through the model: under arm the RMWs' writes are still buffered,
 * and forwarded to their own thread. */
static void check_values(void)
{
    sim_mem_store(&narrow, 0xff, 1, __ATOMIC_SEQ_CST);
    ASSERT_EQ(sim_mem_rmw(&narrow, SIM_RMW_ADD, 1, 1, __ATOMIC_SEQ_CST), 0xff);
    ASSERT_EQ(sim_mem_load(&narrow, 1, __ATOMIC_RELAXED), 0); /* wraps at 8 bits */
    ASSERT_EQ(sim_mem_rmw(&narrow, SIM_RMW_SUB, 1, 1, __ATOMIC_SEQ_CST), 0);
    ASSERT_EQ(sim_mem_load(&narrow, 1, __ATOMIC_RELAXED), 0xff);
    sim_mem_store(&half, 0x0f0f, 2, __ATOMIC_SEQ_CST);
    ASSERT_EQ(sim_mem_rmw(&half, SIM_RMW_OR, 0xf000, 2, __ATOMIC_SEQ_CST), 0x0f0f);
    ASSERT_EQ(sim_mem_rmw(&half, SIM_RMW_AND, 0x00ff, 2, __ATOMIC_SEQ_CST), 0xff0f);
    ASSERT_EQ(sim_mem_load(&half, 2, __ATOMIC_RELAXED), 0x000f);
    sim_mem_store(&wide, UINT64_C(0x8000000000000000), 8, __ATOMIC_SEQ_CST);
    ASSERT(sim_mem_rmw(&wide, SIM_RMW_XCHG, 42, 8, __ATOMIC_SEQ_CST) ==
           UINT64_C(0x8000000000000000));
    ASSERT_EQ(sim_mem_load(&wide, 8, __ATOMIC_RELAXED), 42);
    /* cmpxchg: returns what it found; swaps only on a match. */
    ASSERT_EQ(sim_mem_cmpxchg(&wide, 41, 7, 8, __ATOMIC_SEQ_CST), 42);
    ASSERT_EQ(sim_mem_load(&wide, 8, __ATOMIC_RELAXED), 42);
    ASSERT_EQ(sim_mem_cmpxchg(&wide, 42, 7, 8, __ATOMIC_SEQ_CST), 42);
    ASSERT_EQ(sim_mem_load(&wide, 8, __ATOMIC_RELAXED), 7);
    sim_mem_store(&narrow, 0x80, 1, __ATOMIC_SEQ_CST);
    ASSERT_EQ(sim_mem_cmpxchg(&narrow, 0x180, 1, 1, __ATOMIC_SEQ_CST),
              0x80); /* compared at 8 bits */
    ASSERT_EQ(sim_mem_load(&narrow, 1, __ATOMIC_RELAXED), 1);
}

static void *values_thread(void *arg)
{
    (void)arg;
    check_values();
    return NULL;
}

static void run(sim_memory_model_t m, sim_thread_fn_t *fn)
{
    sim_options_t o;
    sim_options_init(&o);
    o.log_enabled = false;
    o.memory_model = m;
    model = m;
    sim_world_t *w = sim_world_new(&o);
    ASSERT(w);
    sim_result_t r = sim_world_run(w, fn, NULL);
    if (r != SIM_RESULT_OK)
        TEST_FAIL_("%s: %s", sim_memory_model_name(m), sim_world_message(w));
    sim_world_free(w);
}

int main(void)
{
    ASSERT_STR_EQ(sim_memory_model_name(SIM_MEMORY_TSO), "tso");
    ASSERT_EQ(sim_memory_model_parse("pso"), SIM_MEMORY_PSO);
    ASSERT_EQ(sim_memory_model_parse("arm"), SIM_MEMORY_ARM);
    ASSERT_EQ(sim_memory_model_parse("power"), -1);
    ASSERT_EQ(sim_memory_model_parse(NULL), -1);

    /* Outside a run the API is plain memory access. */
    check_values();
    sim_mem_store(&x, 3, 4, __ATOMIC_RELAXED);
    ASSERT_EQ(x, 3);

    /* An unknown model is refused, not run. */
    sim_options_t o;
    sim_options_init(&o);
    o.memory_model = (sim_memory_model_t)SIM_MEMORY_COUNT;
    ASSERT(sim_world_new(&o) == NULL);

    for (int m = 0; m < SIM_MEMORY_COUNT; m++) {
        run((sim_memory_model_t)m, single_thread);
        run((sim_memory_model_t)m, values_thread);
    }
    return 0;
}
