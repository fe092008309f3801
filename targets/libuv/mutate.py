#!/usr/bin/env python3
"""mutate.py NAME SRC OUT - write libuv's file SRC with mutation NAME applied
to OUT.  Each mutation re-creates, in libuv 1.44.2's code, the bug that one
upstream commit fixed, and names that commit.  Every edit must find its text
exactly once: a libuv whose code moved fails the build (exit 1) instead of
building an unmutated twin.  `mutate.py --list` prints NAME FILE COMMIT."""
import sys

MUTATIONS = {
    # 4ed2372 "unix: fix for uv_async data race" (2015): the loop checked
    # `pending` and cleared it with two plain accesses; a send between them
    # saw the handle still pending and wrote no eventfd, and under a weak
    # memory model the clear, still in the store buffer, hides that send's
    # data from the callback: the send is lost.  The sender of that time
    # (before 37042a5 added the busy state) set 0 -> 1 and wrote the
    # eventfd, and closing a handle did not wait for a sender (37042a5's
    # spin needs its busy state).  The check and the clear are plain, as
    # upstream had them: the libuv target buffers plain stores
    # (PLAIN_STORES), so the clear can wait in the loop's store buffer.
    "async-pending-plain-clear": ("src/unix/async.c", "4ed237278cbb", [
        ("""  /* Tell the other thread we're busy with the handle. */
  if (cmpxchgi(&handle->pending, 0, 1) != 0)
    return 0;

  /* Wake up the other thread's event loop. */
  uv__async_send(handle->loop);

  /* Tell the other thread we're done. */
  if (cmpxchgi(&handle->pending, 1, 2) != 1)
    abort();
""", """  if (cmpxchgi(&handle->pending, 0, 1) == 0)
    uv__async_send(handle->loop);
"""),
        ("""void uv__async_close(uv_async_t* handle) {
  uv__async_spin(handle);
""", """void uv__async_close(uv_async_t* handle) {
"""),
        ("""    if (0 == uv__async_spin(h))
      continue;  /* Not pending. */
""", """    if (h->pending == 0)
      continue;
    h->pending = 0;
"""),
    ]),
    # da42780 "threadpool: fix thread starvation bug" (2015) fixed 0f1bdb6
    # ("threadpool: send signal only when queue is empty"): work posted
    # while earlier work still sat in the queue woke no idle worker, so it
    # waited for a busy worker to finish.
    "threadpool-signal-only-when-empty": ("src/threadpool.c", "da42780223ba", [
        ("""  QUEUE_INSERT_TAIL(&wq, q);
  if (idle_threads > 0)
    uv_cond_signal(&cond);
  uv_mutex_unlock(&mutex);
""", """  {
    int empty_queue = QUEUE_EMPTY(&wq);
    QUEUE_INSERT_TAIL(&wq, q);
    if (empty_queue)
      uv_cond_signal(&cond);
  }
  uv_mutex_unlock(&mutex);
"""),
    ]),
    # 1fe609ea0 "unix,win: fix UV_RUN_ONCE + uv_idle_stop loop hang" (2022,
    # in 1.44.2): uv_run(ONCE) decided whether it may sleep after the idle
    # callbacks ran, so an idle handle that stopped itself in its callback
    # left ONCE blocking in the poll although a callback had run.  The
    # pre-fix rule (sleep unless pending callbacks ran) is restored.
    "run-once-idle-sleeps": ("src/unix/core.c", "1fe609ea05ab", [
        ("""    can_sleep =
        QUEUE_EMPTY(&loop->pending_queue) && QUEUE_EMPTY(&loop->idle_handles);
""", """    can_sleep = QUEUE_EMPTY(&loop->pending_queue);
"""),
    ]),
    # b2e13b9f0 (2016) reverted a35308306 "unix,win: simplify calculating
    # polling timeout", which had dropped the closing-handles test from the
    # poll timeout: a handle closed before the poll (in a timer, idle or
    # prepare callback) had its close callback wait for the next event.
    "poll-timeout-ignores-closing": ("src/unix/core.c", "b2e13b9f006b", [
        ("""      QUEUE_EMPTY(&loop->idle_handles) &&
      loop->closing_handles == NULL)
""", """      QUEUE_EMPTY(&loop->idle_handles))
"""),
    ]),
}


def main(argv):
    if argv[1:] == ["--list"]:
        for name, (path, commit, _) in MUTATIONS.items():
            print(name, path, commit)
        return 0
    if len(argv) != 4 or argv[1] not in MUTATIONS:
        print("usage: mutate.py NAME SRC OUT | --list; names: " + " ".join(MUTATIONS),
              file=sys.stderr)
        return 2
    name, src, out = argv[1:]
    text = open(src).read()
    for old, new in MUTATIONS[name][2]:
        if text.count(old) != 1:
            print(f"mutate.py: {name}: {src} has {text.count(old)} copies of the text "
                  f"to change (libuv moved?):\n{old}", file=sys.stderr)
            return 1
        text = text.replace(old, new)
    header = f"/* wakesim mutation {name}: re-creates what libuv {MUTATIONS[name][1]} fixed */\n"
    open(out, "w").write(header + text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
