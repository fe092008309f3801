/*
 * target.c - which target the workloads drive.  The harness knows targets
 * only through their ops tables: a driver selects one (targets/targets.h)
 * before the first run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "target.h"

/* Chosen once by the driver before any run, like the mutant mask. */
static const wk_target_ops_t *selected;

void wk_target_select(const wk_target_ops_t *ops)
{
    selected = ops;
}

const wk_target_ops_t *wk_target_selected(void)
{
    if (!selected) {
        fprintf(stderr, "wakesim: no target selected before a run (wk_target_select)\n");
        exit(2);
    }
    return selected;
}

const char *wk_target_first_missing(const wk_target_ops_t *ops,
                                    const wk_target_op_t *needed, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        void (*fn)(void);
        memcpy(&fn, (const char *)ops + needed[i].offset, sizeof(fn));
        if (!fn) {
            return needed[i].name;
        }
    }
    return NULL;
}
