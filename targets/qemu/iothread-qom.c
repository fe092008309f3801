/*
 * iothread-qom.c - what QEMU's iothread.c (compiled unmodified) needs from
 * QOM, QAPI's visitors, rcu and qemu-thread, and nothing more.
 *
 * An IOThread is a QOM object ("-object iothread,id=..."): object-add runs
 * its instance_init and then EventLoopBase's complete, which calls the
 * class's init (iothread_init: the context, the thread, waiting for it to
 * start); object-del runs instance_finalize (iothread_stop, then the
 * context's last reference).  QEMU's type registry is one table of
 * TypeInfos keyed by name; here the only type registered is TYPE_IOTHREAD
 * (iothread.c's type_init), and wk_qemu_iothread_create() below plays
 * object_new_with_props() + user_creatable_complete() for it with the
 * class's own functions.  Properties are set by writing the fields the
 * property setters write (iothread_set_poll_param, event_loop_base's
 * setters) before completing, as QEMU's -object parsing does.
 *
 * None of this can hide a wakeup: it runs once per object on the creating
 * thread (registration, casts, names), or is QemuSemaphore / join, built
 * from the simulated QemuMutex/QemuCond and threads like QEMU's own
 * (util/qemu-thread-posix.c).  What iothread.c does not call for an
 * internal iothread (QMP query, lookups by id) aborts loudly.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/module.h"
#include "qemu/rcu.h"
#include "qemu/thread.h"
#include "qom/object.h"
#include "qapi/visitor.h"
#include "system/event-loop-base.h"
#include "system/iothread.h"

#include "iothread-qom.h"
#include "sim.h"

static G_NORETURN void qom_not_modelled(const char *what)
{
    fprintf(stderr,
            "wakesim qemu target: %s is not modelled (iothread.c's QMP/QOM "
            "lookups; no workload uses them)\n",
            what);
    abort();
}

/* iothread_run() pushes its GMainContext as the thread default, which
 * compares it with glib's global default context, created on first use
 * with an eventfd of its own.  Created here, on the host before any run: in
 * the first run of a process it would add a simulated eventfd that later
 * runs do not create, and a replay in the same process would diverge. */
__attribute__((constructor)) static void glib_default_context_early(void)
{
    g_main_context_default();
}

/* ---- registration: iothread.c's type_init constructor ---- */

/* The QOM type_init constructors of the compiled files: iothread.c's and
 * util/main-loop.c's.  Only the IOThread type is kept: the "main-loop"
 * object (which only sets the main context's aio-max-batch and thread-pool
 * sizes from the command line) is never created. */
enum { QOM_INITS_MAX = 4 };
static void (*qom_module_inits[QOM_INITS_MAX])(void);
static unsigned qom_module_n;
static const TypeInfo *iothread_type;

void register_module_init(void (*fn)(void), module_init_type type)
{
    if (type != MODULE_INIT_QOM) {
        return;
    }
    if (qom_module_n == QOM_INITS_MAX) {
        fprintf(stderr, "wakesim qemu target: more than %d QOM type_init constructors\n",
                QOM_INITS_MAX);
        abort();
    }
    qom_module_inits[qom_module_n++] = fn;
}

Type type_register_static(const TypeInfo *info)
{
    if (!strcmp(info->name, TYPE_IOTHREAD)) {
        iothread_type = info;
    }
    return NULL;
}

static void qom_module_init(void)
{
    for (unsigned i = 0; i < qom_module_n; i++) {
        qom_module_inits[i]();
    }
}

/* Casts: every object and class here is what its caller says it is. */
Object *object_dynamic_cast_assert(Object *obj, const char *typename, const char *file,
                                   int line, const char *func)
{
    return obj;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass, const char *typename,
                                              const char *file, int line, const char *func)
{
    return klass;
}

/* The properties' accessors are QMP's way in; the glue sets the fields. */
ObjectProperty *object_class_property_add(ObjectClass *klass, const char *name,
                                          const char *type, ObjectPropertyAccessor *get,
                                          ObjectPropertyAccessor *set,
                                          ObjectPropertyRelease *release, void *opaque)
{
    return NULL;
}

/* ---- objects ---- */

typedef struct {
    EventLoopBaseClass klass; /* iothread_class_init fills init, update_params */
    bool ready;
} iothread_class_t;

static iothread_class_t iothread_class;

/* An IOThread is allocated with its QOM id right after the instance
 * (iothread.c names its thread "IO <id>"). */
#define QOM_ID_MAX 24

const char *object_get_canonical_path_component(const Object *obj)
{
    return (const char *)obj + iothread_type->instance_size;
}

IOThread *wk_qemu_iothread_create(const char *id, int64_t poll_max_ns, int64_t poll_grow,
                                  int64_t poll_shrink, int64_t pool_max, Error **errp)
{
    if (!iothread_type) {
        qom_module_init();
    }
    if (!iothread_type) {
        error_setg(errp, "iothread.c registered no type");
        return NULL;
    }
    if (!iothread_class.ready) {
        iothread_type->class_init(OBJECT_CLASS(&iothread_class.klass), NULL);
        iothread_class.ready = true;
    }
    Object *obj = g_malloc0(iothread_type->instance_size + QOM_ID_MAX);
    g_strlcpy((char *)obj + iothread_type->instance_size, id, QOM_ID_MAX);
    obj->class = OBJECT_CLASS(&iothread_class.klass);
    EventLoopBase *base = (EventLoopBase *)obj;
    base->thread_pool_max = pool_max; /* event_loop_base_instance_init + property */
    iothread_type->instance_init(obj);
    IOThread *it = (IOThread *)obj;
    it->poll_max_ns = poll_max_ns; /* the poll-* properties */
    it->poll_grow = poll_grow;
    it->poll_shrink = poll_shrink;
    iothread_class.klass.init(base, errp); /* event_loop_base_complete */
    if (!it->ctx) {
        g_free(obj);
        return NULL;
    }
    return it;
}

void wk_qemu_iothread_destroy(IOThread *it)
{
    Object *obj = (Object *)it;
    iothread_type->instance_finalize(obj);
    g_free(obj);
}

/* ---- what iothread.c calls only for user-visible objects and QMP ---- */

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    qom_not_modelled("object_dynamic_cast");
}

Object *object_get_objects_root(void)
{
    qom_not_modelled("object_get_objects_root");
}

Object *object_get_internal_root(void)
{
    qom_not_modelled("object_get_internal_root");
}

int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque), void *opaque)
{
    qom_not_modelled("object_child_foreach");
}

Object *object_new_with_props(const char *typename, Object *parent, const char *id,
                              Error **errp, ...)
{
    qom_not_modelled("object_new_with_props");
}

Object *object_resolve_path_type(const char *path, const char *typename, bool *ambiguous)
{
    qom_not_modelled("object_resolve_path_type");
}

void object_unparent(Object *obj)
{
    qom_not_modelled("object_unparent");
}

bool visit_type_int64(Visitor *v, const char *name, int64_t *obj, Error **errp)
{
    qom_not_modelled("visit_type_int64");
}

/* ---- threads: rcu registration, semaphores, join ---- */

/* Nothing here waits for a grace period (not-modelled.c), so a reader
 * needs no registration. */
void rcu_register_thread(void)
{
}

void rcu_unregister_thread(void)
{
}

int qemu_get_thread_id(void)
{
    return (int)sim_thread_id(sim_thread_self());
}

/* util/qemu-thread-posix.c's semaphore, over the simulated mutex/cond. */
void qemu_sem_init(QemuSemaphore *sem, int init)
{
    qemu_mutex_init(&sem->mutex);
    qemu_cond_init(&sem->cond);
    sem->count = (unsigned)init;
}

void qemu_sem_destroy(QemuSemaphore *sem)
{
    qemu_cond_destroy(&sem->cond);
    qemu_mutex_destroy(&sem->mutex);
}

void qemu_sem_post(QemuSemaphore *sem)
{
    qemu_mutex_lock(&sem->mutex);
    sem->count++;
    qemu_cond_signal(&sem->cond);
    qemu_mutex_unlock(&sem->mutex);
}

void qemu_sem_wait(QemuSemaphore *sem)
{
    qemu_mutex_lock(&sem->mutex);
    while (sem->count == 0) {
        qemu_cond_wait(&sem->cond, &sem->mutex);
    }
    --sem->count;
    qemu_mutex_unlock(&sem->mutex);
}

/* qemu_thread_create (qemu-thread.c) keeps the simulated thread in
 * QemuThread's pthread_t. */
void *qemu_thread_join(QemuThread *thread)
{
    sim_thread_t *t;
    memcpy(&t, &thread->thread, sizeof(t));
    return sim_thread_join(t);
}
