/* test-libc-glib-wakeup.c - glib's own cross-thread wakeup runs on the
 * simulated kernel.  A GMainContext created on a simulated thread gets a
 * simulated eventfd (g_wakeup), polls with glib's default poll function
 * (poll() through the seam), and locks with GMutex (futexes through the
 * seam).  A loop thread sleeps in g_main_context_iteration(ctx, TRUE) with
 * no source and no timeout; g_idle_add-style attach from another simulated
 * thread must wake it (the idle callback runs), and so must
 * g_main_context_wakeup().  A lost wakeup would leave the loop asleep
 * forever: the run would end in DEADLOCK and the test fail. */
#include "sim-test.h"

#include <glib.h>
#include <pthread.h>
#include <time.h>

static GMainContext *ctx;
static int idle_ran, quit, iterations;
static int64_t attached_at, ran_at, woke_at;

static gboolean on_idle(gpointer data)
{
    (void)data;
    idle_ran++;
    ran_at = sim_now_ns();
    return G_SOURCE_REMOVE;
}

static void *loop_thread(void *arg)
{
    (void)arg;
    while (!g_atomic_int_get(&quit)) {
        g_main_context_iteration(ctx, TRUE);
        iterations++;
    }
    woke_at = sim_now_ns();
    return NULL;
}

static void *scenario(void *arg)
{
    (void)arg;
    idle_ran = quit = iterations = 0;
    ctx = g_main_context_new();
    pthread_t loop;
    pthread_create(&loop, NULL, loop_thread, NULL);
    g_usleep(2000); /* the loop is asleep in poll() */
    ASSERT_EQ(iterations, 0);

    /* g_idle_add on ctx, from this thread. */
    GSource *idle = g_idle_source_new();
    g_source_set_callback(idle, on_idle, NULL, NULL);
    attached_at = sim_now_ns();
    g_source_attach(idle, ctx);
    g_source_unref(idle);
    while (!g_atomic_int_get(&idle_ran))
        g_usleep(1000);
    ASSERT_EQ(idle_ran, 1);
    ASSERT_LT(ran_at - attached_at, 1000000); /* woken, not timed out */

    /* The loop is asleep again: g_main_context_wakeup() alone wakes it. */
    g_usleep(2000);
    g_atomic_int_set(&quit, 1);
    int64_t wakeup_at = sim_now_ns();
    g_main_context_wakeup(ctx);
    pthread_join(loop, NULL);
    ASSERT_LT(woke_at - wakeup_at, 1000000);
    g_main_context_unref(ctx);
    return NULL;
}

int main(void)
{
    /* Let glib do its one-time initialisation on the host. */
    g_main_context_unref(g_main_context_new());

    const int runs = 30;
    for (int seed = 1; seed <= runs; seed++) {
        uint64_t hash[2];
        for (int rep = 0; rep < 2; rep++) {
            sim_options_t o;
            sim_options_init(&o);
            o.decide.seed = (uint64_t)seed;
            o.max_time_ns = 10LL * 1000000000;
            sim_world_t *w = sim_world_new(&o);
            sim_result_t r = sim_world_run(w, scenario, NULL);
            if (r != SIM_RESULT_OK)
                TEST_FAIL_("seed %d: %s: %s (reproduce: this test, seed %d)", seed,
                           sim_result_name(r), sim_world_message(w), seed);
            size_t len;
            const char *log = sim_world_log(w, &len);
            if (!strstr(log, "eventfd-signal"))
                TEST_FAIL_("seed %d: glib's wakeup did not reach the simulated eventfd",
                           seed);
            hash[rep] = sim_world_log_hash(w);
            sim_world_free(w);
        }
        if (hash[0] != hash[1])
            TEST_FAIL_("seed %d: two runs differ", seed);
    }
    printf("glib wakeup: g_source_attach (idle) and g_main_context_wakeup wake a "
           "GMainContext asleep in poll, %d seeds, deterministic\n",
           runs);
    return 0;
}
