/*
 * timeline.h - pictures of one run: a Chrome Trace Event file (Perfetto,
 * chrome://tracing) and a self-contained SVG.  Both show one lane per
 * thread with its states (running, runnable, in ppoll, waiting for a lock,
 * other waits), a lane each for a ring's SQ (queued -> submitted) and CQ
 * (posted -> reaped), and the violated hand-off as a highlighted interval.
 *
 * Use: wk_timeline_new(), pass wk_timeline_on_event as the run's on_event
 * hook (wk_machine_run chains it after the monitors), then write.
 */
#ifndef WAKESIM_TIMELINE_H
#define WAKESIM_TIMELINE_H

#include <glib.h>
#include "machine.h"
#include "sim.h"

typedef struct wk_timeline wk_timeline_t;

wk_timeline_t *wk_timeline_new(int64_t ns_per_step);
void wk_timeline_free(wk_timeline_t *tl);
void wk_timeline_on_event(sim_world_t *w, const sim_event_t *ev, void *opaque);
/* The run is over: its verdict and late interval (out->late_*). */
void wk_timeline_finish(wk_timeline_t *tl, const wk_outcome_t *out, const char *title);

gboolean wk_timeline_write_chrome(const wk_timeline_t *tl, const char *path, GError **err);
gboolean wk_timeline_write_svg(const wk_timeline_t *tl, const char *path, GError **err);

#endif
