/*
 * state.c - the libc seam's per-world state: simulated objects found by the
 * address of the program's pthread_mutex_t / pthread_cond_t / futex word,
 * the resolution of the real functions, and the link anchor.
 *
 * Objects live in an open-addressing table keyed by address, owned by the
 * world and freed with it, so nothing survives into the next run: a mutex
 * left locked by a thread unwound at the end of a run is free again in the
 * next one, and the program's own bytes are never touched.
 */
#include "libc-int.h"

#include <stdlib.h>
#include <string.h>

/* Not instrumented: the sanitizer runtime reaches it (through
 * pthread_getspecific) from its own fake-stack and allocation paths.  The
 * thread-specific-data functions have no interceptor, and looking one up
 * would fail, and a failing lookup allocates its error message. */
__attribute__((no_sanitize("address"))) void *sim_libc_resolve(const char *name,
                                                               const char *version)
{
    static const char *const no_interceptor[] = {
        "pthread_getspecific",
        "pthread_setspecific",
        "pthread_key_create",
        "pthread_key_delete",
    };
    bool try_alias = true;
    for (size_t i = 0; i < sizeof(no_interceptor) / sizeof(no_interceptor[0]); i++)
        if (strcmp(name, no_interceptor[i]) == 0)
            try_alias = false;
    void *p = NULL;
    if (try_alias) {
        char alias[96] = "__interceptor_";
        strncat(alias, name, sizeof(alias) - strlen(alias) - 1);
        p = dlsym(RTLD_DEFAULT, alias);
    }
    if (!p)
        p = version ? dlvsym(RTLD_NEXT, name, version) : dlsym(RTLD_NEXT, name);
    if (!p)
        sim_fatal("libc seam: no definition of %s after the simulator's", name);
    return p;
}

sim_libc_real_t sim_libc_real;

/* Direct-mapped: one word per entry, the return address with bit 63 set
 * for "runtime" (user-space addresses stay below 2^47), so a racing reader
 * on another OS thread sees a whole entry or a miss. */
enum { CALLER_CACHE = 512 };
static uintptr_t caller_cache[CALLER_CACHE];
#define CALLER_RUNTIME ((uintptr_t)1 << 63)

__attribute__((no_sanitize("address"))) static bool runtime_by_dladdr(const void *ret_addr)
{
    Dl_info di;
    if (!dladdr(ret_addr, &di))
        return false;
    static const char *const libs[] = { "libasan", "liblsan", "libubsan", "libtsan",
                                        "libhwasan" };
    const char *base = di.dli_fname ? strrchr(di.dli_fname, '/') : NULL;
    base = base ? base + 1 : di.dli_fname;
    for (size_t i = 0; base && i < sizeof(libs) / sizeof(libs[0]); i++)
        if (strncmp(base, libs[i], strlen(libs[i])) == 0)
            return true;
    /* A runtime linked statically into the executable (clang). */
    const char *n = di.dli_sname;
    return n && (strstr(n, "__asan") || strstr(n, "__lsan") || strstr(n, "__sanitizer") ||
                 strstr(n, "__ubsan") || strstr(n, "__interceptor"));
}

/* Whether the process has a sanitizer runtime at all: every one carries
 * sanitizer_common's interface (a weak reference binds to it whether the
 * runtime is a shared library or linked into the executable).  Without
 * one no caller is a runtime, and no dladdr is needed: a forked run (the
 * runner's one process per run) would redo every lookup. */
void __sanitizer_set_report_path(const char *path) __attribute__((weak));
void __asan_init(void) __attribute__((weak));
void __ubsan_handle_builtin_unreachable(void *data) __attribute__((weak));

__attribute__((no_sanitize("address"))) bool
sim_libc_caller_is_runtime(const void *ret_addr)
{
    if (!__sanitizer_set_report_path && !__asan_init && !__ubsan_handle_builtin_unreachable)
        return false;
    uintptr_t a = (uintptr_t)ret_addr;
    size_t slot = (a ^ (a >> 9)) & (CALLER_CACHE - 1);
    uintptr_t e = __atomic_load_n(&caller_cache[slot], __ATOMIC_RELAXED);
    if ((e & ~CALLER_RUNTIME) == a)
        return e & CALLER_RUNTIME;
    bool runtime = runtime_by_dladdr(ret_addr);
    __atomic_store_n(&caller_cache[slot], a | (runtime ? CALLER_RUNTIME : 0),
                     __ATOMIC_RELAXED);
    return runtime;
}

/* Resolves every forwarded function before main, while no lock of anyone's
 * is held. */
__attribute__((constructor)) static void sim_libc_resolve_all(void)
{
#define RESOLVE_(fn)                                                                       \
    if (!sim_libc_real.fn)                                                                 \
        sim_libc_real.fn = (__typeof__(fn) *)sim_libc_resolve(#fn, NULL);
#define RESOLVEV_(fn, v)                                                                   \
    if (!sim_libc_real.fn)                                                                 \
        sim_libc_real.fn = (__typeof__(fn) *)sim_libc_resolve(#fn, v);
    SIM_LIBC_FORWARDED(RESOLVE_, RESOLVEV_)
#undef RESOLVE_
#undef RESOLVEV_
}

/* Every seam file defines one anchor, and sim_libc_link references them
 * all.  Nothing in a program may call the seam's definitions by name (glib
 * reaches them through the PLT), so wakesim_sim's link interface asks for
 * sim_libc_link (-Wl,--undefined, sim/CMakeLists.txt): that pulls every
 * seam object of the static library into the link. */
void sim_libc_fd_link(void);
void sim_libc_eventfd_link(void);
void sim_libc_poll_link(void);
void sim_libc_epoll_link(void);
void sim_libc_futex_link(void);
void sim_libc_syscall_link(void);
void sim_libc_sem_link(void);
void sim_libc_fd_reserve_link(void);
void sim_libc_clock_link(void);
void sim_libc_thread_link(void);
void sim_libc_mutex_link(void);
void sim_libc_signal_link(void);
void sim_libc_heap_link(void);

void sim_libc_link(void)
{
    sim_libc_fd_link();
    sim_libc_eventfd_link();
    sim_libc_poll_link();
    sim_libc_epoll_link();
    sim_libc_futex_link();
    sim_libc_syscall_link();
    sim_libc_sem_link();
    sim_libc_fd_reserve_link();
    sim_libc_clock_link();
    sim_libc_thread_link();
    sim_libc_mutex_link();
    sim_libc_signal_link();
    sim_libc_heap_link();
}

static void libc_world_free(sim_world_t *w);

sim_libc_t *sim_libc_of(sim_world_t *w)
{
    if (!w->libc) {
        w->libc = calloc(1, sizeof(*w->libc));
        if (!w->libc)
            sim_fatal("out of memory (libc seam)");
        sim_world_on_free(w, SIM_LAYER_SEAM, libc_world_free);
    }
    return w->libc;
}

static size_t addr_hash(const void *addr, size_t n_slots)
{
    uint64_t x = (uint64_t)(uintptr_t)addr;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & (n_slots - 1);
}

static void table_grow(sim_libc_t *l)
{
    size_t n = l->n_slots ? 2 * l->n_slots : 64;
    sim_libc_obj_t **slots = calloc(n, sizeof(*slots));
    if (!slots)
        sim_fatal("out of memory (libc seam objects)");
    for (size_t i = 0; i < l->n_slots; i++) {
        sim_libc_obj_t *o = l->slots[i];
        if (!o)
            continue;
        size_t j = addr_hash(o->addr, n);
        while (slots[j])
            j = (j + 1) & (n - 1);
        slots[j] = o;
    }
    free(l->slots);
    l->slots = slots;
    l->n_slots = n;
}

sim_libc_obj_t *sim_libc_obj(sim_world_t *w, const void *addr, sim_libc_obj_kind_t kind)
{
    sim_libc_t *l = sim_libc_of(w);
    if (2 * (l->n_objs + 1) > l->n_slots)
        table_grow(l);
    size_t i = addr_hash(addr, l->n_slots);
    while (l->slots[i] && l->slots[i]->addr != addr)
        i = (i + 1) & (l->n_slots - 1);
    sim_libc_obj_t *o = l->slots[i];
    if (o && o->kind == kind)
        return o;
    if (!o) {
        o = malloc(sizeof(*o));
        if (!o)
            sim_fatal("out of memory (libc seam object)");
        l->slots[i] = o;
        l->n_objs++;
    }
    /* New, or the memory now holds another kind of object. */
    memset(o, 0, sizeof(*o));
    o->addr = addr;
    o->kind = kind;
    o->id = ++l->next_id[kind];
    return o;
}

static void libc_world_free(sim_world_t *w)
{
    for (int i = 0; i < w->n_threads; i++) {
        sim_thread_t *t = w->threads[i];
        if (t->libc) {
            sim_libc_thread_keys_destroy(t);
            free(t->libc->keys);
            free(t->libc);
            t->libc = NULL;
        }
    }
    sim_libc_t *l = w->libc;
    if (!l)
        return;
    sim_libc_starts_free(l);
    for (size_t i = 0; i < l->n_slots; i++)
        free(l->slots[i]);
    free(l->slots);
    free(l);
    w->libc = NULL;
}
