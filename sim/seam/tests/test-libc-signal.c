/* test-libc-signal.c - a signal handler is the host's even when it lands on
 * a simulated thread: the clock it reads is real time and a mutex it takes
 * is the C library's (libFuzzer's -timeout alarm does both).  The program
 * sees its own handler and flags in oldact; the simulated thread around
 * the handler keeps its virtual clock, and its run replays byte for byte. */
#include "sim-test.h"

#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int64_t ns_of(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t host_mono_ns; /* CLOCK_MONOTONIC on the host before the run */
static pthread_mutex_t host_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t fired;
static int64_t seen_mono_ns, seen_real_s;
static int seen_lock_word;

/* What libFuzzer's alarm does: read the clocks, take a std::mutex. */
static void on_signal(int sig)
{
    (void)sig;
    seen_mono_ns = ns_of(CLOCK_MONOTONIC);
    seen_real_s = ns_of(CLOCK_REALTIME) / 1000000000;
    pthread_mutex_lock(&host_lock);
    seen_lock_word = host_lock.__data.__lock; /* non-zero: the C library locked it */
    pthread_mutex_unlock(&host_lock);
    fired++;
}

static void on_signal_info(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    on_signal(sig);
}

static void expect_host_view(void)
{
    ASSERT_GE(seen_mono_ns, host_mono_ns);
    ASSERT_LT(seen_mono_ns - host_mono_ns, 60 * (int64_t)1000000000);
    int64_t real_s = (int64_t)time(NULL); /* vDSO: never virtual */
    ASSERT(seen_real_s <= real_s && seen_real_s >= real_s - 60);
    ASSERT_NE(seen_lock_word, 0);
}

static void *scenario(void *arg)
{
    (void)arg;
    int64_t before = ns_of(CLOCK_MONOTONIC); /* virtual: the world's clock */
    /* A real SIGALRM 1 ms from now, delivered on this fiber's stack. */
    struct itimerval it = { .it_value = { 0, 1000 } };
    fired = 0;
    ASSERT_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
    while (!fired)
        pause();
    expect_host_view();
    /* signal() and raise(), BSD-style handler. */
    fired = 0;
    seen_lock_word = 0;
    raise(SIGUSR1);
    ASSERT_EQ(fired, 1);
    expect_host_view();
    /* Back on the simulated thread: virtual time again. */
    int64_t after = ns_of(CLOCK_MONOTONIC);
    ASSERT(after >= before && after - before < 1000000000);
    ASSERT_LT(after, host_mono_ns);
    return NULL;
}

static uint64_t run_once(void)
{
    sim_options_t o;
    sim_options_init(&o);
    sim_world_t *w = sim_world_new(&o);
    sim_result_t r = sim_world_run(w, scenario, NULL);
    if (r != SIM_RESULT_OK)
        TEST_FAIL_("%s: %s", sim_result_name(r), sim_world_message(w));
    uint64_t h = sim_world_log_hash(w);
    sim_world_free(w);
    return h;
}

int main(void)
{
    struct sigaction sa = { .sa_sigaction = on_signal_info,
                            .sa_flags = SA_SIGINFO | SA_RESTART };
    sigemptyset(&sa.sa_mask);
    struct sigaction old;
    ASSERT_EQ(sigaction(SIGALRM, &sa, NULL), 0);
    ASSERT_EQ(sigaction(SIGALRM, NULL, &old), 0);
    ASSERT(old.sa_sigaction == on_signal_info);
    ASSERT_EQ(old.sa_flags & (SA_SIGINFO | SA_RESTART), SA_SIGINFO | SA_RESTART);

    ASSERT(signal(SIGUSR1, on_signal) == SIG_DFL);
    ASSERT_EQ(sigaction(SIGUSR1, NULL, &old), 0);
    ASSERT(old.sa_handler == on_signal);
    ASSERT_EQ(old.sa_flags & SA_SIGINFO, 0);
    ASSERT(signal(SIGUSR1, on_signal) == on_signal);
    ASSERT_EQ(sigaction(SIGKILL, &sa, NULL), -1); /* refused, and nothing recorded */

    host_mono_ns = ns_of(CLOCK_MONOTONIC);
    ASSERT_GT(host_mono_ns, 1000000000); /* the test's premise: virtual time starts at 0 */
    uint64_t a = run_once(), b = run_once();
    ASSERT_EQ(a, b);

    ASSERT(signal(SIGUSR1, SIG_DFL) == on_signal);
    ASSERT_EQ(sigaction(SIGALRM, NULL, &old), 0);
    ASSERT(old.sa_sigaction == on_signal_info);
    printf("libc signal seam: handlers on a simulated thread read real time, "
           "take real mutexes; runs replay byte for byte\n");
    return 0;
}
