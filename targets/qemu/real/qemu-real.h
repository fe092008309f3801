/*
 * qemu-real.h - the real-thread reproducers' shared pieces: the stand-in
 * main loop (main-loop.c), the iteration runner with its watchdog
 * (harness.c) and the reproducers (repro-*.c).
 */
#ifndef WAKESIM_QEMU_REAL_H
#define WAKESIM_QEMU_REAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct AioContext AioContext;

void real_set_main_context(AioContext *ctx);

/* ---- time and nudges ---- */
int64_t real_now_ns(void);
void real_sleep_us(int64_t us);
/* Wait until *flag is true or timeout_ms passes: whether it became true. */
bool real_wait_flag(const volatile bool *flag, int64_t timeout_ms);

/* ---- the main loop (main-loop.c) ---- */
/* Called by the main-loop thread between dropping the BQL and ppoll, with
 * the timeout it is about to sleep for (ms, -1 = none). */
typedef void real_before_poll_fn(int timeout_ms, void *opaque);

AioContext *real_main_loop_start(void);
void real_main_loop_set_hook(real_before_poll_fn *fn, void *opaque);
/* Wake the main loop through glib's own wakeup fd (not QEMU's notifier). */
void real_main_loop_kick(void);
void real_main_loop_stop(void);
pid_t real_main_loop_tid(void);

/* ---- the runner (harness.c) ---- */
typedef enum { REAL_OK, REAL_BUG, REAL_SKIP } real_outcome_t;

typedef struct {
    int iterations;
    int watchdog_ms;
    const char *nudge; /* reproducer-specific: how its threads are timed */
    bool verbose;
} real_opts_t;

typedef real_outcome_t real_iter_fn(const real_opts_t *o, int iter, void *state);

/* Waits for a child process, killing it after watchdog_ms: its wait
 * status, or -1 when the watchdog killed it. */
int real_reap_child(pid_t pid, int watchdog_ms);

/* Runs fn iterations times; prints the summary line; exit status. */
int real_run(const char *name, const real_opts_t *o, real_iter_fn *fn, void *state);

/* ---- a memory cgroup at its limit (memcg.c) ---- */
/* NULL, or why the group cannot be had. */
const char *real_memcg_create(void);
bool real_memcg_confine(pid_t tid, long long headroom);
bool real_memcg_lift(void);
void real_memcg_remove(void);
/* Creates and removes a group; false, having printed the SKIP line, when
 * none can be made (the caller returns 77). */
bool real_memcg_probe(const char *name, const char *whom);

int repro_rearm(const real_opts_t *o);
int repro_eagain(const real_opts_t *o);
int repro_timer(const real_opts_t *o);
int repro_sibling(const real_opts_t *o);
int repro_refused(const real_opts_t *o);

#endif
