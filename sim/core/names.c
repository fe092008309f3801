/*
 * names.c - human names for simulated kernel objects ("BQL", "main-ctx
 * notifier", "main-ctx ring"), given by the code that creates them.
 *
 * The creator queues names with sim_name_next() before calling code that
 * creates objects (loop/ knows nothing of it: the names are the machine's
 * knowledge of what aio_context_new() creates, in which order).  Each
 * creation by that same thread takes the next queued name of its kind, so
 * another thread creating objects meanwhile cannot steal a name.
 *
 * Mutexes are named by address (their id is only given at first use, and
 * recorded then); eventfds and rings by fd.  Everything lives in the world.
 */
#include <stdlib.h>
#include <string.h>
#include "sim-int.h"

void sim_name_next(sim_obj_kind_t kind, const char *name)
{
    sim_world_t *w = sim__current_world;
    if (!w || !w->current || !name)
        return;
    sim_grow((void **)&w->names, &w->cap_names, w->n_names + 1, sizeof(*w->names));
    sim_obj_name_t *n = &w->names[w->n_names++];
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    n->pending_for = w->current->id;
    size_t len = strlen(name);
    len = len < sizeof(n->name) - 1 ? len : sizeof(n->name) - 1;
    memcpy(n->name, name, len);
    n->name[len] = '\0';
}

void sim_name_forget_pending(void)
{
    sim_world_t *w = sim__current_world;
    if (!w || !w->current)
        return;
    size_t k = 0;
    for (size_t i = 0; i < w->n_names; i++)
        if (w->names[i].pending_for != w->current->id)
            w->names[k++] = w->names[i];
    w->n_names = k;
}

void sim_name_created(sim_world_t *w, sim_obj_kind_t kind, int64_t key)
{
    if (!w->current)
        return;
    for (size_t i = 0; i < w->n_names; i++) {
        sim_obj_name_t *n = &w->names[i];
        if (n->pending_for == w->current->id && n->kind == kind) {
            n->pending_for = 0;
            n->key = key;
            return;
        }
    }
}

void sim_name_mutex_id(sim_world_t *w, const void *addr, uint32_t id)
{
    for (size_t i = 0; i < w->n_names; i++) {
        sim_obj_name_t *n = &w->names[i];
        if (!n->pending_for && n->kind == SIM_OBJ_MUTEX &&
            n->key == (int64_t)(intptr_t)addr)
            n->id = id;
    }
}

const char *sim_world_object_name(const sim_world_t *w, sim_obj_kind_t kind, int64_t key)
{
    /* The latest name wins: an address or fd may be reused. */
    for (size_t i = w->n_names; i-- > 0;) {
        const sim_obj_name_t *n = &w->names[i];
        if (!n->pending_for && n->kind == kind &&
            (kind == SIM_OBJ_MUTEX ? n->id == (uint32_t)key && n->id : n->key == key))
            return n->name;
    }
    return NULL;
}

const char *sim_world_mutex_name_at(const sim_world_t *w, const void *addr)
{
    for (size_t i = w->n_names; i-- > 0;) {
        const sim_obj_name_t *n = &w->names[i];
        if (!n->pending_for && n->kind == SIM_OBJ_MUTEX &&
            n->key == (int64_t)(intptr_t)addr)
            return n->name;
    }
    return NULL;
}

char *sim_world_names_legend(const sim_world_t *w)
{
    static const char *const kinds[] = { "mutex id=", "eventfd fd=", "io_uring fd=" };
    size_t cap = 64, len = 0;
    char *s = malloc(cap);
    if (!s)
        sim_fatal("out of memory");
    s[0] = '\0';
    for (size_t i = 0; i < w->n_names; i++) {
        const sim_obj_name_t *n = &w->names[i];
        if (n->pending_for || (n->kind == SIM_OBJ_MUTEX && !n->id))
            continue; /* never created, or a mutex never used */
        char item[96];
        int k = snprintf(item, sizeof(item), "%s%s = %s%lld", len ? ", " : "", n->name,
                         kinds[n->kind],
                         (long long)(n->kind == SIM_OBJ_MUTEX ? n->id : n->key));
        sim_grow((void **)&s, &cap, len + (size_t)k + 1, 1);
        memcpy(s + len, item, (size_t)k + 1);
        len += (size_t)k;
    }
    return s;
}
