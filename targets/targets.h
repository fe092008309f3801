/*
 * targets.h - the event loops this binary can drive, each an ops table of
 * sim/harness/target.h.  The harness never names a target: a driver (the
 * command line, a fuzz harness, a benchmark, a test) selects one with
 * wk_target_select() before its first run.
 */
#ifndef WAKESIM_TARGETS_H
#define WAKESIM_TARGETS_H

#include "target.h"

/* loop/, compiled against the simulator: always there. */
extern const wk_target_ops_t wk_target_loop;

/* The targets this binary has: "loop", and "qemu" when built with a QEMU
 * tree.  NULL for an unknown or absent name. */
const wk_target_ops_t *wk_target_find(const char *name);

#endif
