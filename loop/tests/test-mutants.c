/*
 * test-mutants.c - naming and enabling mutants.
 *
 * Asserts: every mutant has a unique name that aio_mutant_lookup() maps back;
 * aio_mutants_parse("missing-notify-add-sqe") enables exactly that site, a
 * list with spaces and empty items works, an unknown name returns -1 with a
 * message naming it and every known mutant and changes nothing;
 * aio_mutants_from_env() reads WAKESIM_MUTANTS (unset: no change; bad name:
 * -1 and the message on stderr).
 */
#include "test-util.h"

static bool on(aio_mutant_t m)
{
    return aio_mutant_on(m);
}

/* Runs aio_mutants_from_env() with stderr captured into *out. */
static int from_env_capture(char **out)
{
    fflush(stderr);
    FILE *tmp = tmpfile();
    ASSERT_NOT_NULL(tmp);
    int saved = dup(2);
    ASSERT_GE(saved, 0);
    ASSERT_GE(dup2(fileno(tmp), 2), 0);
    int rc = aio_mutants_from_env();
    fflush(stderr);
    ASSERT_GE(dup2(saved, 2), 0);
    close(saved);
    off_t n = lseek(fileno(tmp), 0, SEEK_END);
    ASSERT_GE(n, 0);
    *out = g_malloc0((size_t)n + 1);
    ASSERT_EQ(pread(fileno(tmp), *out, (size_t)n, 0), n);
    fclose(tmp);
    return rc;
}

int main(int argc, char **argv)
{
    aio_mutants_clear();
    ASSERT_EQ(aio_mutants_enabled_mask, 0);

    for (int i = 0; i < AIO_MUTANT_COUNT; i++) {
        const char *name = aio_mutant_name((aio_mutant_t)i);
        ASSERT_STR_CONTAINS(name, "-");
        ASSERT_EQ(aio_mutant_lookup(name), i);
        ASSERT_TRUE(strlen(aio_mutant_description((aio_mutant_t)i)) > 10);
        for (int j = 0; j < i; j++) {
            ASSERT_TRUE(strcmp(name, aio_mutant_name((aio_mutant_t)j)) != 0);
        }
    }
    ASSERT_EQ(aio_mutant_lookup("no-such-mutant"), -1);

    /* The seed bug by name. */
    char *err = NULL;
    ASSERT_OK(aio_mutants_parse("missing-notify-add-sqe", &err));
    ASSERT_NULL(err);
    ASSERT_TRUE(on(AIO_MUTANT_MISSING_NOTIFY_ADD_SQE));
    ASSERT_EQ(aio_mutants_enabled_mask, 1u << AIO_MUTANT_MISSING_NOTIFY_ADD_SQE);
    aio_mutant_set(AIO_MUTANT_MISSING_NOTIFY_ADD_SQE, false);
    ASSERT_FALSE(on(AIO_MUTANT_MISSING_NOTIFY_ADD_SQE));

    /* A list, with spaces and an empty item. */
    ASSERT_OK(aio_mutants_parse(" bh-schedule-no-notify, ,timer-mod-no-notify", &err));
    ASSERT_TRUE(on(AIO_MUTANT_BH_SCHEDULE_NO_NOTIFY));
    ASSERT_TRUE(on(AIO_MUTANT_TIMER_MOD_NO_NOTIFY));
    ASSERT_FALSE(on(AIO_MUTANT_MISSING_NOTIFY_ADD_SQE));
    aio_mutants_clear();
    ASSERT_EQ(aio_mutants_enabled_mask, 0);

    /* Unknown name: -1, a message listing the known names, no change even
     * for the valid names before it. */
    ASSERT_EQ(aio_mutants_parse("missing-notify-add-sqe,bogus-mutant", &err), -1);
    ASSERT_NOT_NULL(err);
    ASSERT_STR_CONTAINS(err, "bogus-mutant");
    for (int i = 0; i < AIO_MUTANT_COUNT; i++) {
        ASSERT_STR_CONTAINS(err, aio_mutant_name((aio_mutant_t)i));
    }
    g_free(err);
    ASSERT_EQ(aio_mutants_enabled_mask, 0);

    /* WAKESIM_MUTANTS. */
    char *msg = NULL;
    unsetenv("WAKESIM_MUTANTS");
    ASSERT_OK(from_env_capture(&msg));
    ASSERT_STR_EQ(msg, "");
    g_free(msg);
    ASSERT_EQ(aio_mutants_enabled_mask, 0);

    setenv("WAKESIM_MUTANTS", "missing-notify-add-sqe,gsource-check-skips-cq", 1);
    ASSERT_OK(from_env_capture(&msg));
    g_free(msg);
    ASSERT_TRUE(on(AIO_MUTANT_MISSING_NOTIFY_ADD_SQE));
    ASSERT_TRUE(on(AIO_MUTANT_GSOURCE_CHECK_SKIPS_CQ));
    ASSERT_FALSE(on(AIO_MUTANT_POLL_SKIPS_NOTIFIED_RECHECK));
    aio_mutants_clear();

    setenv("WAKESIM_MUTANTS", "nope", 1);
    ASSERT_EQ(from_env_capture(&msg), -1);
    ASSERT_STR_CONTAINS(msg, "WAKESIM_MUTANTS");
    ASSERT_STR_CONTAINS(msg, "nope");
    ASSERT_STR_CONTAINS(msg, "missing-notify-add-sqe");
    g_free(msg);
    ASSERT_EQ(aio_mutants_enabled_mask, 0);
    unsetenv("WAKESIM_MUTANTS");

    printf("test-mutants: ok\n");
    return 0;
}
