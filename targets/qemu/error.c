/*
 * error.c - wakesim's minimal Error objects for QEMU's event loop (the
 * qapi/error.h calls its files make: set, propagate, report, free).
 *
 * QEMU's util/error.c pulls in QAPI, qemu-print and the monitor.  The event
 * loop only creates errors on setup failures (io_uring_queue_init failing)
 * and passes them up, so a message string is all an Error needs here.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"

struct Error {
    char *msg;
};

/* Sentinels: a failure passed to them is fatal (QEMU: abort or exit(1)). */
Error *error_abort;
Error *error_fatal;

static void error_set_msg(Error **errp, char *msg)
{
    if (errp == &error_abort || errp == &error_fatal) {
        fprintf(stderr, "wakesim qemu target: fatal QEMU error: %s\n", msg);
        abort();
    }
    if (!errp || *errp) {
        g_free(msg); /* QEMU keeps the first error */
        return;
    }
    Error *err = g_new0(Error, 1);
    err->msg = msg;
    *errp = err;
}

void error_setg_internal(Error **errp, const char *src, int line, const char *func,
                         const char *fmt, ...)
{
    (void)src;
    (void)line;
    (void)func;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_set_msg(errp, msg);
}

void error_setg_errno_internal(Error **errp, const char *fname, int line, const char *func,
                               int os_error, const char *fmt, ...)
{
    (void)fname;
    (void)line;
    (void)func;
    int saved_errno = errno;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (os_error) {
        char *full = g_strdup_printf("%s: %s", msg, g_strerror(os_error));
        g_free(msg);
        msg = full;
    }
    error_set_msg(errp, msg);
    errno = saved_errno;
}

void error_propagate(Error **dst_errp, Error *local_err)
{
    if (!local_err) {
        return;
    }
    if (dst_errp == &error_abort || dst_errp == &error_fatal) {
        error_set_msg(dst_errp, local_err->msg);
    }
    if (dst_errp && !*dst_errp) {
        *dst_errp = local_err;
        return;
    }
    error_free(local_err);
}

void error_free(Error *err)
{
    if (err) {
        g_free(err->msg);
        g_free(err);
    }
}

void error_report_err(Error *err)
{
    fprintf(stderr, "wakesim qemu target: %s\n", err->msg);
    error_free(err);
}

/* For wakesim's own code: the message of an Error. */
const char *wk_qemu_error_message(const Error *err);
const char *wk_qemu_error_message(const Error *err)
{
    return err ? err->msg : "";
}
