/* foreign-litmus.c - litmus-test threads written as foreign code: plain C
 * on compiler builtins, compiled with wakesim's TSan hooks and therefore
 * with wakesim/tsan-sync.h force-included (CMakeLists.txt).  Each SB
 * thread does an RMW of x, then a relaxed load of y; each MP writer an RMW
 * of x, then a relaxed store of y.  The __sync_* builtins are full
 * barriers (GCC's documentation); a seq_cst __atomic RMW is not (C11, and
 * ldaxr/stlxr on arm64). */
#include <stdint.h>

unsigned wl_x, wl_y;

/* How the first thread's RMW is written (test-foreign-litmus.c). */
enum { WL_ATOMIC_ADD, WL_SYNC_ADD, WL_SYNC_CAS, WL_SYNC_ADD_FETCH };

unsigned wl_sb_rmw_then_load(int how);
unsigned wl_sb_store_fence_load(void);
void wl_mp_rmw_then_store(int how);
unsigned wl_mp_read(unsigned *r1);

static void rmw_x(int how)
{
    switch (how) {
    case WL_ATOMIC_ADD:
        __atomic_fetch_add(&wl_x, 1, __ATOMIC_SEQ_CST);
        break;
    case WL_SYNC_ADD:
        __sync_fetch_and_add(&wl_x, 1);
        break;
    case WL_SYNC_CAS: /* libuv's cmpxchgi off x86 */
        __sync_val_compare_and_swap(&wl_x, 0, 1);
        break;
    case WL_SYNC_ADD_FETCH:
        __sync_add_and_fetch(&wl_x, 1);
        break;
    }
}

unsigned wl_sb_rmw_then_load(int how)
{
    rmw_x(how);
    return __atomic_load_n(&wl_y, __ATOMIC_RELAXED);
}

unsigned wl_sb_store_fence_load(void)
{
    __atomic_store_n(&wl_y, 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return __atomic_load_n(&wl_x, __ATOMIC_RELAXED);
}

void wl_mp_rmw_then_store(int how)
{
    rmw_x(how);
    __atomic_store_n(&wl_y, 1, __ATOMIC_RELAXED);
}

unsigned wl_mp_read(unsigned *r1)
{
    unsigned r0 = __atomic_load_n(&wl_y, __ATOMIC_RELAXED);
    *r1 = __atomic_load_n(&wl_x, __ATOMIC_RELAXED);
    return r0;
}
