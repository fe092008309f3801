/*
 * hygiene.c - the end-of-run hygiene monitor (see hygiene.h): the verdicts;
 * the targets count what their contexts hold.
 */
#include "hygiene.h"
#include "invariant.h"

void wk_hygiene_report_leftovers(wk_monitor_t *mon, sim_world_t *w, const char *owner,
                                 const wk_leftovers_t *left)
{
    const wk_leftovers_t *l = left;
    if (l->bhs_scheduled || l->user_sqes_unsubmitted || l->user_cqes_unreaped ||
        l->cqes_unhandled || l->fd_handlers || l->armed_timers || l->blk_requests) {
        wk_monitor_violation(
            mon, w, WK_INV_HYGIENE,
            "%s's context at the end of the run: %u BH(s) still scheduled, %u user "
            "SQE(s) unsubmitted, %u user CQE(s) unreaped, %u reaped CQE(s) unhandled, "
            "%u fd handler(s) and %u armed timer(s) left registered, %s block request(s) "
            "in flight",
            owner, l->bhs_scheduled, l->user_sqes_unsubmitted, l->user_cqes_unreaped,
            l->cqes_unhandled, l->fd_handlers, l->armed_timers,
            l->blk_requests ? "some" : "no");
    }
}

void wk_hygiene_check_threads(wk_monitor_t *mon, sim_world_t *w)
{
    int live = sim_world_live_threads(w);
    if (live > 1) {
        wk_monitor_violation(mon, w, WK_INV_HYGIENE,
                             "%d simulated thread(s) besides main still alive at the end "
                             "of the run",
                             live - 1);
    }
}
