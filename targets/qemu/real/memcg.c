/*
 * memcg.c - a cgroup v1 memory controller child group for one thread, at
 * its limit with the OOM killer disabled: the kernel's own way of making
 * io_uring_enter() refuse a submit with -EAGAIN (io_submit_sqes() cannot
 * allocate the first request, nothing is submitted).  Only the thread moved
 * in is charged; the group is the reproducer's own, created and removed by
 * it, under the memory hierarchy the process can write to.
 */
#include "qemu/osdep.h"

#include "qemu-real.h"

#define MEMCG_ROOT "/sys/fs/cgroup/memory"

static char group[256];

static bool memcg_write(const char *file, long long value)
{
    char path[320];
    snprintf(path, sizeof(path), "%s/%s", group, file);
    FILE *f = fopen(path, "w");
    if (!f) {
        return false;
    }
    bool ok = fprintf(f, "%lld", value) > 0;
    ok &= fclose(f) == 0;
    return ok;
}

static long long memcg_read(const char *file)
{
    char path[320];
    long long v = -1;
    snprintf(path, sizeof(path), "%s/%s", group, file);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%lld", &v) != 1) {
            v = -1;
        }
        fclose(f);
    }
    return v;
}

const char *real_memcg_create(void)
{
    snprintf(group, sizeof(group), "%s/qemu-real-%d", MEMCG_ROOT, (int)getpid());
    if (mkdir(group, 0755) != 0 && errno != EEXIST) {
        return strerror(errno);
    }
    if (!memcg_write("memory.oom_control", 1)) {
        real_memcg_remove();
        return "cannot disable the OOM killer (memory.oom_control)";
    }
    return NULL;
}

/* Moves thread tid in and sets the limit to what the group holds plus
 * headroom bytes: the thread's next kernel allocations beyond that fail. */
bool real_memcg_confine(pid_t tid, long long headroom)
{
    if (!memcg_write("tasks", tid)) {
        return false;
    }
    long long usage = memcg_read("memory.usage_in_bytes");
    return usage >= 0 && memcg_write("memory.limit_in_bytes", usage + headroom);
}

/* Memory freed elsewhere: the group's limit goes. */
bool real_memcg_lift(void)
{
    return memcg_write("memory.limit_in_bytes", -1);
}

void real_memcg_remove(void)
{
    if (group[0]) {
        rmdir(group);
    }
}

/* Whether a group can be made here at all: creates one and removes it.
 * Without one, prints "<name>: SKIP: no memory cgroup to confine <whom>
 * in: <why>" and returns false (the reproducer exits 77). */
bool real_memcg_probe(const char *name, const char *whom)
{
    const char *why = real_memcg_create();
    real_memcg_remove();
    if (why) {
        printf("%s: SKIP: no memory cgroup to confine %s in: %s\n", name, whom, why);
        return false;
    }
    return true;
}
