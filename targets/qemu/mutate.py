#!/usr/bin/env python3
"""mutate.py - wakesim's build-time mutations of QEMU's event loop.

Copies the event-loop files of a QEMU tree into an output directory and
re-introduces one known bug in the copy, by editing one statement inside one
named function.  The QEMU tree itself is never changed, and no QEMU code is
stored in wakesim: a mutation is (file, function, statement, replacement).

    mutate.py --tree QEMU_SRC --out DIR --mutation NAME
    mutate.py --list

A mutation whose statement is not found exactly once in its function fails
the build with a message naming the file and function: the QEMU version has
moved on and the mutation needs a look, rather than silently testing the
unmodified code.
"""
import argparse
import collections
import os
import re
import sys

# The files the QEMU target compiles, plus the headers they include with
# quotes from their own directory.
FILES = [
    "util/async.c", "util/aio-posix.c", "util/fdmon-io_uring.c",
    "util/fdmon-poll.c", "util/qemu-timer.c", "util/lockcnt.c",
    "util/event_notifier-posix.c", "util/aio-posix.h", "util/trace.h",
    "util/thread-pool.c", "util/aio-wait.c", "util/aiocb.c",
    "util/qemu-coroutine.c", "util/qemu-coroutine-lock.c",
    "util/qemu-coroutine-sleep.c", "util/coroutine-ucontext.c", "iothread.c",
    "util/notify.c", "util/main-loop.c",
]

# A mutation: the file it edits, its edits, what it re-introduces and the
# upstream commit whose fix it undoes (None for the seed's own mutations).
# An edit is (function, statement as written, replacement): the statement is
# matched as whole lines inside that function's body, whitespace between
# tokens being free (so a statement over two lines is written on one), and
# must occur there exactly once.  The statement "^" inserts the replacement
# before the function instead (a helper the edit calls).  A replacement over
# several lines is indented like the statement it replaces.
M = collections.namedtuple("M", "file edits what commit")

MUTATIONS = {
    "missing-notify-add-sqe": M(
        "util/aio-posix.c", [("aio_add_sqe", "aio_notify(ctx);", "")],
        "aio_add_sqe() does not aio_notify(): QEMU 10.2 before the fix, the seed",
        "2ae361ef1d"),
    "bh-schedule-no-notify": M(
        "util/async.c", [("aio_bh_enqueue", "aio_notify(ctx);", "")],
        "scheduling a BH does not wake the context", None),
    "timer-mod-no-notify": M(
        "util/qemu-timer.c",
        [("timerlist_rearm", "timerlist_notify(timer_list);", "")],
        "arming a new earliest timer does not wake the context", None),
    # Equivalent to the fixed code under every invariant wakesim checks
    # (kept as a guard of that claim, docs/qemu.md has the measurements):
    # the check misses only a CQE posted after glib's poll computed the
    # ring fd's revents, and the ring fd polls readable while any CQE sits
    # in the CQ ring (Linux's io_uring_poll() and the kernel model alike),
    # so the next main_loop_wait() polls without sleeping and dispatches
    # it.  No wakeup is lost and no time passes; the one cost, an extra
    # iteration, cannot repeat without progress in between (the next
    # iteration reaps the CQE), so the busy-loop invariant, or any bound on
    # idle wakeups the fixed code also meets, cannot tell it apart.
    "gsource-check-skips-cq": M(
        "util/fdmon-io_uring.c",
        [("fdmon_io_uring_gsource_check",
          "return io_uring_cq_ready(&ctx->fdmon_io_uring);", "return false;")],
        "the GSource check trusts only the ring fd's revents", "2ae361ef1d"),
    "poll-skips-notified-recheck": M(
        "util/aio-posix.c",
        [("aio_poll", "if (qatomic_read(&ctx->notified)) {", "if (0) {")],
        "aio_poll raises notify_me and sleeps without re-reading notified",
        "601829f88e"),
    # C-02 (21a03d17f2) has no mutation: clearing notified after dispatch
    # instead of before loses nothing in 10.2.2, where the next aio_poll
    # re-reads every producer's state (BHs and timers in
    # aio_compute_timeout(), SQEs and handler changes in the wait's own
    # io_uring_enter) and notified only covers the window between that and
    # raising notify_me; 20,000 generated runs under arm and 2,000 of each
    # hand-written scenario (random and PCT) passed with it.  The eventfd
    # half of C-02 (drained by whichever thread dispatches the notifier) is
    # 10.2.2's own code: docs/qemu.md, the candidate bug.
    # C-03, first half: a schedule that finds the BH still queued skipped
    # the notify (as if queued meant "the loop will see it").
    "bh-pending-skips-notify": M(
        "util/async.c",
        [("aio_bh_enqueue", "aio_notify(ctx);",
          "if (!(old_flags & BH_PENDING)) {\n    aio_notify(ctx);\n}")],
        "scheduling a BH that is still queued does not notify", "924fe1293c"),
    # C-03, second half: the flags were cleared after the callback ran, so
    # a schedule racing with the callback was wiped out.
    "bh-flags-cleared-after-run": M(
        "util/async.c",
        [("aio_bh_dequeue",
          "*flags = qatomic_fetch_and(&bh->flags, "
          "~(BH_PENDING | BH_SCHEDULED | BH_IDLE));",
          "*flags = qatomic_read(&bh->flags);"),
         ("aio_bh_poll", "if (flags & (BH_DELETED | BH_ONESHOT)) {",
          "qatomic_and(&bh->flags, ~(BH_PENDING | BH_SCHEDULED | BH_IDLE));\n"
          "if (flags & (BH_DELETED | BH_ONESHOT)) {")],
        "aio_bh_poll clears a BH's PENDING and SCHEDULED after its callback "
        "instead of when dequeuing it", "e8d3b1a25f"),
    # C-05: the explicit full fences that replaced C11 RMW ordering.
    "notify-skips-full-fence": M(
        "util/async.c", [("aio_notify", "smp_mb();", "")],
        "aio_notify stores notified and loads notify_me with no full fence "
        "between", "5710a3e09f"),
    "poll-skips-full-fence": M(
        "util/aio-posix.c", [("aio_poll", "smp_mb();", "")],
        "aio_poll raises notify_me and reads notified with no full fence between",
        "5710a3e09f"),
    "prepare-skips-full-fence": M(
        "util/async.c", [("aio_ctx_prepare", "smp_mb();", "")],
        "the GSource prepare raises notify_me and computes its timeout with no "
        "full fence between", "5710a3e09f"),
    # C-01: a loop asleep under glib that producers think is awake.
    "gsource-prepare-skips-notify-me": M(
        "util/async.c",
        [("aio_ctx_prepare",
          "qatomic_set(&ctx->notify_me, qatomic_read(&ctx->notify_me) | 1);", "")],
        "the GSource prepare does not raise bit 0 of notify_me", "eabc977973"),
    # C-07: a handler change another thread makes, with no kick.
    "fd-handler-set-no-notify": M(
        "util/aio-posix.c", [("aio_set_fd_handler", "aio_notify(ctx);", "")],
        "aio_set_fd_handler() changes the handler set without aio_notify()",
        "321d1dba8b"),
    # C-11: polling trusted the CQ alone; queued re-arms and handler changes
    # were never submitted.
    "need-wait-ignores-sq": M(
        "util/fdmon-io_uring.c",
        [("fdmon_io_uring_need_wait",
          "if (io_uring_sq_ready(&ctx->fdmon_io_uring)) {", "if (0) {"),
         ("fdmon_io_uring_need_wait",
          "if (!QSLIST_EMPTY_RCU(&ctx->submit_list)) {", "if (0) {")],
        "need_wait() looks only at the CQ, not at queued SQEs or handler "
        "changes", "ae60ab7eb2"),
    # C-12: the GSource path never handed changes to the kernel.
    "gsource-prepare-no-submit": M(
        "util/fdmon-io_uring.c",
        [("fdmon_io_uring_gsource_prepare", "fill_sq_ring(ctx);", ""),
         ("fdmon_io_uring_gsource_prepare",
          "if (io_uring_sq_ready(&ctx->fdmon_io_uring)) {", "if (0) {")],
        "the io_uring GSource prepare neither fills nor submits the SQ ring",
        "ba607ca8bf"),
    # C-13: completions reaped together are run from a list on the stack,
    # which a nested aio_poll cannot reach.
    "cqe-ready-list-on-stack": M(
        "util/fdmon-io_uring.c",
        [("fdmon_io_uring_dispatch",
          "CqeHandlerSimpleQ *ready_list = &ctx->cqe_handler_ready_list;",
          "CqeHandlerSimpleQ local_ready = QSIMPLEQ_HEAD_INITIALIZER(local_ready);\n"
          "CqeHandlerSimpleQ *ready_list = &local_ready;\n"
          "QSIMPLEQ_CONCAT(ready_list, &ctx->cqe_handler_ready_list);")],
        "CQE handlers reaped together run from a list local to dispatch, out "
        "of a nested aio_poll's reach", "3c80ca158c"),
    # C-14: the TIMEOUT SQE's timespec lived in a helper's frame, dead by
    # the time io_uring_enter() read it.
    "timeout-ts-dead-stack": M(
        "util/fdmon-io_uring.c",
        [("fdmon_io_uring_wait", "^",
          "static void __attribute__((noinline))\n"
          "wakesim_prep_timeout(struct io_uring_sqe *sqe, int64_t timeout)\n"
          "{\n"
          "    struct __kernel_timespec ts = {\n"
          "        .tv_sec = timeout / NANOSECONDS_PER_SECOND,\n"
          "        .tv_nsec = timeout % NANOSECONDS_PER_SECOND,\n"
          "    };\n"
          "    io_uring_prep_timeout(sqe, &ts, 1, 0);\n"
          "}\n"),
         ("fdmon_io_uring_wait", "io_uring_prep_timeout(sqe, &ts, 1, 0);",
          "wakesim_prep_timeout(sqe, timeout);")],
        "the TIMEOUT SQE points at a timespec in a returned helper's frame",
        "c31a445749"),
    # C-15: a signal during a submit-and-wait that submitted SQEs returns
    # their count, not -EINTR; the loop retried only on -EINTR.
    "wait-returns-on-signal": M(
        "util/fdmon-io_uring.c",
        [("fdmon_io_uring_wait",
          "} while (ret == -EINTR || (ret >= 0 && wait_nr > "
          "io_uring_cq_ready(&ctx->fdmon_io_uring)));",
          "} while (ret == -EINTR);")],
        "a blocking wait interrupted after submitting returns with no CQE",
        "5f8741fca5"),
    # C-16: a handler whose removal is still queued is freed when its
    # POLL_ADD completes, leaving it on submit_list.
    "cqe-frees-pending-handler": M(
        "util/fdmon-io_uring.c",
        [("process_cqe_aio_handler", "if (flags & FDMON_IO_URING_PENDING) {",
          "if (0) {")],
        "a handler being removed is freed when its POLL_ADD completes even "
        "though it is still on submit_list", "dbf70f0a03"),
    # 5f50be9b58: the main context is current only under the BQL.
    "current-context-ignores-bql": M(
        "util/async.c",
        [("qemu_get_current_aio_context", "if (bql_locked()) {", "if (1) {")],
        "the main context is current for a thread without the BQL",
        "5f50be9b58"),
    # 87ec6f55af: liburing leaves user_data as the slot's last user set it.
    "sqe-user-data-not-cleared": M(
        "util/fdmon-io_uring.c",
        [("fdmon_io_uring_wait", "io_uring_sqe_set_data(sqe, NULL);", ""),
         ("add_poll_remove_sqe", "io_uring_sqe_set_data(sqe, NULL);", "")],
        "TIMEOUT and POLL_REMOVE SQEs keep the user_data a reused slot had",
        "87ec6f55af"),
    "poll-ignores-notify": M(
        "util/aio-posix.c",
        [("run_poll_handlers", "max_ns = qemu_soonest_timeout(*timeout, max_ns);", "")],
        "busy polling polls on to the end of its window after the notifier's poll "
        "handler saw aio_notify()", "993ed89f35"),
    "poll-counts-notifier-progress": M(
        "util/aio-posix.c",
        [("run_poll_handlers_once", "if (node->opaque != &ctx->notifier) {", "if (1) {")],
        "busy polling counts the notifier's poll handler as progress, so aio_poll() "
        "reports progress for a bare aio_notify()", "70232b5253"),
    # QEMU's wider surface (thread pool, aio-wait): catalogue entries, each
    # named by the commit that fixed it.
    "thread-pool-completion-not-rescheduled": M(
        "util/thread-pool.c",
        [("thread_pool_completion_bh", "qemu_bh_schedule(pool->completion_bh);", "")],
        "C-13: the completion BH is not re-scheduled before a callback, so a nested "
        "aio_poll() in it never sees a request that completed at the same time",
        "3c80ca158c"),
    "aio-wait-bh-no-kick": M(
        "util/aio-wait.c", [("aio_wait_bh", "aio_wait_kick();", "")],
        "C-09: the waited-on state is set without aio_wait_kick(), so "
        "AIO_WAIT_WHILE sleeps on with its condition false", "4720cbeea1"),
    "aio-wait-bh-kick-before-done": M(
        "util/aio-wait.c",
        [("aio_wait_bh", "data->cb(data->opaque);",
          "data->cb(data->opaque);\naio_wait_kick();\nqatomic_set(&data->done, true);\nreturn;")],
        "C-09: aio_wait_kick() before the waited-on state changes (as the "
        "drained_end_counter's atomic decrement did), so AIO_WAIT_WHILE may "
        "re-check too early and sleep on", "65181d6381"),
    "aio-wait-kick-no-barrier": M(
        "util/aio-wait.c", [("aio_wait_kick", "smp_mb();", "")],
        "C-10: aio_wait_kick() reads num_waiters without a barrier after the "
        "caller's store (store buffering with AIO_WAIT_WHILE)", "7455ff1aa0"),
    # C-04: iothread_stop() before its fix, in 10.2.2's names: clear the
    # loop's flag from the stopping thread, aio_notify(), quit the glib loop
    # (stopping was already set).  aio_poll() re-reads notified since
    # 601829f88e, so the plain loop sees the flag; g_main_loop_run()
    # resets is_running, so a quit that lands between iothread_run()'s
    # check of running and its g_main_loop_run() is lost.
    "iothread-stop-without-bh": M(
        "iothread.c",
        [("iothread_stop",
          "aio_bh_schedule_oneshot(iothread->ctx, iothread_stop_bh, iothread);",
          "iothread->running = false;\naio_notify(iothread->ctx);\n"
          "if (iothread->main_loop) {\n    g_main_loop_quit(iothread->main_loop);\n}")],
        "C-04: iothread_stop() clears the loop's flag and calls aio_notify() and "
        "g_main_loop_quit() from the stopping thread instead of scheduling a BH "
        "in the iothread", "2362a28ea1"),
    # C-06: once aio_notify() writes the eventfd only for a loop that
    # announced its wait (notify_me), a bare aio_notify() no longer makes
    # the main loop's next iteration non-blocking; qemu_notify_event()'s
    # callers (a signal handler's shutdown request, a main-loop timer armed
    # from another thread) count on exactly that.  The fix schedules the
    # notify BH, which glib's prepare sees (timeout 0).
    "notify-event-bare-aio-notify": M(
        "util/main-loop.c",
        [("qemu_notify_event", "qemu_bh_schedule(qemu_notify_bh);",
          "aio_notify(qemu_aio_context);")],
        "C-06: qemu_notify_event() calls aio_notify() on the main context "
        "instead of scheduling the notify BH: a notify while the main loop is "
        "between its check and its next prepare is lost", "edec47cfef"),
    "main-loop-ignores-glib-timeout": M(
        "util/main-loop.c",
        [("glib_pollfds_fill",
          "*cur_timeout = qemu_soonest_timeout(timeout_ns, *cur_timeout);", "")],
        "main_loop_wait() polls with the main-loop timers' deadline alone, "
        "dropping the timeout glib's prepare computed (the AioContext's "
        "timers, a scheduled BH)", None),
}


def function_body(lines, func):
    """Line range [start, end) of func's body: from its definition (name at
    the start of a line or after the return type) to the closing brace in
    column 0."""
    head = re.compile(r"^(?:[A-Za-z_][\w\s\*]*[\s\*])?" + re.escape(func) + r"\s*\(")
    for i, line in enumerate(lines):
        if head.match(line) and not line.rstrip().endswith(";"):
            for j in range(i, len(lines)):
                if lines[j].startswith("}"):
                    return i, j
    return None


def statement_pattern(stmt):
    """The statement as whole lines, any whitespace between its tokens."""
    tokens = [re.escape(t) for t in stmt.split()]
    return re.compile(r"(?m)^([ \t]*)" + r"\s+".join(tokens) + r"[ \t]*$")


def apply_edit(text, path, name, func, stmt, repl):
    """text with one edit made; exits naming the function when it does not
    apply exactly once."""
    lines = text.split("\n")
    rng = function_body(lines, func)
    if rng is None:
        sys.exit(f"mutate.py: {name}: function {func}() not found in {path}")
    if stmt == "^":
        lines[rng[0]:rng[0]] = [f"/* wakesim mutation {name}: added */"] + \
            repl.rstrip("\n").split("\n")
        return "\n".join(lines)
    before = "\n".join(lines[:rng[0]]) + "\n"
    body = "\n".join(lines[rng[0]:rng[1]])
    after = "\n" + "\n".join(lines[rng[1]:])
    hits = list(statement_pattern(stmt).finditer(body))
    if len(hits) != 1:
        sys.exit(f"mutate.py: {name}: expected the statement '{stmt}' once in "
                 f"{func}() of {path}, found {len(hits)}: this QEMU version "
                 f"needs the mutation updated")
    m = hits[0]
    indent = m.group(1)
    note = f"/* wakesim mutation {name}: was '{' '.join(stmt.split())}' */"
    new = [indent + line for line in repl.split("\n")] if repl else [indent]
    new[-1] += (" " if repl else "") + note
    return before + body[:m.start()] + "\n".join(new) + body[m.end():] + after


def apply(text, path, name):
    for func, stmt, repl in MUTATIONS[name].edits:
        text = apply_edit(text, path, name, func, stmt, repl)
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tree")
    ap.add_argument("--out")
    ap.add_argument("--mutation")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        for name, m in MUTATIONS.items():
            funcs = ",".join(dict.fromkeys(f for f, _, _ in m.edits))
            fix = f" (fixed upstream by {m.commit})" if m.commit else ""
            print(f"{name}\t{m.file}:{funcs}()\t{m.what}{fix}")
        return
    if not (a.tree and a.out and a.mutation):
        ap.error("--tree, --out and --mutation are required")
    if a.mutation not in MUTATIONS:
        sys.exit(f"mutate.py: unknown mutation '{a.mutation}'; known: "
                 + ", ".join(MUTATIONS))
    target = MUTATIONS[a.mutation].file
    os.makedirs(os.path.join(a.out, "util"), exist_ok=True)
    for rel in FILES:
        src = os.path.join(a.tree, rel)
        with open(src, encoding="utf-8") as f:
            text = f.read()
        if rel == target:
            text = apply(text, src, a.mutation)
            print(f"mutate.py: {a.mutation}: {rel}, "
                  f"{len(MUTATIONS[a.mutation].edits)} edit(s)")
        dst = os.path.join(a.out, rel)
        with open(dst, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
