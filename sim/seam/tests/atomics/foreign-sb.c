/* foreign-sb.c - "foreign" code for the store-buffering litmus test with
 * legacy __sync read-modify-writes: each thread increments its own counter
 * with __sync_fetch_and_add, then reads the other's with a relaxed load.
 * Compiled twice (CMakeLists.txt): as it is, and with
 * -include wakesim/sync-barrier.h (SB_FUNC renames the functions). */
#include <stdint.h>

#define SB_CAT_(a, b) a##b
#define SB_CAT(a, b) SB_CAT_(a, b)
uint32_t SB_CAT(SB_FUNC, _t1)(uint32_t *mine, uint32_t *other);
uint32_t SB_CAT(SB_FUNC, _t1)(uint32_t *mine, uint32_t *other)
{
    __sync_fetch_and_add(mine, 1);
    return __atomic_load_n(other, __ATOMIC_RELAXED);
}
