/* test-fiber.c - raw fibers: host <-> fiber ping-pong, fiber <-> fiber
 * switches, and unwinding a suspended fiber for good. */
#include "sim-test.h"
#include "sim-int.h"

#include <time.h>

static sim_fiber_t host, fa, fb;
static long counter;
static bool kill_a;

enum { ROUNDS = 100000 };

static void fiber_a(void *arg)
{
    (void)arg;
    for (;;) {
        counter++;
        sim_fiber_switch(&fa, &fb);
        if (kill_a)
            sim_fiber_exit(&fa, &host);
    }
}

static void fiber_b(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        ASSERT_EQ(counter, i + 1);
        sim_fiber_switch(&fb, &fa);
    }
    sim_fiber_exit(&fb, &host);
}

static bool stop_pp;

static void fiber_pingpong(void *arg)
{
    long *n = arg;
    for (;;) {
        (*n)++;
        sim_fiber_switch(&fa, &host);
        if (stop_pp)
            sim_fiber_exit(&fa, &host);
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
    /* host <-> fiber */
    long n = 0;
    ASSERT_EQ(sim_fiber_create(&fa, &host, fiber_pingpong, &n), 0);
    double t0 = now_s();
    for (int i = 0; i < ROUNDS; i++)
        sim_fiber_switch(&host, &fa);
    double dt = now_s() - t0;
    ASSERT_EQ(n, ROUNDS);
    printf("host<->fiber round trip: %.1f ns\n", dt * 1e9 / ROUNDS);
    /* Unwind the suspended fiber: resume it once with the stop flag. */
    stop_pp = true;
    sim_fiber_switch(&host, &fa);
    ASSERT_EQ(n, ROUNDS);
    sim_fiber_release(&fa);

    /* fiber <-> fiber, then unwind the one left suspended */
    counter = 0;
    ASSERT_EQ(sim_fiber_create(&fa, &host, fiber_a, NULL), 0);
    ASSERT_EQ(sim_fiber_create(&fb, &host, fiber_b, NULL), 0);
    sim_fiber_switch(&host, &fa); /* returns when fb exits */
    ASSERT_EQ(counter, ROUNDS + 1);
    kill_a = true;
    sim_fiber_switch(&host, &fa); /* fa exits for good */
    sim_fiber_release(&fa);
    sim_fiber_release(&fb);
    printf("ok\n");
    return 0;
}
