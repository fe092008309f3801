/* test-monitor.c - the monitor of wakesim/monitor.h gives each verdict
 * from the simulated kernel's events alone, and none on a clean run:
 * deadlock, workload-deadline, handoff-latency (late, and never ended),
 * wake-latency, sqe-submit-latency (late, and never submitted),
 * cqe-reap-latency; the first violation is the verdict. */
#include "sim-test.h"
#define WAKESIM_SIMULATED 1 /* the annotations are live */
#include <wakesim/handoff.h>
#include <wakesim/monitor.h>

#include <liburing.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define MS 1000000LL

static int efd;

static void *blocked_reader(void *arg)
{
    uint64_t v;
    (void)!read(efd, &v, sizeof(v)); /* blocking: nobody writes */
    return NULL;
}

static void *deadlock(void *arg)
{
    efd = eventfd(0, 0);
    pthread_t t;
    pthread_create(&t, NULL, blocked_reader, NULL);
    pthread_join(t, NULL);
    return NULL;
}

static void *too_slow(void *arg)
{
    sleep(2);
    return NULL;
}

static void *handoff_late(void *arg)
{
    wakesim_handoff_begin("job", 7, 5 * MS);
    usleep(20000);
    wakesim_handoff_end("job", 7);
    usleep(1000);
    return NULL;
}

static void *handoff_open(void *arg)
{
    wakesim_handoff_begin("job", 1, 5 * MS);
    usleep(20000);
    return NULL;
}

/* A wakeup lost behind a periodic timer: the hand-off never ends, the loop
 * keeps waking every 100 ms until the deadline. */
static void *handoff_behind_timer(void *arg)
{
    wakesim_handoff_begin("job", 3, 5 * MS);
    for (;;)
        usleep(100000);
    return NULL;
}

static void *writer(void *arg)
{
    usleep(1000); /* the reader blocks first */
    uint64_t one = 1;
    (void)!write(efd, &one, sizeof(one));
    for (int i = 0; i < 20; i++)
        sched_yield(); /* keeps running a while */
    return NULL;
}

static void *woken(void *arg)
{
    efd = eventfd(0, 0);
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    uint64_t v;
    (void)!read(efd, &v, sizeof(v));
    pthread_join(t, NULL);
    return NULL;
}

static void *sqe_late(void *arg)
{
    struct io_uring ring;
    io_uring_queue_init(4, &ring, 0);
    io_uring_prep_nop(io_uring_get_sqe(&ring));
    usleep(20000); /* queued, not submitted */
    io_uring_submit(&ring);
    usleep(1000);
    io_uring_queue_exit(&ring);
    return NULL;
}

static void *sqe_never_submitted(void *arg)
{
    struct io_uring ring;
    io_uring_queue_init(4, &ring, 0);
    io_uring_prep_nop(io_uring_get_sqe(&ring));
    usleep(20000); /* queued, and the program forgets to submit it */
    io_uring_queue_exit(&ring);
    return NULL;
}

/* A late SQE, then a hand-off never ended: the SQE, first, is the verdict. */
static void *two_violations(void *arg)
{
    wakesim_handoff_begin("job", 3, 5 * MS);
    sqe_late(arg);
    return NULL;
}

static void *cqe_late(void *arg)
{
    struct io_uring ring;
    io_uring_queue_init(4, &ring, 0);
    io_uring_prep_nop(io_uring_get_sqe(&ring));
    io_uring_submit(&ring);
    usleep(20000); /* posted, not reaped */
    struct io_uring_cqe *cqe;
    io_uring_wait_cqe(&ring, &cqe);
    io_uring_cqe_seen(&ring, cqe);
    usleep(1000);
    io_uring_queue_exit(&ring);
    return NULL;
}

static void *clean(void *arg)
{
    wakesim_handoff_begin("job", 2, 5 * MS);
    usleep(1000);
    wakesim_handoff_end("job", 2);
    return NULL;
}

/* The verdict of fn under bounds b is invariant (NULL: none), and its
 * message holds detail (NULL: anything). */
static void expect_detail(const char *what, sim_thread_fn_t *fn, wakesim_bounds_t b,
                          const char *invariant, const char *detail)
{
    wakesim_monitor_t *m = wakesim_monitor_new(&b);
    sim_options_t o;
    sim_options_init(&o);
    wakesim_monitor_attach(m, &o);
    sim_world_t *w = sim_world_new(&o);
    sim_world_run(w, fn, NULL);
    wakesim_monitor_finish(m, w);
    const char *got = wakesim_monitor_invariant(m);
    if (invariant ? !got || strcmp(got, invariant) != 0 : got != NULL)
        TEST_FAIL_("%s: expected %s, got %s (%s)", what,
                   invariant ? invariant : "no violation", got ? got : "no violation",
                   wakesim_monitor_message(m));
    if (detail && !strstr(wakesim_monitor_message(m), detail))
        TEST_FAIL_("%s: message without \"%s\": %s", what, detail,
                   wakesim_monitor_message(m));
    printf("%-14s %s\n", what, got ? wakesim_monitor_message(m) : "no violation");
    sim_world_free(w);
    wakesim_monitor_free(m);
}

static void expect(const char *what, sim_thread_fn_t *fn, wakesim_bounds_t b,
                   const char *invariant)
{
    expect_detail(what, fn, b, invariant, NULL);
}

int main(void)
{
    wakesim_bounds_t b = { .sqe_submit_ns = 10 * MS,
                           .cqe_reap_ns = 10 * MS,
                           .wake_ns = 0,
                           .deadline_ns = 1000 * MS };
    expect("deadlock", deadlock, b, "deadlock");
    expect("deadline", too_slow, b, "workload-deadline");
    expect_detail("lost behind timer", handoff_behind_timer, b, "workload-deadline",
                  "open hand-offs: hand-off job key 3 (begun by main) at 0.000 ms (bound "
                  "5.000 ms); threads at the end: main: sleep");
    expect("handoff late", handoff_late, b, "handoff-latency");
    expect("handoff open", handoff_open, b, "handoff-latency");
    expect("sqe late", sqe_late, b, "sqe-submit-latency");
    expect_detail("sqe never", sqe_never_submitted, b, "sqe-submit-latency",
                  "never submitted");
    expect_detail("first wins", two_violations, b, "sqe-submit-latency", "SQE #1 (NOP)");
    expect("cqe late", cqe_late, b, "cqe-reap-latency");
    expect("clean", clean, b, NULL);
    expect("wake ok", woken, b, NULL);
    wakesim_bounds_t tight = b;
    tight.wake_ns = 50; /* below one scheduling step */
    expect("wake late", woken, tight, "wake-latency");
    return 0;
}
