/*
 * world.c - worlds and runs: options, creation, the run itself, results,
 * violations and end-of-run cleanup.
 */
#include "sim-int.h"

#include <stdlib.h>
#include <string.h>

/* An ID source, not simulation state: lets a mutex tell which world last
 * used it. */
static uint64_t world_gen_counter;

void sim_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return;
    /* Start around 256 bytes: few regrowths in a small run, and little
     * memory for ASan to fill and quarantine. */
    size_t n = *cap ? *cap : (elem < 32 ? 256 / elem : 8);
    while (n < need)
        n *= 2;
    void *p = realloc(*arr, n * elem);
    if (!p)
        sim_fatal("out of memory (%zu x %zu bytes)", n, elem);
    *arr = p;
    *cap = n;
}

_Noreturn void sim_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("wakesim sim: fatal: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

void sim_options_init(sim_options_t *o)
{
    memset(o, 0, sizeof(*o));
    o->decide.kind = SIM_DECIDE_SEED;
    o->decide.pct_depth = 3;
    o->decide.pct_steps = 1000;
    o->decide.pct_threads = 3;
    o->max_steps = 1000000;
    o->max_time_ns = 60ll * 1000000000;
    o->ns_per_step = 100;
    o->log_enabled = true;
}

static const char *decide_name(sim_decide_kind_t k)
{
    switch (k) {
    case SIM_DECIDE_BYTES:
        return "bytes";
    case SIM_DECIDE_SEED:
        return "seed";
    case SIM_DECIDE_PCT:
        return "pct";
    case SIM_DECIDE_REPLAY:
        return "replay";
    case SIM_DECIDE_KEYED:
        return "keyed";
    }
    return "?";
}

void sim_options_print(FILE *f, const sim_options_t *o)
{
    const sim_decide_opts_t *d = &o->decide;
    fprintf(f,
            "sim: decide=%s seed=%llu bytes=%zu pct_depth=%u pct_steps=%llu "
            "pct_threads=%u replay=%zu max_steps=%llu max_time_ns=%lld "
            "ns_per_step=%lld fair_ns=%lld clock_base_ns=%lld log=%d uring_init_error=%d "
            "memory_model=%s\n",
            decide_name(d->kind), (unsigned long long)d->seed, d->bytes_len, d->pct_depth,
            (unsigned long long)d->pct_steps, d->pct_threads, d->replay_len,
            (unsigned long long)o->max_steps, (long long)o->max_time_ns,
            (long long)o->ns_per_step, (long long)o->fair_ns, (long long)o->clock_base_ns,
            o->log_enabled, o->uring_init_error, sim_memory_model_name(o->memory_model));
    const sim_faults_t *ft = &o->faults;
    bool any = ft->countdown_n != 0;
    for (int k = 0; k < SIM_FAULT_COUNT; k++)
        any |= ft->permille[k] != 0;
    if (!any)
        return;
    fprintf(f, "sim: faults");
    for (int k = 0; k < SIM_FAULT_COUNT; k++)
        if (ft->permille[k])
            fprintf(f, " %s=%u/1000", sim_fault_name(k), ft->permille[k]);
    if (ft->countdown_n)
        fprintf(f, " countdown=%s:%llu", sim_fault_name(ft->countdown_kind),
                (unsigned long long)ft->countdown_n);
    fprintf(f, "\n");
}

static const char *const fault_names[SIM_FAULT_COUNT] = {
    [SIM_FAULT_PPOLL_EINTR] = "ppoll-eintr",
    [SIM_FAULT_ENTER_EINTR] = "enter-eintr",
    [SIM_FAULT_ENTER_EAGAIN] = "enter-eagain",
    [SIM_FAULT_ENTER_EBUSY] = "enter-ebusy",
    [SIM_FAULT_PARTIAL_SUBMIT] = "partial-submit",
    [SIM_FAULT_READ_EIO] = "read-eio",
    [SIM_FAULT_READ_EAGAIN] = "read-eagain",
    [SIM_FAULT_READ_SHORT] = "read-short",
    [SIM_FAULT_URING_INIT] = "uring-init",
    [SIM_FAULT_EVENTFD_EAGAIN] = "eventfd-eagain",
};

const char *sim_fault_name(sim_fault_kind_t k)
{
    return (unsigned)k < SIM_FAULT_COUNT ? fault_names[k] : "?";
}

int sim_fault_lookup(const char *name)
{
    for (int i = 0; i < SIM_FAULT_COUNT; i++)
        if (strcmp(name, fault_names[i]) == 0)
            return i;
    return -1;
}

const char *sim_result_name(sim_result_t r)
{
    switch (r) {
    case SIM_RESULT_OK:
        return "ok";
    case SIM_RESULT_VIOLATION:
        return "violation";
    case SIM_RESULT_DEADLOCK:
        return "deadlock";
    case SIM_RESULT_STEP_LIMIT:
        return "step-limit";
    case SIM_RESULT_TIME_LIMIT:
        return "time-limit";
    case SIM_RESULT_REPLAY_ERROR:
        return "replay-error";
    case SIM_RESULT_ERROR:
        return "error";
    }
    return "?";
}

sim_world_t *sim_world_new(const sim_options_t *o)
{
    sim_world_t *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    if (o)
        w->opt = *o;
    else
        sim_options_init(&w->opt);
    w->gen = __atomic_add_fetch(&world_gen_counter, 1, __ATOMIC_RELAXED);
    w->result = SIM_RESULT_OK;
    if (sim_decider_init(w) < 0 || sim_memory_init(w) < 0) {
        sim_decider_fini(&w->dec);
        sim_memory_free(w);
        free(w);
        return NULL;
    }
    return w;
}

static void run_defers(sim_world_t *w)
{
    while (w->n_defers) {
        sim_defer_t d = w->defers[--w->n_defers];
        d.fn(d.arg);
    }
}

sim_result_t sim_world_run(sim_world_t *w, sim_thread_fn_t *entry, void *arg)
{
    if (w->ran || sim__current_world) {
        w->result = SIM_RESULT_ERROR;
        free(w->message);
        w->message =
            strdup(w->ran ? "a world runs only once" : "sim_world_run inside a run");
        return w->result;
    }
    w->ran = true;
    w->running = true;
    sim__current_world = w;
    sim_sched_run(w, entry, arg);
    run_defers(w);
    sim__current_world = NULL;
    w->running = false;
    return w->result;
}

void sim_world_free(sim_world_t *w)
{
    if (!w)
        return;
    if (w->running)
        sim_fatal("sim_world_free during the world's run");
    /* Highest layer first, and before the threads: the seam runs pthread
     * key destructors of thread values. */
    for (int l = SIM_LAYER_COUNT - 1; l >= 0; l--)
        if (w->layer_free[l])
            w->layer_free[l](w);
    for (int i = 0; i < w->n_threads; i++) {
        sim_fiber_release(&w->threads[i]->fiber);
        free(w->threads[i]);
    }
    free(w->threads);
    free(w->names);
    free(w->timers);
    sim_decider_fini(&w->dec);
    sim_memory_free(w);
    sim_log_free(w);
    free(w->defers);
    free(w->message);
    free(w);
}

sim_world_t *sim_world_current(void)
{
    return sim__current_world;
}

uint64_t sim_world_generation(const sim_world_t *w)
{
    return w->gen;
}

sim_result_t sim_world_result(const sim_world_t *w)
{
    return w->result;
}

const char *sim_world_message(const sim_world_t *w)
{
    return w->message ? w->message : "";
}

size_t sim_world_decisions(const sim_world_t *w, const uint32_t **values,
                           const uint32_t **bounds)
{
    if (values)
        *values = w->dec.values;
    if (bounds)
        *bounds = w->dec.bounds;
    return w->dec.n;
}

const char *sim_world_thread_name_of(const sim_world_t *w, int id)
{
    for (int i = 0; i < w->n_threads; i++)
        if (w->threads[i]->id == id)
            return w->threads[i]->name;
    return "";
}

const sim_decision_info_t *sim_world_decision_info(const sim_world_t *w)
{
    return w->dec.info;
}

uint64_t sim_world_steps(const sim_world_t *w)
{
    return w->steps;
}

uint64_t sim_world_max_steps(const sim_world_t *w)
{
    return w->opt.max_steps;
}

void sim_violation(sim_world_t *w, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (w->stopping)
        return; /* the first verdict stands */
    sim_emit(w, SIM_EV_VIOLATION, 0, 0, 0, 0, msg);
    sim_stop(w, SIM_RESULT_VIOLATION, msg);
}

void sim_finish(sim_world_t *w)
{
    sim_stop(w, SIM_RESULT_OK, NULL);
}

void sim_world_on_free(sim_world_t *w, sim_layer_t layer, sim_layer_free_fn *fn)
{
    w->layer_free[layer] = fn;
}

void sim_world_add_step_hook(sim_world_t *w, sim_step_hook_fn *fn)
{
    for (unsigned i = 0; i < w->n_step_hooks; i++)
        if (w->step_hooks[i] == fn)
            return;
    if (w->n_step_hooks == SIM_MAX_STEP_HOOKS)
        sim_fatal("more than %d step hooks", SIM_MAX_STEP_HOOKS);
    w->step_hooks[w->n_step_hooks++] = fn;
}

void sim_defer(sim_world_t *w, void (*fn)(void *arg), void *arg)
{
    sim_grow((void **)&w->defers, &w->cap_defers, w->n_defers + 1, sizeof(sim_defer_t));
    w->defers[w->n_defers++] = (sim_defer_t){ fn, arg };
}
