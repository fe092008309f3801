/* invariant.c - the invariant names (see invariant.h). */
#include <string.h>
#include "invariant.h"

static const char *const invariants[] = {
    WK_INV_SQE_SUBMIT, WK_INV_CQE_REAP, WK_INV_HANDOFF, WK_INV_DEADLOCK,
    WK_INV_DEADLINE,   WK_INV_DATA,     WK_INV_HYGIENE, WK_INV_TIMER_EARLY,
    WK_INV_CONTRACT,   WK_INV_LIVELOCK, WK_INV_WAKE,    WK_INV_CRASH,
    WK_INV_BUSY_LOOP,  WK_INV_HEAP,
};

bool wk_invariant_known(const char *name)
{
    for (unsigned i = 0; i < sizeof(invariants) / sizeof(invariants[0]); i++) {
        if (strcmp(invariants[i], name) == 0) {
            return true;
        }
    }
    return false;
}

const char *wk_invariant_list(void)
{
    return WK_INV_SQE_SUBMIT
        ", " WK_INV_CQE_REAP ", " WK_INV_HANDOFF ", " WK_INV_DEADLOCK ", " WK_INV_DEADLINE
        ", " WK_INV_DATA ", " WK_INV_HYGIENE ", " WK_INV_TIMER_EARLY ", " WK_INV_CONTRACT
        ", " WK_INV_LIVELOCK ", " WK_INV_WAKE ", " WK_INV_CRASH ", " WK_INV_BUSY_LOOP
        ", " WK_INV_HEAP;
}
