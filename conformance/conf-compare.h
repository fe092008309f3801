/*
 * conf-compare.h - comparing two worlds' outcome lines, and getting
 * Linux's outcome from the conf-real program.
 */
#ifndef WAKESIM_CONF_COMPARE_H
#define WAKESIM_CONF_COMPARE_H

#include "conf-seq.h"

/* Index of the first line where a and b differ, or -1 if they are equal.
 * Lines are canonical (conf-exec.h), so this is a string comparison. */
int conf_first_difference(const GPtrArray *a, const GPtrArray *b);
/* Number of compared facts in an outcome: one per line, plus one per CQE
 * of each reap line. */
unsigned conf_count_facts(const GPtrArray *lines, unsigned *cqes);

/* Runs `conf_real text` (the sequence on stdin) and appends its lines.
 * Returns 0; 77 if io_uring is unavailable there (*why: its message);
 * another value on failure (*why says what).  g_free *why. */
int conf_run_real(const char *conf_real, const conf_seq_t *s, GPtrArray *out, char **why);

/* Runs `conf_real --probe`: 0 when io_uring_setup works on this machine,
 * 77 when it does not, another value when the probe itself failed; *msg
 * (g_free it) says which, with the kernel release. */
int conf_probe_real(const char *conf_real, char **msg);

/* A recorded outcome (FILE.linux) starts with the kernel that produced it:
 * "# recorded on Linux <uname -r>".  Comparisons never see that line. */
#define CONF_KERNEL_PREFIX "# recorded on Linux "
/* That line for this machine.  g_free it. */
char *conf_kernel_header(void);
/* Removes the leading "#" lines of a recorded outcome; returns the kernel
 * release they name (*kernel, g_free it), or NULL when none does. */
const char *conf_strip_header(GPtrArray *lines, char **kernel);

/* Splits text into lines (no empty last line). */
void conf_lines_from_text(const char *text, GPtrArray *out);

#endif
