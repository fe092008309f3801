/*
 * wakesim-qemu-names.h - force-included (-include) before every file of the
 * QEMU target.  loop/ mirrors QEMU's API, so both define aio_poll(),
 * aio_notify(), ... and they meet in one wakesim binary.  These macros give
 * QEMU's definitions and every call to them a prefix at preprocessing time;
 * QEMU's source text stays as it is.  A name added to loop/ that QEMU also
 * defines shows up as a "multiple definition" link error: add it here.
 */
#ifndef WAKESIM_QEMU_NAMES_H
#define WAKESIM_QEMU_NAMES_H

#define aio_add_sqe wkqemu_aio_add_sqe
#define aio_bh_poll wkqemu_aio_bh_poll
#define aio_context_new wkqemu_aio_context_new
#define aio_context_set_poll_params wkqemu_aio_context_set_poll_params
#define aio_notify wkqemu_aio_notify
#define aio_notify_accept wkqemu_aio_notify_accept
#define aio_poll wkqemu_aio_poll
#define aio_set_fd_handler wkqemu_aio_set_fd_handler

#endif
