/*
 * main.c - qemu-real: real-thread reproducers of the candidate bugs in
 * QEMU 10.2.2's util/ event loop (docs/qemu.md, the finding sections).
 *
 *   qemu-real REPRO [--iterations N] [--watchdog-ms MS] [--nudge NAME] [-v]
 */
#include "qemu/osdep.h"
#include "qemu/timer.h"

#include "qemu-real.h"

static const struct {
    const char *name;
    int (*fn)(const real_opts_t *o);
    const char *nudges; /* the first is the default */
} repros[] = {
    { "rearm", repro_rearm, "forced none yield sleep" },
    { "eagain", repro_eagain, "memcg none" },
    { "timer", repro_timer, "forced none" },
    { "sibling", repro_sibling, "forced none" },
    { "refused", repro_refused, "memcg" },
};

/* Whether name is one of the space-separated words of list. */
static bool nudge_known(const char *list, const char *name)
{
    g_auto(GStrv) words = g_strsplit(list, " ", -1);
    return g_strv_contains((const gchar *const *)words, name);
}

static int usage(void)
{
    fprintf(stderr, "usage: qemu-real REPRO [--iterations N] [--watchdog-ms MS] "
                    "[--nudge NAME] [-v]\nREPRO:");
    for (size_t i = 0; i < G_N_ELEMENTS(repros); i++) {
        fprintf(stderr, " %s", repros[i].name);
    }
    fprintf(stderr, "\n");
    return 2;
}

static bool parse_int(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v <= 0 || v > 100000000) {
        return false;
    }
    *out = (int)v;
    return true;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        return usage();
    }
    real_opts_t o = { .iterations = 100, .watchdog_ms = 1000 };
    for (int i = 2; i < argc; i++) {
        bool has_arg = i + 1 < argc;
        if (strcmp(argv[i], "-v") == 0) {
            o.verbose = true;
        } else if (strcmp(argv[i], "--iterations") == 0 && has_arg) {
            if (!parse_int(argv[++i], &o.iterations)) {
                return usage();
            }
        } else if (strcmp(argv[i], "--watchdog-ms") == 0 && has_arg) {
            if (!parse_int(argv[++i], &o.watchdog_ms)) {
                return usage();
            }
        } else if (strcmp(argv[i], "--nudge") == 0 && has_arg) {
            o.nudge = argv[++i];
        } else {
            return usage();
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(repros); i++) {
        if (strcmp(argv[1], repros[i].name) == 0) {
            g_autofree char *first =
                g_strndup(repros[i].nudges, strcspn(repros[i].nudges, " "));
            o.nudge = o.nudge ? o.nudge : first;
            if (!nudge_known(repros[i].nudges, o.nudge)) {
                fprintf(stderr, "qemu-real %s: --nudge is one of: %s\n", repros[i].name,
                        repros[i].nudges);
                return 2;
            }
            setvbuf(stdout, NULL, _IOLBF, 0);
            qemu_init_clocks(NULL); /* as QEMU's qemu_init_main_loop() does */
            return repros[i].fn(&o);
        }
    }
    return usage();
}
