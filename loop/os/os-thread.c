/* os-thread.c - per-thread home context for the real build (see aio-os.h). */
#include "aio-os.h"

static _Thread_local void *thread_home_ctx;

void *os_thread_ctx_get(void)
{
    return thread_home_ctx;
}

void os_thread_ctx_set(void *ctx)
{
    thread_home_ctx = ctx;
}
