/*
 * test-target-ops.c - a workload refuses a target that lacks an operation
 * it needs, naming it, before anything runs; loop's table has them all.
 *
 * A copy of loop's table without bh_delete stands for a target that has
 * not implemented it: the scenario machine (which never deletes a BH)
 * accepts it, the generated workload does not, and the check's exit status
 * is 2.  Exit 0 pass, 1 fail.
 */
#include <stdio.h>
#include <string.h>
#include "machine.h"
#include "sim-test.h"
#include "targets.h"

static scn_t *load(const char *name, bool generated)
{
    char *path = g_strdup_printf("%s/%s.scn", WAKESIM_SCENARIO_DIR, name);
    GError *err = NULL;
    scn_t *scn = scn_load_file(path, &err);
    if (!scn) {
        TEST_FAIL_("%s: %s", path, err->message);
    }
    g_free(path);
    if (generated && scn->workload != SCN_WORKLOAD_GENERATED) {
        char *text = scn_text_with_generated_workload(scn);
        scn_t *gen = scn_load_text(text, scn->path, &err);
        ASSERT(gen != NULL);
        g_free(text);
        scn_free(scn);
        scn = gen;
    }
    return scn;
}

int main(void)
{
    scn_t *batches = load("ahci-mmio-inline-submit", false);
    scn_t *generated = load("ahci-mmio-inline-submit", true);
    ASSERT_EQ(generated->workload, SCN_WORKLOAD_GENERATED);

    ASSERT(wk_machine_missing_op(batches, &wk_target_loop) == NULL);
    ASSERT(wk_machine_missing_op(generated, &wk_target_loop) == NULL);
    wk_target_select(&wk_target_loop);
    ASSERT_EQ(wk_machine_check_target("test", generated), 0);

    wk_target_ops_t partial = wk_target_loop;
    partial.name = "partial";
    partial.bh_delete = NULL;
    ASSERT(wk_machine_missing_op(batches, &partial) == NULL);
    const char *missing = wk_machine_missing_op(generated, &partial);
    ASSERT(missing != NULL);
    ASSERT_STR_EQ(missing, "bh_delete");

    /* Optional operations are not asked for. */
    partial.bh_delete = wk_target_loop.bh_delete;
    partial.check_leftovers = NULL;
    partial.name_context_objects = NULL;
    partial.name_run_objects = NULL;
    ASSERT(wk_machine_missing_op(generated, &partial) == NULL);

    partial.blk_read = NULL;
    ASSERT_STR_EQ(wk_machine_missing_op(batches, &partial), "blk_read");
    wk_target_select(&partial);
    printf("expected on stderr: ");
    fflush(stdout);
    ASSERT_EQ(wk_machine_check_target("test", generated), 2);
    wk_target_select(&wk_target_loop);

    scn_free(batches);
    scn_free(generated);
    printf("ok\n");
    return 0;
}
