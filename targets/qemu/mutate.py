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
    "util/qemu-coroutine-sleep.c", "util/coroutine-ucontext.c",
]

# name: (file, function, statement as written, replacement, what it re-introduces)
MUTATIONS = {
    "missing-notify-add-sqe": (
        "util/aio-posix.c", "aio_add_sqe", "aio_notify(ctx);", "",
        "aio_add_sqe() does not aio_notify(): QEMU 10.2 before the fix, the seed"),
    "bh-schedule-no-notify": (
        "util/async.c", "aio_bh_enqueue", "aio_notify(ctx);", "",
        "scheduling a BH does not wake the context"),
    "timer-mod-no-notify": (
        "util/qemu-timer.c", "timerlist_rearm", "timerlist_notify(timer_list);", "",
        "arming a new earliest timer does not wake the context"),
    "gsource-check-skips-cq": (
        "util/fdmon-io_uring.c", "fdmon_io_uring_gsource_check",
        "return io_uring_cq_ready(&ctx->fdmon_io_uring);", "return false;",
        "the GSource check trusts only the ring fd's revents"),
    "poll-skips-notified-recheck": (
        "util/aio-posix.c", "aio_poll", "if (qatomic_read(&ctx->notified)) {", "if (0) {",
        "aio_poll raises notify_me and sleeps without re-reading notified"),
    # QEMU's wider surface (thread pool, aio-wait): catalogue entries, each
    # named by the commit that fixed it.
    "thread-pool-completion-not-rescheduled": (
        "util/thread-pool.c", "thread_pool_completion_bh",
        "qemu_bh_schedule(pool->completion_bh);", "",
        "C-13 (fixed by 3c80ca158c): the completion BH is not re-scheduled before a "
        "callback, so a nested aio_poll() in it never sees a request that completed "
        "at the same time"),
    "aio-wait-bh-no-kick": (
        "util/aio-wait.c", "aio_wait_bh", "aio_wait_kick();", "",
        "C-09 (fixed by 4720cbeea1): the waited-on state is set without "
        "aio_wait_kick(), so AIO_WAIT_WHILE sleeps on with its condition false"),
    "aio-wait-bh-kick-before-done": (
        "util/aio-wait.c", "aio_wait_bh", "data->cb(data->opaque);",
        "data->cb(data->opaque); aio_wait_kick(); qatomic_set(&data->done, true); return;",
        "C-09 (fixed by 65181d6381): aio_wait_kick() before the waited-on state "
        "changes (as the drained_end_counter's atomic decrement did), so "
        "AIO_WAIT_WHILE may re-check too early and sleep on"),
    "aio-wait-kick-no-barrier": (
        "util/aio-wait.c", "aio_wait_kick", "smp_mb();", "",
        "C-10 (fixed by 7455ff1aa0): aio_wait_kick() reads num_waiters without "
        "a barrier after the caller's store (store buffering with AIO_WAIT_WHILE)"),
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


def apply(text, path, name):
    file, func, stmt, repl, _ = MUTATIONS[name]
    lines = text.split("\n")
    rng = function_body(lines, func)
    if rng is None:
        sys.exit(f"mutate.py: {name}: function {func}() not found in {path}")
    hits = [k for k in range(*rng) if lines[k].strip() == stmt]
    if len(hits) != 1:
        sys.exit(f"mutate.py: {name}: expected the statement '{stmt}' once in "
                 f"{func}() of {path}, found {len(hits)}: this QEMU version "
                 f"needs the mutation updated")
    k = hits[0]
    indent = lines[k][: len(lines[k]) - len(lines[k].lstrip())]
    lines[k] = indent + repl + (" " if repl else "") + \
        f"/* wakesim mutation {name}: was '{stmt}' */"
    return "\n".join(lines), k


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tree")
    ap.add_argument("--out")
    ap.add_argument("--mutation")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        for name, m in MUTATIONS.items():
            print(f"{name}\t{m[0]}:{m[1]}()\t{m[4]}")
        return
    if not (a.tree and a.out and a.mutation):
        ap.error("--tree, --out and --mutation are required")
    if a.mutation not in MUTATIONS:
        sys.exit(f"mutate.py: unknown mutation '{a.mutation}'; known: "
                 + ", ".join(MUTATIONS))
    target = MUTATIONS[a.mutation][0]
    os.makedirs(os.path.join(a.out, "util"), exist_ok=True)
    for rel in FILES:
        src = os.path.join(a.tree, rel)
        with open(src, encoding="utf-8") as f:
            text = f.read()
        if rel == target:
            text, line = apply(text, src, a.mutation)
            print(f"mutate.py: {a.mutation}: {rel}:{line + 1} in "
                  f"{MUTATIONS[a.mutation][1]}()")
        dst = os.path.join(a.out, rel)
        with open(dst, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
