/*
 * test-bql.c - the BQL and the current-context rule on real threads.
 *
 * Asserts: aio_bql_locked() is per thread; a thread holding the BQL gets the
 * main context from aio_current_context() and NULL after releasing it; a
 * thread with its own context gets its own, with or without the BQL; any
 * other thread gets NULL.
 */
#include "test-util.h"

static aio_context_t *main_ctx, *io_ctx;

static void *bql_holder_thread(void *arg)
{
    ASSERT_FALSE(aio_bql_locked());
    ASSERT_NULL(aio_current_context());
    aio_bql_lock();
    ASSERT_TRUE(aio_bql_locked());
    ASSERT_PTR_EQ(aio_current_context(), main_ctx);
    aio_bql_unlock();
    ASSERT_FALSE(aio_bql_locked());
    ASSERT_NULL(aio_current_context());
    return NULL;
}

static void *iothread(void *arg)
{
    aio_thread_context_set(io_ctx);
    ASSERT_PTR_EQ(aio_current_context(), io_ctx);
    aio_bql_lock();
    ASSERT_PTR_EQ(aio_current_context(), io_ctx); /* own context wins */
    aio_bql_unlock();
    ASSERT_PTR_EQ(aio_current_context(), io_ctx);
    aio_thread_context_set(NULL);
    ASSERT_NULL(aio_current_context());
    return NULL;
}

static void *plain_thread(void *arg)
{
    ASSERT_NULL(aio_current_context());
    return NULL;
}

/* The main thread holds the BQL: another thread's bql_locked() is false. */
static void *observer_thread(void *arg)
{
    ASSERT_FALSE(aio_bql_locked());
    ASSERT_NULL(aio_current_context());
    return NULL;
}

int main(int argc, char **argv)
{
    aio_bql_init();
    main_ctx = test_context_new(AIO_BACKEND_POLL);
    io_ctx = test_context_new(AIO_BACKEND_POLL);
    aio_main_context_set(main_ctx);
    ASSERT_PTR_EQ(aio_main_context(), main_ctx);

    /* This thread has no own context and no BQL yet. */
    ASSERT_NULL(aio_current_context());

    pthread_t t = test_thread_start(bql_holder_thread, NULL);
    test_thread_join(t);
    t = test_thread_start(iothread, NULL);
    test_thread_join(t);
    t = test_thread_start(plain_thread, NULL);
    test_thread_join(t);

    aio_bql_lock();
    ASSERT_PTR_EQ(aio_current_context(), main_ctx);
    t = test_thread_start(observer_thread, NULL);
    test_thread_join(t);
    aio_bql_unlock();

    /* The main-loop thread: its own context is the main context. */
    aio_thread_context_set(main_ctx);
    ASSERT_PTR_EQ(aio_current_context(), main_ctx);
    aio_thread_context_set(NULL);

    aio_main_context_set(NULL);
    aio_bql_lock();
    ASSERT_NULL(aio_current_context());
    aio_bql_unlock();

    aio_context_free(io_ctx);
    aio_context_free(main_ctx);
    aio_bql_destroy();
    printf("test-bql: ok\n");
    return 0;
}
