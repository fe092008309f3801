/*
 * conf-sim.h - the simulator half of the conformance suite: a sequence run
 * by the main thread of a fresh simulated world (the simulated kernel's
 * choices, if any, come from the seed).
 */
#ifndef WAKESIM_CONF_SIM_H
#define WAKESIM_CONF_SIM_H

#include "conf-exec.h"

/* Appends the outcome lines to out.  *log, if not NULL, gets the world's
 * event log (g_free it).  Returns 0, or a negative errno from ring setup. */
int conf_sim_run(const conf_seq_t *s, uint64_t seed, GPtrArray *out, char **log);

#endif
