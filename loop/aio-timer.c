/*
 * aio-timer.c - per-context timers on the monotonic clock (through the OS
 * seam).  Mirrors QEMU's timerlist_* in util/qemu-timer.c, reduced to one
 * clock.  Invariant: ctx->timers is sorted by expire_ns and holds exactly
 * the armed timers; a timer that becomes the earliest wakes the context,
 * because its sleeper computed a longer timeout.
 */
#include "aio-internal.h"

int64_t aio_clock_ns(void)
{
    return os_clock_ns();
}

aio_timer_t *aio_timer_new(aio_context_t *ctx, aio_timer_cb_t *cb, void *opaque)
{
    aio_timer_t *t = g_new0(aio_timer_t, 1);
    t->ctx = ctx;
    t->cb = cb;
    t->opaque = opaque;
    t->expire_ns = -1;
    return t;
}

static void timer_unlink_locked(aio_context_t *ctx, aio_timer_t *t)
{
    for (aio_timer_t **p = &ctx->timers; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = NULL;
    t->expire_ns = -1;
}

void aio_timer_mod_ns(aio_timer_t *t, int64_t expire_ns)
{
    aio_context_t *ctx = t->ctx;
    aio_timer_t **p;

    os_mutex_lock(&ctx->timer_lock);
    if (t->expire_ns >= 0) {
        timer_unlink_locked(ctx, t);
    }
    if (expire_ns < 0) {
        expire_ns = 0;
    }
    for (p = &ctx->timers; *p && (*p)->expire_ns <= expire_ns; p = &(*p)->next) {
    }
    t->expire_ns = expire_ns;
    t->next = *p;
    *p = t;
    bool now_earliest = ctx->timers == t;
    os_mutex_unlock(&ctx->timer_lock);

    if (now_earliest && !aio_mutant_on(AIO_MUTANT_TIMER_MOD_NO_NOTIFY)) {
        aio_notify(ctx);
    }
}

void aio_timer_del(aio_timer_t *t)
{
    aio_context_t *ctx = t->ctx;
    os_mutex_lock(&ctx->timer_lock);
    if (t->expire_ns >= 0) {
        timer_unlink_locked(ctx, t);
    }
    os_mutex_unlock(&ctx->timer_lock);
}

void aio_timer_free(aio_timer_t *t)
{
    if (!t) {
        return;
    }
    if (t->ctx) {
        aio_timer_del(t);
    }
    g_free(t);
}

bool aio_timer_pending(aio_timer_t *t)
{
    os_mutex_lock(&t->ctx->timer_lock);
    bool pending = t->expire_ns >= 0;
    os_mutex_unlock(&t->ctx->timer_lock);
    return pending;
}

/* Nanoseconds until the earliest timer (0 if overdue), or -1 if none. */
int64_t aio_timers_deadline_ns(aio_context_t *ctx)
{
    os_mutex_lock(&ctx->timer_lock);
    int64_t expire = ctx->timers ? ctx->timers->expire_ns : -1;
    os_mutex_unlock(&ctx->timer_lock);
    if (expire < 0) {
        return -1;
    }
    int64_t delta = expire - os_clock_ns();
    return delta > 0 ? delta : 0;
}

/* Runs the timers due by now, earliest first.  A callback may re-arm or
 * delete any timer; each iteration re-reads the list head. */
bool aio_timers_run_expired(aio_context_t *ctx)
{
    int64_t now = os_clock_ns();
    bool progress = false;

    for (;;) {
        os_mutex_lock(&ctx->timer_lock);
        aio_timer_t *t = ctx->timers;
        if (!t || t->expire_ns > now) {
            os_mutex_unlock(&ctx->timer_lock);
            break;
        }
        timer_unlink_locked(ctx, t);
        os_mutex_unlock(&ctx->timer_lock);
        t->cb(t->opaque);
        progress = true;
    }
    return progress;
}

/* At context teardown: armed timers are disarmed; their owners free them. */
void aio_timers_detach_all(aio_context_t *ctx)
{
    os_mutex_lock(&ctx->timer_lock);
    while (ctx->timers) {
        timer_unlink_locked(ctx, ctx->timers);
    }
    os_mutex_unlock(&ctx->timer_lock);
}
