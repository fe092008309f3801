/*
 * report.c - the violation block (see report.h).  The message is printed
 * whole as well: it holds the monitor's own wording (SQE number, bound).
 */
#include <inttypes.h>
#include "report.h"
#include "shrink.h"

static const char *skip_space(const char *s)
{
    while (s && *s == ' ') {
        s++;
    }
    return s ? s : "";
}

void wk_report_print(FILE *f, const wk_report_t *r, const wk_outcome_t *out)
{
    char *sig = wk_violation_signature(out);
    const char *object = strchr(sig, ' ');
    fprintf(f, "==wakesim== VIOLATION of %s\n", wk_outcome_verdict(out));
    fprintf(f, "  object:       %s\n", object ? object + 1 : "?");
    if (out->late_start_ns >= 0) {
        fprintf(
            f,
            "  times:        handed over at %.3f ms, picked up at %.3f ms (%.3f ms late "
            "work), run ended at %.3f ms virtual\n",
            out->late_start_ns / 1e6, out->late_end_ns / 1e6,
            (out->late_end_ns - out->late_start_ns) / 1e6, out->end_ns / 1e6);
        fprintf(f, "  at start:     %s\n", skip_space(out->states_at_start));
    } else {
        fprintf(f, "  times:        run ended at %.3f ms virtual, %" PRIu64 " steps\n",
                out->end_ns / 1e6, out->steps);
    }
    if (out->states_at_detection) {
        fprintf(f, "  at detection: %s\n", skip_space(out->states_at_detection));
    }
    fprintf(f, "  message:      %s\n", out->message ? out->message : "");
    fprintf(f, "  scenario:     %s (%s), mutants: %s\n", r->scn->name, r->scn->path,
            r->mutants && *r->mutants ? r->mutants : "none (fixed code)");
    fprintf(f, "  seed:         %s\n", r->seed ? r->seed : "?");
    if (r->replay_cmd) {
        fprintf(f, "  replay:       %s\n", r->replay_cmd);
    }
    fprintf(f, "  reproducer:   %s\n", r->reproducer ? r->reproducer : "(none written)");
    g_free(sig);
}
