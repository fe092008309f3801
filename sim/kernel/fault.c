/*
 * fault.c - injected faults (see sim.h): at each call site of a kind, fail
 * with the kind's rate, or exactly at the Nth call in count-down mode.
 *
 * Rates are integer ratios (per mille) resolved by one decision in [0, 1000),
 * so a fuzzer's bytes choose faults as they choose schedules, and a replay
 * injects the same ones.  A kind with rate 0 takes no decision: runs with
 * faults off consume exactly the decisions they did before faults existed.
 */
#include "kernel.h"

#include <string.h>

/* The decision site of each kind's fault choice (keyed decisions). */
static const sim_site_t fault_sites[SIM_FAULT_COUNT] = {
    [SIM_FAULT_PPOLL_EINTR] = { NULL, "fault", "ppoll_eintr" },
    [SIM_FAULT_ENTER_EINTR] = { NULL, "fault", "enter_eintr" },
    [SIM_FAULT_ENTER_EAGAIN] = { NULL, "fault", "enter_eagain" },
    [SIM_FAULT_ENTER_EBUSY] = { NULL, "fault", "enter_ebusy" },
    [SIM_FAULT_PARTIAL_SUBMIT] = { NULL, "fault", "partial_submit" },
    [SIM_FAULT_READ_EIO] = { NULL, "fault", "read_eio" },
    [SIM_FAULT_READ_EAGAIN] = { NULL, "fault", "read_eagain" },
    [SIM_FAULT_READ_SHORT] = { NULL, "fault", "read_short" },
    [SIM_FAULT_URING_INIT] = { NULL, "fault", "uring_init" },
    [SIM_FAULT_EVENTFD_EAGAIN] = { NULL, "fault", "eventfd_eagain" },
};

uint64_t sim_world_fault_sites(const sim_world_t *w, sim_fault_kind_t k)
{
    return (unsigned)k < SIM_FAULT_COUNT && w->kernel ? w->kernel->fault_sites[k] : 0;
}

uint64_t sim_world_faults_injected(const sim_world_t *w, sim_fault_kind_t k)
{
    return (unsigned)k < SIM_FAULT_COUNT && w->kernel ? w->kernel->faults_injected[k] : 0;
}

bool sim_fault(sim_world_t *w, sim_fault_kind_t k)
{
    const sim_faults_t *f = &w->opt.faults;
    sim_kernel_t *kernel = sim_kernel(w);
    uint64_t call = ++kernel->fault_sites[k];
    bool hit;
    if (f->countdown_n)
        hit = f->countdown_kind == k && f->countdown_n == call;
    else
        /* Value 0 (what a fuzzer's exhausted input and the default policy
         * give) means no fault, so a short input cannot fail every call. */
        hit = f->permille[k] &&
              sim_decide_value(w, 1000, &fault_sites[k]) >= 1000u - f->permille[k];
    if (hit) {
        kernel->faults_injected[k]++;
        sim_emit(w, SIM_EV_FAULT, k, 0, (int64_t)call, 0, sim_fault_name(k));
    }
    return hit;
}
