/*
 * registry.c - the targets this binary has, by name.  loop/ is always
 * there; the QEMU target exists only in binaries linked with a QEMU tree's
 * event loop (targets/qemu/), which define wk_target_qemu.
 */
#include <string.h>
#include "targets.h"

/* Defined by targets/qemu/target-qemu.c in binaries built with a QEMU tree. */
extern const wk_target_ops_t wk_target_qemu __attribute__((weak));

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
