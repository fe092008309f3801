/*
 * atomic-model.c - foreign code's atomics on the simulator's memory model
 * (sim-memory.h): the same calls loop/'s seam atomics make, so TSO and PSO
 * store buffers cover instrumented code too.  On the host (no simulated
 * thread) the model's accesses are plain, so instrumented code also runs
 * outside a run.
 */
#include "atomic-model.h"

uint64_t sim_atomic_load(const volatile void *addr, unsigned size, int mo)
{
    return sim_mem_load(addr, size, mo);
}

void sim_atomic_store(volatile void *addr, unsigned size, uint64_t value, int mo)
{
    sim_mem_store(addr, value, size, mo);
}

uint64_t sim_atomic_rmw(volatile void *addr, unsigned size, sim_rmw_op_t op,
                        uint64_t operand, int mo)
{
    return sim_mem_rmw(addr, op, operand, size, mo);
}

bool sim_atomic_cas(volatile void *addr, unsigned size, uint64_t *expected,
                    uint64_t desired, int mo, int fail_mo)
{
    (void)fail_mo;
    uint64_t mask = size >= 8 ? UINT64_MAX : (UINT64_C(1) << (size * 8)) - 1;
    uint64_t want = *expected & mask;
    uint64_t found = sim_mem_cmpxchg(addr, want, desired & mask, size, mo) & mask;
    *expected = found;
    return found == want;
}

void sim_atomic_fence(int mo)
{
    sim_mem_fence(mo);
}
