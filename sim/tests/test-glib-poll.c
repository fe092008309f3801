/* test-glib-poll.c - a real GMainContext on a simulated thread polls through
 * sim_g_poll_func: a simulated eventfd watched by a glib fd source wakes it;
 * glib's own (real) wakeup fd in the poll array is ignored. */
#include "sim-test.h"
#include "aio-os.h"

#include <glib.h>
#include <glib-unix.h>

static int efd;
static int fired;

static gboolean on_readable(gint fd, GIOCondition cond, gpointer data)
{
    (void)data;
    ASSERT_EQ(fd, efd);
    ASSERT(cond & G_IO_IN);
    ASSERT_EQ(os_eventfd_drain(fd), 1);
    fired++;
    return G_SOURCE_CONTINUE;
}

static void *kicker(void *arg)
{
    (void)arg;
    sim_sleep_ns(3000000);
    os_eventfd_signal(efd);
    return NULL;
}

static void *scenario(void *arg)
{
    (void)arg;
    GMainContext *ctx = g_main_context_new();
    g_main_context_set_poll_func(ctx, sim_g_poll_func);
    efd = os_eventfd_new();
    GSource *src = g_unix_fd_source_new(efd, G_IO_IN);
    g_source_set_callback(src, (GSourceFunc)(void (*)(void))on_readable, NULL, NULL);
    g_source_attach(src, ctx);
    sim_thread_t *k = sim_thread_create(sim_world_current(), "kicker", kicker, NULL);
    while (!fired)
        g_main_context_iteration(ctx, TRUE);
    ASSERT_GE(sim_now_ns(), 3000000);
    sim_thread_join(k);
    /* nothing ready: a non-blocking iteration returns without dispatching */
    ASSERT(!g_main_context_iteration(ctx, FALSE));
    g_source_destroy(src);
    g_source_unref(src);
    g_main_context_unref(ctx);
    os_fd_close(efd);
    return NULL;
}

int main(void)
{
    sim_options_t o = test_options(2);
    sim_world_t *w = test_run(&o, scenario, NULL);
    ASSERT_RESULT(w, SIM_RESULT_OK);
    ASSERT_EQ(fired, 1);
    sim_world_free(w);
    printf("ok\n");
    return 0;
}
