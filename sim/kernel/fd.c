/*
 * fd.c - the simulated file table.
 *
 * Simulated fds are SIM_FD_BASE + index and are never reused within a run,
 * so a stale fd is EBADF rather than someone else's file.  A closed file's
 * object stays on the world's list until the world is freed: pending kernel
 * work (POLL_ADD, timers) may still point at it, as the kernel's own file
 * references would.
 */
#include "sim-int.h"

#include <stdlib.h>

int sim_fd_install(sim_world_t *w, sim_file_t *f, sim_file_kind_t kind,
                   const sim_file_ops_t *ops)
{
    sim_grow((void **)&w->fds, &w->cap_fds, (size_t)w->n_fds + 1, sizeof(*w->fds));
    f->kind = kind;
    f->fd = SIM_FD_BASE + w->n_fds;
    f->closed = false;
    f->ops = ops;
    f->next_all = w->all_files;
    w->all_files = f;
    w->fds[w->n_fds++] = f;
    return f->fd;
}

sim_file_t *sim_fd_lookup(sim_world_t *w, int fd)
{
    if (!w || fd < SIM_FD_BASE || fd - SIM_FD_BASE >= w->n_fds)
        return NULL;
    return w->fds[fd - SIM_FD_BASE];
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
        for (nfds_t j = 0; j < t->poll_n; j++) {
            if (t->poll_fds[j].fd == f->fd) {
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
    if (f->kind == SIM_FILE_URING)
        sim_fatal("os_fd_close on an io_uring fd: use os_uring_exit");
    f->closed = true;
    w->fds[fd - SIM_FD_BASE] = NULL;
}

/* Frees every file object of the world (at sim_world_free). */
void sim_files_free(sim_world_t *w);
void sim_files_free(sim_world_t *w)
{
    sim_uring_rings_free(w);
    sim_file_t *f = w->all_files;
    while (f) {
        sim_file_t *next = f->next_all;
        while (f->watchers) {
            sim_file_watch_t *dead = f->watchers;
            f->watchers = dead->next;
            free(dead);
        }
        if (f->ops && f->ops->destroy)
            f->ops->destroy(f);
        else if (f->kind != SIM_FILE_URING)
            free(f);
        f = next;
    }
    w->all_files = NULL;
    free(w->fds);
    w->fds = NULL;
    w->n_fds = 0;
    w->cap_fds = 0;
}
