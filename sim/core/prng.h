/*
 * prng.h - explicit-state pseudo-random numbers (no global generator).
 *
 * splitmix64 expands a 64-bit seed; xoshiro256** draws.  Bounded draws use
 * Lemire's multiply-shift (no floating point, no modulo bias worth noting).
 */
#ifndef WAKESIM_PRNG_H
#define WAKESIM_PRNG_H

#include <stdint.h>

static inline uint64_t sim_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline void sim_rng_seed(uint64_t s[4], uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        s[i] = sim_splitmix64(&seed);
}

static inline uint64_t sim_rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t sim_rng_next(uint64_t s[4])
{
    uint64_t result = sim_rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = sim_rotl64(s[3], 45);
    return result;
}

/* Uniform in [0, n), n >= 1. */
static inline uint64_t sim_rng_below(uint64_t s[4], uint64_t n)
{
    return (uint64_t)(((unsigned __int128)sim_rng_next(s) * n) >> 64);
}

#endif
