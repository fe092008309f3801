/*
 * target.c - which target the workloads drive.  loop/ is always there; the
 * QEMU target exists only in binaries linked with a QEMU tree's event loop
 * (targets/qemu/), which define wk_target_qemu.
 */
#include <string.h>
#include "target.h"

/* Defined by targets/qemu/target-qemu.c in binaries built with a QEMU tree. */
extern const wk_target_ops_t wk_target_qemu __attribute__((weak));

/* Chosen once by the command line before any run, like the mutant mask. */
static const wk_target_ops_t *selected = &wk_target_loop;

void wk_target_select(const wk_target_ops_t *ops)
{
    selected = ops ? ops : &wk_target_loop;
}

const wk_target_ops_t *wk_target_selected(void)
{
    return selected;
}

const wk_target_ops_t *wk_target_find(const char *name)
{
    if (strcmp(name, "loop") == 0) {
        return &wk_target_loop;
    }
    if (strcmp(name, "qemu") == 0 && &wk_target_qemu) {
        return &wk_target_qemu;
    }
    return NULL;
}

const char *wk_target_first_missing(const wk_target_ops_t *ops,
                                    const wk_target_op_t *needed, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        void (*fn)(void);
        memcpy(&fn, (const char *)ops + needed[i].offset, sizeof(fn));
        if (!fn) {
            return needed[i].name;
        }
    }
    return NULL;
}
