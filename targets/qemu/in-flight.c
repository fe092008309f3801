/*
 * in-flight.c - the QEMU target's requests in flight: the harness's
 * bookkeeping, not code under test.  A vCPU (with the BQL) or an iothread
 * adds a read when it submits it, and whichever thread polls its context
 * removes it on completion, so two simulated threads share the list.
 *
 * Exclusion without a lock: neither operation has a scheduling point, and
 * every simulated thread runs on this one OS thread, so each runs whole,
 * with no other simulated thread between its first access and its last.
 * Visibility: this file is part of the target's runtime, compiled without
 * the TSan hooks (CMakeLists.txt), so its stores go straight to memory
 * under every memory model; the code under test never reads or writes the
 * links (the request's own initialisation leaves them alone), so no store
 * buffer ever holds them.  A simulated mutex would make the same exclusion
 * visible to the model, but its two scheduling points per read change the
 * decisions of every QEMU run that reads, under sc too.
 */
#include <stddef.h>
#include "in-flight.h"

static wk_in_flight_t *head;

void wk_in_flight_reset(void)
{
    head = NULL;
}

void wk_in_flight_add(wk_in_flight_t *n)
{
    n->prev = NULL;
    n->next = head;
    if (head) {
        head->prev = n;
    }
    head = n;
}

void wk_in_flight_remove(wk_in_flight_t *n)
{
    if (n->prev) {
        n->prev->next = n->next;
    } else {
        head = n->next;
    }
    if (n->next) {
        n->next->prev = n->prev;
    }
}

wk_in_flight_t *wk_in_flight_take(void)
{
    wk_in_flight_t *n = head;
    if (n) {
        wk_in_flight_remove(n);
    }
    return n;
}
