/*
 * thread.c - pthreads on simulated threads: create, join, self, exit,
 * detach, setname, and thread-specific data.
 *
 * A pthread created by a simulated thread is a simulated thread (a fiber of
 * the same world), named "pthread-<n>" in creation order until the program
 * names it.  Its pthread_t is the simulated thread's handle, which
 * pthread_self() returns on it and pthread_join() accepts.
 *
 * Every simulated thread runs on the same OS thread, so the C library's
 * thread-specific data would be shared by all of them: pthread_getspecific
 * and pthread_setspecific keep a table per simulated thread instead (glib's
 * GPrivate, hence g_thread_self() and GMainContext ownership, rely on it).
 * Keys themselves are still created by the C library; the seam records each
 * key's destructor (process-wide, a mirror of the C library's own table) so
 * it can run them when a simulated thread exits, or when its world is freed
 * for threads that were unwound.
 *
 * Not covered: __thread / _Thread_local variables, which the compiler
 * reaches without any call, are shared by every simulated thread.
 */
#include "libc-int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

void sim_libc_thread_link(void)
{
}

/* Destructor of each key, set by pthread_key_create (any OS thread). */
static void (*key_destructor[PTHREAD_KEYS_MAX])(void *);

static sim_libc_thread_t *tls_of(sim_thread_t *t)
{
    if (!t->libc) {
        sim_libc_of(t->w); /* whose free runs the key destructors */
        t->libc = calloc(1, sizeof(*t->libc));
        if (!t->libc)
            sim_fatal("out of memory (thread-specific data)");
    }
    return t->libc;
}

void sim_libc_thread_keys_destroy(sim_thread_t *t)
{
    sim_libc_thread_t *l = t->libc;
    if (!l)
        return;
    for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
        bool called = false;
        for (size_t i = 0; i < l->n_keys; i++) {
            const void *v = l->keys[i].value;
            pthread_key_t k = l->keys[i].key;
            void (*dtor)(void *) =
                k < PTHREAD_KEYS_MAX ? __atomic_load_n(&key_destructor[k], __ATOMIC_RELAXED)
                                     : NULL;
            if (!v || !dtor)
                continue;
            l->keys[i].value = NULL;
            dtor((void *)v);
            called = true;
        }
        if (!called)
            break;
    }
}

/* Keys a sanitizer runtime created for itself: its thread bookkeeping
 * must see the OS thread, which every simulated thread shares, so these
 * keys keep the C library's behaviour everywhere. */
static bool key_of_runtime[PTHREAD_KEYS_MAX];

/* The sanitizer runtime calls the thread-specific-data functions from its
 * own allocation and fake-stack paths: instrumenting them would recurse. */
__attribute__((no_sanitize("address"))) int pthread_key_create(pthread_key_t *key,
                                                               void (*destructor)(void *))
{
    const void *caller = __builtin_return_address(0);
    int r = SIM_LIBC_REAL(pthread_key_create)(key, destructor);
    if (r == 0 && *key < PTHREAD_KEYS_MAX) {
        __atomic_store_n(&key_of_runtime[*key], sim_libc_caller_is_runtime(caller),
                         __ATOMIC_RELAXED);
        __atomic_store_n(&key_destructor[*key], destructor, __ATOMIC_RELAXED);
    }
    return r;
}

static bool key_is_simulated(sim_world_t *w, pthread_key_t key)
{
    return w && key < PTHREAD_KEYS_MAX &&
           !__atomic_load_n(&key_of_runtime[key], __ATOMIC_RELAXED);
}

int pthread_key_delete(pthread_key_t key)
{
    if (key < PTHREAD_KEYS_MAX)
        __atomic_store_n(&key_destructor[key], NULL, __ATOMIC_RELAXED);
    return SIM_LIBC_REAL(pthread_key_delete)(key);
}

__attribute__((no_sanitize("address"))) void *pthread_getspecific(pthread_key_t key)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!key_is_simulated(w, key))
        return SIM_LIBC_REAL(pthread_getspecific)(key);
    sim_libc_thread_t *l = w->current->libc;
    for (size_t i = 0; l && i < l->n_keys; i++)
        if (l->keys[i].key == key)
            return (void *)l->keys[i].value;
    return NULL;
}

__attribute__((no_sanitize("address"))) int pthread_setspecific(pthread_key_t key,
                                                                const void *value)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!key_is_simulated(w, key))
        return SIM_LIBC_REAL(pthread_setspecific)(key, value);
    sim_libc_thread_t *l = tls_of(w->current);
    for (size_t i = 0; i < l->n_keys; i++) {
        if (l->keys[i].key == key) {
            l->keys[i].value = value;
            return 0;
        }
    }
    sim_grow((void **)&l->keys, &l->cap_keys, l->n_keys + 1, sizeof(*l->keys));
    l->keys[l->n_keys].key = key;
    l->keys[l->n_keys].value = value;
    l->n_keys++;
    return 0;
}

static void *pthread_trampoline(void *arg)
{
    struct sim_libc_start *s = arg;
    void *ret = s->fn(s->arg);
    sim_libc_thread_keys_destroy(sim_thread_self());
    return ret;
}

void sim_libc_starts_free(sim_libc_t *l)
{
    struct sim_libc_start *s = l->starts;
    while (s) {
        struct sim_libc_start *next = s->next;
        free(s);
        s = next;
    }
    l->starts = NULL;
}

int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *),
                   void *arg)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(pthread_create)(th, attr, fn, arg);
    sim_libc_t *l = sim_libc_of(w);
    struct sim_libc_start *s = calloc(1, sizeof(*s));
    if (!s)
        return EAGAIN;
    s->fn = fn;
    s->arg = arg;
    s->next = l->starts;
    l->starts = s;
    char name[32];
    snprintf(name, sizeof(name), "pthread-%u", ++l->n_pthreads);
    /* The handle is stored before the new thread can run: creation is a
     * scheduling point, and the child may read the variable. */
    sim_thread_t *t = sim_thread_spawn(w, name, pthread_trampoline, s);
    *th = (pthread_t)(uintptr_t)t;
    SIM_SCHED_POINT_HERE();
    return 0;
}

/* The simulated thread behind a handle, if it is one of this world's. */
static sim_thread_t *thread_of(sim_world_t *w, pthread_t th)
{
    for (int i = 0; i < w->n_threads; i++)
        if ((pthread_t)(uintptr_t)w->threads[i] == th)
            return w->threads[i];
    return NULL;
}

int pthread_join(pthread_t th, void **retval)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(pthread_join)(th, retval);
    sim_thread_t *t = thread_of(w, th);
    if (!t)
        return ESRCH;
    if (t == w->current)
        return EDEADLK;
    void *r = sim_thread_join(t);
    if (retval)
        *retval = r;
    return 0;
}

int pthread_detach(pthread_t th)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(pthread_detach)(th);
    return thread_of(w, th) ? 0 : ESRCH; /* the world frees every thread */
}

pthread_t pthread_self(void)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(pthread_self)();
    return (pthread_t)(uintptr_t)w->current;
}

void pthread_exit(void *retval)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w) {
        SIM_LIBC_REAL(pthread_exit)(retval);
        __builtin_unreachable();
    }
    sim_libc_thread_keys_destroy(w->current);
    sim_thread_exit(retval);
}

int pthread_setname_np(pthread_t th, const char *name)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(pthread_setname_np)(th, name);
    sim_thread_t *t = thread_of(w, th);
    if (!t)
        return ESRCH;
    if (strlen(name) > 15)
        return ERANGE;
    snprintf(t->name, sizeof(t->name), "%s", name);
    return 0;
}
