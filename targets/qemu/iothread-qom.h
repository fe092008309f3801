/*
 * iothread-qom.h - object-add / object-del of QEMU's IOThread
 * (iothread.c, compiled unmodified) without QOM: iothread-qom.c.
 */
#ifndef WAKESIM_QEMU_IOTHREAD_QOM_H
#define WAKESIM_QEMU_IOTHREAD_QOM_H

#include "system/iothread.h"

/* object-add iothread,id=ID,poll-max-ns=...,thread-pool-max=POOL_MAX:
 * instance_init, the properties, then iothread_init (the context, the
 * thread running iothread_run, waiting until it started).  NULL with *errp
 * set when the context cannot be created. */
IOThread *wk_qemu_iothread_create(const char *id, int64_t poll_max_ns, int64_t poll_grow,
                                  int64_t poll_shrink, int64_t pool_max, Error **errp);
/* object-del: instance_finalize (iothread_stop, the context's and the glib
 * context's last references), then the memory. */
void wk_qemu_iothread_destroy(IOThread *it);

#endif
