/*
 * atomic-model.h - how an atomic access of foreign code reaches the
 * simulator: one small function per access kind.
 *
 * The TSan-hook runtime (tsan-rt.c) turns every compiler-instrumented atomic
 * into one of these calls.  Each goes to the simulator's memory model
 * (sim-memory.h): a scheduling point, then the access under the run's model
 * (sc, tso, pso or arm), exactly as loop/'s own seam atomics do.  Memory orders
 * are the C11 ones (0 relaxed .. 5 seq_cst); sizes are 1, 2, 4 or 8 bytes.
 */
#ifndef WAKESIM_ATOMIC_MODEL_H
#define WAKESIM_ATOMIC_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include "sim-memory.h"

uint64_t sim_atomic_load(const volatile void *addr, unsigned size, int mo);
void sim_atomic_store(volatile void *addr, unsigned size, uint64_t value, int mo);
/* Returns the old value. */
uint64_t sim_atomic_rmw(volatile void *addr, unsigned size, sim_rmw_op_t op,
                        uint64_t operand, int mo);
/* Compare-and-swap: returns whether it swapped; *expected receives the value
 * found.  Never fails spuriously (weak CAS is strong here). */
bool sim_atomic_cas(volatile void *addr, unsigned size, uint64_t *expected,
                    uint64_t desired, int mo, int fail_mo);
void sim_atomic_fence(int mo);

#endif
