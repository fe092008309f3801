/*
 * in-flight.h - the QEMU target's list of its own requests in flight (block
 * reads), so that run_end frees what a cut-short run left (in-flight.c).
 */
#ifndef WAKESIM_QEMU_IN_FLIGHT_H
#define WAKESIM_QEMU_IN_FLIGHT_H

/* Embedded in each request; only in-flight.c touches it (see there). */
typedef struct wk_in_flight {
    struct wk_in_flight *prev, *next;
} wk_in_flight_t;

/* The list empty, at the start of a run (the last run's entries are gone
 * with it). */
void wk_in_flight_reset(void);
void wk_in_flight_add(wk_in_flight_t *n);
void wk_in_flight_remove(wk_in_flight_t *n);
/* Removes and returns an entry, NULL when none is left (run end). */
wk_in_flight_t *wk_in_flight_take(void);

#endif
