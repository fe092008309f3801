/*
 * leftovers.h - loop/'s check_leftovers op (target.h), in leftovers.c.
 */
#ifndef WAKESIM_LOOP_LEFTOVERS_H
#define WAKESIM_LOOP_LEFTOVERS_H

#include "target.h"

void loop_check_leftovers(wk_ctx_t *ctx, struct wk_monitor_s *mon, struct sim_world *w,
                          const char *owner);

#endif
