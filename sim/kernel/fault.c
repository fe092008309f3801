/*
 * fault.c - injected faults (see sim.h): at each call site of a kind, fail
 * with the kind's rate, or exactly at the Nth call in count-down mode.
 *
 * Rates are integer ratios (per mille) resolved by one decision in [0, 1000),
 * so a fuzzer's bytes choose faults as they choose schedules, and a replay
 * injects the same ones.  A kind with rate 0 takes no decision: runs with
 * faults off consume exactly the decisions they did before faults existed.
 */
#include "sim-int.h"

#include <string.h>

static const char *const fault_names[SIM_FAULT_COUNT] = {
    [SIM_FAULT_PPOLL_EINTR] = "ppoll-eintr",
    [SIM_FAULT_ENTER_EINTR] = "enter-eintr",
    [SIM_FAULT_ENTER_EAGAIN] = "enter-eagain",
    [SIM_FAULT_ENTER_EBUSY] = "enter-ebusy",
    [SIM_FAULT_PARTIAL_SUBMIT] = "partial-submit",
    [SIM_FAULT_READ_EIO] = "read-eio",
    [SIM_FAULT_READ_EAGAIN] = "read-eagain",
    [SIM_FAULT_READ_SHORT] = "read-short",
    [SIM_FAULT_URING_INIT] = "uring-init",
    [SIM_FAULT_EVENTFD_EAGAIN] = "eventfd-eagain",
};

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

const char *sim_fault_name(sim_fault_kind_t k)
{
    return (unsigned)k < SIM_FAULT_COUNT ? fault_names[k] : "?";
}

int sim_fault_lookup(const char *name)
{
    for (int i = 0; i < SIM_FAULT_COUNT; i++)
        if (strcmp(name, fault_names[i]) == 0)
            return i;
    return -1;
}

uint64_t sim_world_fault_sites(const sim_world_t *w, sim_fault_kind_t k)
{
    return (unsigned)k < SIM_FAULT_COUNT ? w->fault_sites[k] : 0;
}

uint64_t sim_world_faults_injected(const sim_world_t *w, sim_fault_kind_t k)
{
    return (unsigned)k < SIM_FAULT_COUNT ? w->faults_injected[k] : 0;
}

bool sim_fault(sim_world_t *w, sim_fault_kind_t k)
{
    const sim_faults_t *f = &w->opt.faults;
    uint64_t call = ++w->fault_sites[k];
    bool hit;
    if (f->countdown_n)
        hit = f->countdown_kind == k && f->countdown_n == call;
    else
        /* Value 0 (what a fuzzer's exhausted input and the default policy
         * give) means no fault, so a short input cannot fail every call. */
        hit = f->permille[k] &&
              sim_decide_value(w, 1000, &fault_sites[k]) >= 1000u - f->permille[k];
    if (hit) {
        w->faults_injected[k]++;
        sim_emit(w, SIM_EV_FAULT, k, 0, (int64_t)call, 0, fault_names[k]);
    }
    return hit;
}
