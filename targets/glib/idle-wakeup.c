/*
 * idle-wakeup.c - glib's own wakeup under the simulator.  The main thread
 * runs a GMainLoop on its own GMainContext (g_main_loop_run: glib's
 * prepare/query/poll/check/dispatch, its eventfd GWakeup and its GMutex
 * futexes, all Debian's system libglib, all through wakesim's libc seam).
 * The context has nothing to do but a 500 ms housekeeping timeout, so the
 * loop sleeps in poll().  Three sender threads hand it work:
 *
 *   invoke    g_main_context_invoke(ctx, ...)  (an idle source attached by
 *             glib, which wakes the owning context)
 *   idle      g_idle_source_new + g_source_attach(ctx)
 *   mailbox   a hand-rolled GSource: a mutex-protected counter its
 *             prepare/check look at, then g_main_context_wakeup(ctx)
 *
 * Every item is a hand-off (wakesim/handoff.h) that must be dispatched on
 * the loop within 10 ms.  Built with -DGLIB_MAILBOX_NO_WAKEUP, the mailbox
 * sender forgets g_main_context_wakeup: its item waits for whatever wakes
 * the loop next (another sender's attach, or housekeeping 500 ms later),
 * and the runner reports handoff-latency.  With -DGLIB_MAILBOX_WAKEUP_FIRST
 * it wakes the context before it publishes the item: a loop that runs its
 * next prepare/check before the sender's post sleeps over it, in some
 * schedules only.  Exit 0 when every item ran.
 */
#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <wakesim/handoff.h>

#define BOUND_NS (10 * 1000000LL)
enum { ITEMS = 3, SENDERS = 3 };

static GMainContext *ctx;
static GMainLoop *loop;
static int done; /* items dispatched; touched only on the loop thread */

static void item_done(const char *name, int64_t key)
{
    wakesim_handoff_end(name, key);
    if (++done == ITEMS * SENDERS)
        g_main_loop_quit(loop);
}

/* ---- the hand-rolled mailbox source ----
 * A pthread mutex, not a GMutex: the seam makes its lock and unlock
 * scheduling points, where GMutex's uncontended path is an atomic inside
 * uninstrumented libglib and never one (docs/glib.md). */
static pthread_mutex_t mailbox_lock = PTHREAD_MUTEX_INITIALIZER;
static int mailbox_posted, mailbox_taken;

static gboolean mailbox_ready(void)
{
    pthread_mutex_lock(&mailbox_lock);
    gboolean ready = mailbox_posted > mailbox_taken;
    pthread_mutex_unlock(&mailbox_lock);
    return ready;
}

static gboolean mailbox_prepare(GSource *s, gint *timeout)
{
    (void)s;
    *timeout = -1;
    return mailbox_ready();
}

static gboolean mailbox_check(GSource *s)
{
    (void)s;
    return mailbox_ready();
}

static gboolean mailbox_dispatch(GSource *s, GSourceFunc cb, gpointer data)
{
    (void)s, (void)cb, (void)data;
    pthread_mutex_lock(&mailbox_lock);
    int from = mailbox_taken, to = mailbox_posted;
    mailbox_taken = to;
    pthread_mutex_unlock(&mailbox_lock);
    for (int k = from; k < to; k++)
        item_done("mailbox", k);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs mailbox_funcs = {
    mailbox_prepare, mailbox_check, mailbox_dispatch, NULL, NULL, NULL
};

static void mailbox_post(int key)
{
    wakesim_handoff_begin("mailbox", key, BOUND_NS);
#ifdef GLIB_MAILBOX_WAKEUP_FIRST
    g_main_context_wakeup(ctx);
#endif
    pthread_mutex_lock(&mailbox_lock);
    mailbox_posted++;
    pthread_mutex_unlock(&mailbox_lock);
#if !defined GLIB_MAILBOX_NO_WAKEUP && !defined GLIB_MAILBOX_WAKEUP_FIRST
    g_main_context_wakeup(ctx);
#endif
}

/* ---- idle callbacks: the key travels in the user data ---- */
static gboolean on_invoke(gpointer key)
{
    item_done("invoke", GPOINTER_TO_INT(key));
    return G_SOURCE_REMOVE;
}

static gboolean on_idle(gpointer key)
{
    item_done("idle", GPOINTER_TO_INT(key));
    return G_SOURCE_REMOVE;
}

static void idle_post(int key)
{
    wakesim_handoff_begin("idle", key, BOUND_NS);
    GSource *idle = g_idle_source_new();
    g_source_set_callback(idle, on_idle, GINT_TO_POINTER(key), NULL);
    g_source_attach(idle, ctx);
    g_source_unref(idle);
}

static void invoke_post(int key)
{
    wakesim_handoff_begin("invoke", key, BOUND_NS);
    g_main_context_invoke(ctx, on_invoke, GINT_TO_POINTER(key));
}

/* Sender i posts ITEMS items, 3 ms + i ms apart, so the posts fall both
 * while the loop sleeps and while it is busy with another sender's item. */
static void *sender(void *arg)
{
    intptr_t i = (intptr_t)arg;
    for (int k = 0; k < ITEMS; k++) {
        usleep((useconds_t)(3000 + 1000 * i));
        if (i == 0)
            invoke_post(k);
        else if (i == 1)
            idle_post(k);
        else
            mailbox_post(k);
    }
    return NULL;
}

static gboolean housekeeping(gpointer data)
{
    (void)data;
    return G_SOURCE_CONTINUE;
}

int main(void)
{
    ctx = g_main_context_new();
    loop = g_main_loop_new(ctx, FALSE);
    GSource *mailbox = g_source_new(&mailbox_funcs, sizeof(GSource));
    g_source_attach(mailbox, ctx);
    GSource *tick = g_timeout_source_new(500);
    g_source_set_callback(tick, housekeeping, NULL, NULL);
    g_source_attach(tick, ctx);

    /* Own the context before any sender runs, so their attaches see an
     * owner to wake (as they would once g_main_loop_run has started). */
    g_main_context_acquire(ctx);
    pthread_t t[SENDERS];
    for (intptr_t i = 0; i < SENDERS; i++)
        pthread_create(&t[i], NULL, sender, (void *)i);
    g_main_loop_run(loop);
    g_main_context_release(ctx);
    for (int i = 0; i < SENDERS; i++)
        pthread_join(t[i], NULL);

    printf("glib-idle-wakeup: %d of %d items dispatched\n", done, ITEMS * SENDERS);
    g_source_destroy(tick);
    g_source_unref(tick);
    g_source_destroy(mailbox);
    g_source_unref(mailbox);
    g_main_loop_unref(loop);
    g_main_context_unref(ctx);
    return done == ITEMS * SENDERS ? 0 : 1;
}
