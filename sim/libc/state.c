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

void *sim_libc_resolve(const char *name, const char *version)
{
    char alias[96];
    snprintf(alias, sizeof(alias), "__interceptor_%s", name);
    void *p = dlsym(RTLD_DEFAULT, alias);
    if (!p)
        p = version ? dlvsym(RTLD_NEXT, name, version) : dlsym(RTLD_NEXT, name);
    if (!p)
        sim_fatal("libc seam: no definition of %s after the simulator's", name);
    return p;
}

/* Every seam file defines one anchor; referencing them all from
 * sim_world_new pulls every object of the static library into the link. */
void sim_libc_fd_link(void);
void sim_libc_eventfd_link(void);
void sim_libc_poll_link(void);
void sim_libc_epoll_link(void);
void sim_libc_futex_link(void);
void sim_libc_clock_link(void);
void sim_libc_thread_link(void);
void sim_libc_mutex_link(void);

void sim_libc_link(void)
{
    sim_libc_fd_link();
    sim_libc_eventfd_link();
    sim_libc_poll_link();
    sim_libc_epoll_link();
    sim_libc_futex_link();
    sim_libc_clock_link();
    sim_libc_thread_link();
    sim_libc_mutex_link();
}

sim_libc_t *sim_libc_of(sim_world_t *w)
{
    if (!w->libc) {
        w->libc = calloc(1, sizeof(*w->libc));
        if (!w->libc)
            sim_fatal("out of memory (libc seam)");
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

void sim_libc_world_free(sim_world_t *w)
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
