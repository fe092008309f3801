/* test-glib-clock.c - glib's clock is virtual on simulated threads and real
 * on the host: g_get_monotonic_time() follows sim_now_ns(), and a glib
 * timeout source polled through sim_g_poll_func fires after its virtual
 * delay, not a real one. */
#include "sim-test.h"
#include "aio-os.h"

#include <glib.h>

static int fired;
static int64_t fired_at_ns;

static gboolean on_timeout(gpointer data)
{
    (void)data;
    fired++;
    fired_at_ns = sim_now_ns();
    return G_SOURCE_REMOVE;
}

static void *scenario(void *arg)
{
    (void)arg;
    int64_t t0 = g_get_monotonic_time();
    ASSERT_EQ(t0, os_clock_ns() / 1000);
    sim_sleep_ns(5000000);
    ASSERT_EQ(g_get_monotonic_time() - t0, 5000);

    GMainContext *ctx = g_main_context_new();
    g_main_context_set_poll_func(ctx, sim_g_poll_func);
    GSource *src = g_timeout_source_new(250);
    g_source_set_callback(src, on_timeout, NULL, NULL);
    g_source_attach(src, ctx);
    int64_t armed_at_ns = sim_now_ns();
    while (!fired) {
        g_main_context_iteration(ctx, TRUE);
    }
    ASSERT_EQ(fired, 1);
    /* glib rounds timeouts to whole ms; allow its 1 ms of slack. */
    ASSERT(fired_at_ns - armed_at_ns >= 250000000);
    ASSERT(fired_at_ns - armed_at_ns <= 252000000);
    g_source_destroy(src);
    g_source_unref(src);
    g_main_context_unref(ctx);
    return NULL;
}

int main(void)
{
    /* On the host, before and after a run: real time, moving forward. */
    int64_t real_before = g_get_monotonic_time();
    ASSERT(real_before > 0);

    sim_options_t o;
    sim_options_init(&o);
    o.clock_base_ns = 1000000000000; /* far from the real clock */
    sim_world_t *w = sim_world_new(&o);
    sim_result_t r = sim_world_run(w, scenario, NULL);
    ASSERT_EQ(r, SIM_RESULT_OK);
    sim_world_free(w);

    int64_t real_after = g_get_monotonic_time();
    /* Real time moved on a little; the virtual base (10^9 us) is far off. */
    ASSERT(real_after >= real_before);
    ASSERT(real_after - real_before < 60 * G_USEC_PER_SEC);
    printf("glib clock: virtual on simulated threads, real on the host\n");
    return 0;
}
