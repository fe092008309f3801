/*
 * conf-gen.h - a conformance sequence from arbitrary bytes (the fuzzer's
 * input).  Every byte string gives a valid sequence, and only sequences
 * whose Linux outcome is fixed by the kernel's contract and not by timing:
 * waits are always bounded by a TIMEOUT queued just before them (any
 * TIMEOUT CQE ends a wait), timers that may fire are milliseconds apart
 * (conf-gen.c), one thread, objects made before anything else.
 */
#ifndef WAKESIM_CONF_GEN_H
#define WAKESIM_CONF_GEN_H

#include <stddef.h>
#include <stdint.h>
#include "conf-seq.h"

#define CONF_GEN_MAX_OPS 40

conf_seq_t *conf_gen_from_bytes(const uint8_t *data, size_t size);

#endif
