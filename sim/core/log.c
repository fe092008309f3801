/*
 * log.c - the event log and the event hook.
 *
 * Each event becomes one line "<virtual ns> <thread name> <text>\n" in a
 * growable buffer of the world (and optionally a stream), and one call of the
 * on_event hook.  The text must be identical for identical decisions, so
 * nothing address-like is printed: user_data values below 2^20 are printed as
 * they are, larger ones (pointers) as "#<n>", n being the order in which the
 * run first logged them.  Formatting is hand-rolled: snprintf per event would
 * dominate a small run.
 */
#include "sim-int.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[SIM_EV_COUNT] = {
    [SIM_EV_THREAD_START] = "thread-start",
    [SIM_EV_THREAD_EXIT] = "thread-exit",
    [SIM_EV_THREAD_BLOCK] = "block",
    [SIM_EV_THREAD_WAKE] = "wake",
    [SIM_EV_EVENTFD_SIGNAL] = "eventfd-signal",
    [SIM_EV_EVENTFD_DRAIN] = "eventfd-drain",
    [SIM_EV_PPOLL_ENTER] = "ppoll",
    [SIM_EV_PPOLL_RETURN] = "ppoll-return",
    [SIM_EV_MUTEX_LOCK] = "mutex-lock",
    [SIM_EV_MUTEX_UNLOCK] = "mutex-unlock",
    [SIM_EV_URING_ENTER] = "uring-enter",
    [SIM_EV_SQE_QUEUED] = "sqe-queued",
    [SIM_EV_SQE_SUBMIT] = "sqe-submit",
    [SIM_EV_CQE_POST] = "cqe-post",
    [SIM_EV_CQE_REAP] = "cqe-reap",
    [SIM_EV_MONITOR] = "monitor",
    [SIM_EV_VIOLATION] = "violation",
    [SIM_EV_DEADLOCK] = "deadlock",
    [SIM_EV_FAULT] = "fault",
};

const char *sim_event_kind_name(sim_event_kind_t kind)
{
    return (unsigned)kind < SIM_EV_COUNT ? kind_names[kind] : "?";
}

/* ---- the line builder ---- */

static void put(sim_world_t *w, const char *s, size_t n)
{
    if (w->log_len + n + 1 > w->log_cap)
        sim_grow((void **)&w->log, &w->log_cap, w->log_len + n + 1, 1);
    memcpy(w->log + w->log_len, s, n);
    w->log_len += n;
}

static void put_str(sim_world_t *w, const char *s)
{
    put(w, s, strlen(s));
}

static void put_i64(sim_world_t *w, int64_t v)
{
    char buf[24];
    char *p = buf + sizeof(buf);
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    put(w, p, (size_t)(buf + sizeof(buf) - p));
}

static void put_kv(sim_world_t *w, const char *key, int64_t v)
{
    put_str(w, key);
    put_i64(w, v);
}

/* Slot of a pointer-like user_data in the live-name table, added (with a
 * fresh name) if absent; a submission renames an existing slot. */
static size_t ud_slot(sim_world_t *w, uint64_t ud, bool new_life)
{
    size_t i;
    for (i = 0; i < w->ud_n; i++)
        if (w->ud_names[i].ud == ud)
            break;
    if (i == w->ud_n) {
        /* One array of pairs: two arrays sharing one capacity overflowed,
         * as sim_grow's first size depends on the element size. */
        sim_grow((void **)&w->ud_names, &w->ud_cap, w->ud_n + 1, sizeof(*w->ud_names));
        w->ud_names[i].ud = ud;
        w->ud_n++;
        new_life = true;
    }
    if (new_life)
        w->ud_names[i].id = w->ud_next_id++;
    return i;
}

const char *sim_world_ud_name(sim_world_t *w, uint64_t ud, char buf[24])
{
    if (ud < (1u << 20))
        snprintf(buf, 24, "%llu", (unsigned long long)ud);
    else
        snprintf(buf, 24, "#%u", w->ud_names[ud_slot(w, ud, false)].id);
    return buf;
}

/* Stable name of a user_data value (see the file comment).  Each
 * submission starts a new life with a fresh name, and the name retires when
 * its CQE is reaped: the object behind a pointer may be freed and its
 * address reused by malloc in a way that depends on the process's heap
 * history, not on the decisions; names from a counter do not. */
typedef enum { UD_SUBMIT, UD_LOOKUP, UD_RETIRE } ud_use_t;

static void put_ud(sim_world_t *w, uint64_t ud, ud_use_t use)
{
    put_str(w, " ud=");
    if (ud < (1u << 20)) {
        put_i64(w, (int64_t)ud);
        return;
    }
    size_t i = ud_slot(w, ud, use == UD_SUBMIT);
    put_str(w, "#");
    put_i64(w, w->ud_names[i].id);
    if (use == UD_RETIRE)
        w->ud_names[i] = w->ud_names[--w->ud_n];
}

/* The body of an io_uring event: the ring's fd first. */
static void format_ring_event(sim_world_t *w, const sim_event_t *ev)
{
    put_kv(w, " fd=", ev->object);
    switch (ev->kind) {
    case SIM_EV_URING_ENTER:
        put_kv(w, " to_submit=", ev->value);
        put_kv(w, " wait_nr=", ev->value2);
        break;
    case SIM_EV_SQE_QUEUED:
        put_kv(w, " idx=", ev->value);
        break;
    case SIM_EV_SQE_SUBMIT:
        put_str(w, " op=");
        put_str(w, ev->text ? ev->text : "?"); /* the opcode's name */
        put_ud(w, ev->user_data, UD_SUBMIT);
        put_kv(w, " queued_at=", ev->value2);
        break;
    default: /* CQE_POST, CQE_REAP */
        put_ud(w, ev->user_data, ev->kind == SIM_EV_CQE_REAP ? UD_RETIRE : UD_LOOKUP);
        put_kv(w, " res=", ev->value);
        break;
    }
}

/* The event's name.  A poll other than ppoll (epoll_wait) is logged with
 * the ppoll kinds, which the monitors treat alike, under its own name. */
static void put_kind(sim_world_t *w, const sim_event_t *ev)
{
    bool poll = ev->kind == SIM_EV_PPOLL_ENTER || ev->kind == SIM_EV_PPOLL_RETURN;
    if (!poll || !ev->text) {
        put_str(w, kind_names[ev->kind]);
        return;
    }
    put_str(w, ev->text);
    if (ev->kind == SIM_EV_PPOLL_RETURN)
        put_str(w, "-return");
    else
        put_kv(w, " epfd=", ev->value2);
}

static void format_body(sim_world_t *w, const sim_event_t *ev)
{
    put_kind(w, ev);
    switch (ev->kind) {
    case SIM_EV_THREAD_START:
    case SIM_EV_THREAD_EXIT:
        put_kv(w, " id=", ev->object);
        put_str(w, " name=");
        put_str(w, ev->text);
        break;
    case SIM_EV_THREAD_BLOCK:
        put_str(w, " ");
        put_str(w, ev->text);
        if (ev->value2 >= 0)
            put_kv(w, " until=", ev->value2);
        break;
    case SIM_EV_THREAD_WAKE:
        put_str(w, " ");
        put_str(w, ev->text);
        if (ev->value)
            put_kv(w, " res=", ev->value);
        break;
    case SIM_EV_EVENTFD_SIGNAL:
        put_kv(w, " fd=", ev->object);
        put_kv(w, " count=", ev->value);
        break;
    case SIM_EV_EVENTFD_DRAIN:
        put_kv(w, " fd=", ev->object);
        put_kv(w, " value=", ev->value);
        break;
    case SIM_EV_PPOLL_ENTER:
        put_kv(w, " nfds=", ev->object);
        put_kv(w, " timeout=", ev->value);
        break;
    case SIM_EV_PPOLL_RETURN:
        put_kv(w, " ready=", ev->value);
        break;
    case SIM_EV_MUTEX_LOCK:
    case SIM_EV_MUTEX_UNLOCK:
        put_kv(w, " id=", ev->object);
        break;
    case SIM_EV_URING_ENTER:
    case SIM_EV_SQE_QUEUED:
    case SIM_EV_SQE_SUBMIT:
    case SIM_EV_CQE_POST:
    case SIM_EV_CQE_REAP:
        format_ring_event(w, ev);
        break;
    case SIM_EV_MONITOR:
        put_str(w, " ");
        put_str(w, ev->text);
        put_kv(w, " obj=", ev->object);
        put_kv(w, " val=", ev->value);
        break;
    case SIM_EV_VIOLATION:
    case SIM_EV_DEADLOCK:
        put_str(w, " ");
        put_str(w, ev->text);
        break;
    case SIM_EV_FAULT:
        put_str(w, " ");
        put_str(w, ev->text);
        put_kv(w, " call=", ev->value);
        break;
    case SIM_EV_COUNT:
        break;
    }
}

void sim_emit(sim_world_t *w, sim_event_kind_t kind, int64_t object, uint64_t user_data,
              int64_t value, int64_t value2, const char *text)
{
    /* Decisions are keyed to "the acting thread's n-th event"; monitor
     * output is not the loop's behaviour and does not count. */
    if (!w->kernel_acting && w->current && kind != SIM_EV_MONITOR &&
        kind != SIM_EV_VIOLATION && kind != SIM_EV_DEADLOCK)
        w->current->n_events++;
    if (!w->opt.log_enabled && !w->opt.on_event)
        return;
    sim_event_t ev = {
        .kind = kind,
        .time_ns = w->now,
        .thread = w->kernel_acting ? NULL : w->current,
        .object = object,
        .user_data = user_data,
        .value = value,
        .value2 = value2,
        .text = text,
    };
    if (w->opt.log_enabled) {
        size_t start = w->log_len;
        put_i64(w, ev.time_ns);
        put_str(w, " ");
        put_str(w, sim_thread_name(ev.thread));
        put_str(w, " ");
        format_body(w, &ev);
        put(w, "\n", 1);
        w->log[w->log_len] = '\0';
        if (w->opt.log_stream)
            fwrite(w->log + start, 1, w->log_len - start, w->opt.log_stream);
    }
    if (w->opt.on_event)
        w->opt.on_event(w, &ev, w->opt.event_opaque);
}

void sim_monitor_event(sim_world_t *w, const char *tag, int64_t object, int64_t value)
{
    sim_emit(w, SIM_EV_MONITOR, object, 0, value, 0, tag ? tag : "");
}

const char *sim_world_log(const sim_world_t *w, size_t *len)
{
    if (len)
        *len = w->log_len;
    return w->log ? w->log : "";
}

uint64_t sim_world_log_hash(const sim_world_t *w)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < w->log_len; i++) {
        h ^= (unsigned char)w->log[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

void sim_log_free(sim_world_t *w)
{
    free(w->log);
    free(w->ud_names);
    w->log = NULL;
    w->ud_names = NULL;
    w->log_len = w->log_cap = w->ud_n = w->ud_cap = 0;
    w->ud_next_id = 0;
}
