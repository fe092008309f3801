/*
 * fd.c - the simulated file table.
 *
 * Simulated fds are base + index (base: sim_options_t.fd_base, SIM_FD_BASE
 * by default) and are never reused within a run, so a stale fd is EBADF
 * rather than someone else's file.  A closed file's object stays on the
 * world's list until the world is freed: pending kernel work (POLL_ADD,
 * timers) may still point at it, as the kernel's own file references
 * would.  Below SIM_FD_BASE a number is also a possible real fd: each
 * number handed out stays reserved in the real kernel until the world is
 * freed (sim_fd_reserver_t), closed or not, so the two never meet.
 */
#include "kernel.h"

#include <stdlib.h>
#include <string.h>

static void kernel_free(sim_world_t *w);

static const sim_fd_reserver_t *reserver;

void sim_fd_set_reserver(const sim_fd_reserver_t *r)
{
    reserver = r;
}

sim_kernel_t *sim_kernel_create(sim_world_t *w)
{
    sim_kernel_t *k = calloc(1, sizeof(*k));
    if (!k)
        sim_fatal("out of memory (kernel state)");
    k->base = w->opt.fd_base > 0 ? w->opt.fd_base : SIM_FD_BASE;
    w->kernel = k;
    sim_world_on_free(w, SIM_LAYER_KERNEL, kernel_free);
    return k;
}

int sim_fd_install(sim_world_t *w, sim_file_t *f, sim_file_kind_t kind,
                   const sim_file_ops_t *ops)
{
    sim_kernel_t *k = sim_kernel(w);
    sim_grow((void **)&k->fds, &k->cap_fds, (size_t)k->n_fds + 1, sizeof(*k->fds));
    f->kind = kind;
    f->fd = k->base + k->n_fds;
    f->closed = false;
    f->ops = ops;
    f->next_all = k->all_files;
    k->all_files = f;
    k->fds[k->n_fds++] = f;
    f->fd_reserved = f->fd < SIM_FD_BASE && reserver && reserver->reserve(f->fd);
    if (f->fd < SIM_FD_BASE && reserver && !f->fd_reserved) {
        /* Only a process that opened this many real fds before the run
         * gets here: its fds and the run's numbering cannot both stand. */
        sim_violation(w,
                      "fd-collision: simulated fd %d is already a real fd of this process "
                      "(opened before the run); the low numbering starts at %d",
                      f->fd, k->base);
    }
    return f->fd;
}

bool sim_fd_is_sim(sim_world_t *w, int fd)
{
    if (fd >= SIM_FD_BASE)
        return true;
    if (!w || !w->kernel)
        return false;
    sim_kernel_t *k = sim_kernel(w);
    return fd >= k->base && fd - k->base < k->n_fds;
}

sim_file_t *sim_fd_lookup(sim_world_t *w, int fd)
{
    if (!w || !w->kernel)
        return NULL;
    sim_kernel_t *k = sim_kernel(w);
    return fd >= k->base && fd - k->base < k->n_fds ? k->fds[fd - k->base] : NULL;
}

void sim_fd_forget(sim_world_t *w, int fd)
{
    sim_kernel_t *k = sim_kernel(w);
    k->fds[fd - k->base] = NULL;
}

int sim_fd_close(sim_world_t *w, int fd)
{
    sim_file_t *f = sim_fd_lookup(w, fd);
    if (!f)
        return -EBADF;
    if (f->ops && f->ops->release) {
        int r = f->ops->release(w, f);
        if (r < 0)
            return r;
    }
    f->closed = true;
    sim_fd_forget(w, fd);
    return 0;
}

void sim_file_watch(sim_file_t *f, sim_file_t *watcher)
{
    sim_file_watch_t *n = malloc(sizeof(*n));
    if (!n)
        sim_fatal("out of memory (file watch)");
    n->watcher = watcher;
    n->next = f->watchers;
    f->watchers = n;
}

void sim_file_unwatch(sim_file_t *f, sim_file_t *watcher)
{
    for (sim_file_watch_t **p = &f->watchers; *p; p = &(*p)->next) {
        if ((*p)->watcher == watcher) {
            sim_file_watch_t *dead = *p;
            *p = dead->next;
            free(dead);
            return;
        }
    }
}

void sim_file_changed(sim_world_t *w, sim_file_t *f)
{
    /* Watchers first: epoll_ctl rejects cycles, so this ends. */
    for (sim_file_watch_t *n = f->watchers; n; n = n->next)
        sim_file_changed(w, n->watcher);

    for (int i = 0; i < w->n_threads; i++) {
        sim_thread_t *t = w->threads[i];
        if (t->state != SIM_T_BLOCKED || t->wait != SIM_WAIT_PPOLL)
            continue;
        const struct pollfd *fds = t->wait_obj; /* sim_ppoll_block */
        for (uint64_t j = 0; j < t->wait_arg; j++) {
            if (fds[j].fd == f->fd) {
                sim_wake(w, t, 0); /* it re-checks every fd itself */
                break;
            }
        }
    }
    sim_uring_poll_wake(w, f);
}

void os_fd_close(int fd)
{
    sim_world_t *w = sim__current_world;
    sim_file_t *f = sim_fd_lookup(w, fd);
    if (!f)
        return; /* never close a real fd from the sim */
    int r = sim_fd_close(w, fd);
    if (r < 0)
        sim_fatal("os_fd_close on an %s fd refused (%s): it has its own exit call",
                  f->ops->name, strerror(-r));
}

/* Frees every file object of the world. */
static void files_free(sim_kernel_t *k)
{
    sim_file_t *f = k->all_files;
    while (f) {
        sim_file_t *next = f->next_all;
        while (f->watchers) {
            sim_file_watch_t *dead = f->watchers;
            f->watchers = dead->next;
            free(dead);
        }
        if (f->ops && f->ops->destroy)
            f->ops->destroy(f);
        else
            free(f);
        f = next;
    }
    free(k->fds);
}

static void kernel_free(sim_world_t *w)
{
    sim_kernel_t *k = w->kernel;
    for (sim_file_t *f = k->all_files; f; f = f->next_all)
        if (f->fd_reserved)
            reserver->release(f->fd);
    files_free(k);
    sim_reqs_free(w);
    free(k);
    w->kernel = NULL;
}
