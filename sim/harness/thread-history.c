/*
 * thread-history.c - thread states as a list of changes (see the header).
 *
 * Invariant: changes are appended in event order, and events come in
 * non-decreasing virtual time, so the list is sorted by time and a state
 * at t is the last change at or before t.
 */
#include <string.h>
#include "thread-history.h"

void wk_history_init(wk_history_t *h)
{
    h->names = g_ptr_array_new_with_free_func(g_free);
    h->ids = g_array_new(FALSE, FALSE, sizeof(int));
    h->changes = g_array_new(FALSE, FALSE, sizeof(wk_state_change_t));
}

void wk_history_destroy(wk_history_t *h)
{
    g_ptr_array_free(h->names, TRUE);
    g_array_free(h->ids, TRUE);
    g_array_free(h->changes, TRUE);
}

int wk_history_thread(const wk_history_t *h, const char *name)
{
    for (guint i = 0; i < h->names->len; i++) {
        if (strcmp(h->names->pdata[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static int index_of_id(const wk_history_t *h, int64_t id)
{
    for (guint i = 0; i < h->ids->len; i++) {
        if (g_array_index(h->ids, int, i) == id) {
            return (int)i;
        }
    }
    return -1;
}

/* Block events carry the wait kind (sim_wait_kind_t, sim-int.h) as value:
 * a table lookup, no string compares on this per-event path. */
static const char *blocked_state(int64_t kind)
{
    static const char *const names[] = { "blocked", "ppoll", "mutex",     "cond",
                                         "sleep",   "join",  "uring-wait" };
    return kind > 0 && kind < (int64_t)G_N_ELEMENTS(names) ? names[kind] : "blocked";
}

static void change(wk_history_t *h, int64_t t, int thread, const char *state)
{
    if (thread < 0) {
        return;
    }
    wk_state_change_t c = { t, (unsigned)thread, state };
    g_array_append_val(h->changes, c);
}

void wk_history_on_event(wk_history_t *h, const sim_event_t *ev)
{
    switch (ev->kind) {
    case SIM_EV_THREAD_START: {
        int id = (int)ev->object;
        g_ptr_array_add(h->names, g_strdup(ev->text ? ev->text : "?"));
        g_array_append_val(h->ids, id);
        change(h, ev->time_ns, (int)h->names->len - 1, "runnable");
        break;
    }
    case SIM_EV_THREAD_EXIT:
        change(h, ev->time_ns, index_of_id(h, ev->object), "exited");
        break;
    case SIM_EV_THREAD_BLOCK:
        change(h, ev->time_ns, index_of_id(h, ev->object), blocked_state(ev->value));
        break;
    case SIM_EV_THREAD_WAKE:
        change(h, ev->time_ns, index_of_id(h, ev->object), "runnable");
        break;
    default:
        break;
    }
}

char *wk_history_states_at(const wk_history_t *h, int64_t t)
{
    const char **state = g_new0(const char *, h->names->len + 1);
    for (guint i = 0; i < h->changes->len; i++) {
        const wk_state_change_t *c = &g_array_index(h->changes, wk_state_change_t, i);
        if (c->time_ns > t) {
            break;
        }
        state[c->thread] = c->state;
    }
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < h->names->len; i++) {
        if (state[i]) {
            g_string_append_printf(s, " %s: %s;", (char *)h->names->pdata[i], state[i]);
        }
    }
    g_free(state);
    return g_string_free(s, FALSE);
}
