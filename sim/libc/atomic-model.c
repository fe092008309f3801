/*
 * atomic-model.c - the sequentially consistent model behind
 * atomic-model.h: a scheduling point, then the access with a seq_cst
 * builtin.  Every simulated thread runs on one OS thread, so the builtin's
 * order only matters to the compiler; the interleaving is what the
 * simulator chooses.  On the host (no simulated thread) the scheduling point
 * does nothing and the access is a plain atomic, so instrumented code also
 * runs outside a run.
 */
#include "atomic-model.h"
#include "sim.h"

#define SIZED(size, T, expr) case size: { volatile T *p = (volatile T *)addr; (void)p; expr; } break

uint64_t sim_atomic_load(const volatile void *addr, unsigned size, int mo)
{
    sim_sched_point();
    uint64_t v = 0;
    switch (size) {
    SIZED(1, uint8_t, v = __atomic_load_n(p, __ATOMIC_SEQ_CST));
    SIZED(2, uint16_t, v = __atomic_load_n(p, __ATOMIC_SEQ_CST));
    SIZED(4, uint32_t, v = __atomic_load_n(p, __ATOMIC_SEQ_CST));
    default: { const volatile uint64_t *p = addr; v = __atomic_load_n(p, __ATOMIC_SEQ_CST); }
    }
    return v;
}

void sim_atomic_store(volatile void *addr, unsigned size, uint64_t value, int mo)
{
    sim_sched_point();
    switch (size) {
    SIZED(1, uint8_t, __atomic_store_n(p, (uint8_t)value, __ATOMIC_SEQ_CST));
    SIZED(2, uint16_t, __atomic_store_n(p, (uint16_t)value, __ATOMIC_SEQ_CST));
    SIZED(4, uint32_t, __atomic_store_n(p, (uint32_t)value, __ATOMIC_SEQ_CST));
    SIZED(8, uint64_t, __atomic_store_n(p, value, __ATOMIC_SEQ_CST));
    }
}

#define RMW_CASES(T) \
    switch (op) { \
    case SIM_RMW_XCHG: return __atomic_exchange_n(p, (T)v, __ATOMIC_SEQ_CST); \
    case SIM_RMW_ADD: return __atomic_fetch_add(p, (T)v, __ATOMIC_SEQ_CST); \
    case SIM_RMW_SUB: return __atomic_fetch_sub(p, (T)v, __ATOMIC_SEQ_CST); \
    case SIM_RMW_AND: return __atomic_fetch_and(p, (T)v, __ATOMIC_SEQ_CST); \
    case SIM_RMW_OR: return __atomic_fetch_or(p, (T)v, __ATOMIC_SEQ_CST); \
    case SIM_RMW_XOR: return __atomic_fetch_xor(p, (T)v, __ATOMIC_SEQ_CST); \
    case SIM_RMW_NAND: return __atomic_fetch_nand(p, (T)v, __ATOMIC_SEQ_CST); \
    } \
    return 0

static uint64_t rmw8(volatile uint8_t *p, sim_rmw_op_t op, uint64_t v) { RMW_CASES(uint8_t); }
static uint64_t rmw16(volatile uint16_t *p, sim_rmw_op_t op, uint64_t v) { RMW_CASES(uint16_t); }
static uint64_t rmw32(volatile uint32_t *p, sim_rmw_op_t op, uint64_t v) { RMW_CASES(uint32_t); }
static uint64_t rmw64(volatile uint64_t *p, sim_rmw_op_t op, uint64_t v) { RMW_CASES(uint64_t); }

uint64_t sim_atomic_rmw(volatile void *addr, unsigned size, sim_rmw_op_t op,
                        uint64_t operand, int mo)
{
    sim_sched_point();
    switch (size) {
    case 1: return rmw8(addr, op, operand);
    case 2: return rmw16(addr, op, operand);
    case 4: return rmw32(addr, op, operand);
    default: return rmw64(addr, op, operand);
    }
}

#define CAS(T) do { \
    T e = (T)*expected; \
    bool ok = __atomic_compare_exchange_n((volatile T *)addr, &e, (T)desired, 0, \
                                          __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
    *expected = e; \
    return ok; \
} while (0)

bool sim_atomic_cas(volatile void *addr, unsigned size, uint64_t *expected,
                    uint64_t desired, int mo, int fail_mo)
{
    sim_sched_point();
    switch (size) {
    case 1: CAS(uint8_t);
    case 2: CAS(uint16_t);
    case 4: CAS(uint32_t);
    default: CAS(uint64_t);
    }
}

void sim_atomic_fence(int mo)
{
    /* A fence orders nothing on one OS thread, but it is where a real CPU's
     * store buffer drains: keep it a scheduling point. */
    sim_sched_point();
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
