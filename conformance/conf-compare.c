/* conf-compare.c - outcome comparison and the Linux half's process. */
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include "conf-compare.h"

int conf_first_difference(const GPtrArray *a, const GPtrArray *b)
{
    guint n = a->len < b->len ? a->len : b->len;
    for (guint i = 0; i < n; i++)
        if (strcmp(a->pdata[i], b->pdata[i]) != 0)
            return (int)i;
    return a->len == b->len ? -1 : (int)n;
}

unsigned conf_count_facts(const GPtrArray *lines, unsigned *cqes)
{
    unsigned facts = 0;
    for (guint i = 0; i < lines->len; i++) {
        const char *l = lines->pdata[i];
        facts++;
        if (strncmp(l, "reap: ", 6) == 0) {
            unsigned n = 0;
            for (const char *p = strchr(l + 6, ' '); p; p = strchr(p + 1, ' '))
                n++;
            facts += n;
            if (cqes)
                *cqes += n;
        }
    }
    return facts;
}

void conf_lines_from_text(const char *text, GPtrArray *out)
{
    char **lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++)
        if (**l || l[1])
            g_ptr_array_add(out, g_strdup(*l));
    /* g_strsplit leaves one empty string after a final newline */
    if (out->len && !*(char *)out->pdata[out->len - 1])
        g_ptr_array_remove_index(out, out->len - 1);
    g_strfreev(lines);
}

int conf_run_real(const char *conf_real, const conf_seq_t *s, GPtrArray *out, char **why)
{
    char *text = conf_seq_to_text(s);
    char *argv[] = { (char *)conf_real, (char *)"-", NULL };
    GPid pid;
    gint in_fd, out_fd, err_fd;
    GError *err = NULL;
    *why = NULL;
    if (!g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                  &pid, &in_fd, &out_fd, &err_fd, &err)) {
        *why = g_strdup_printf("cannot run %s: %s", conf_real, err->message);
        g_error_free(err);
        g_free(text);
        return 1;
    }
    /* The text is small (well under a pipe's buffer): write, then read. */
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t n = write(in_fd, text + done, len - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    close(in_fd);
    g_free(text);
    GString *o = g_string_new(NULL), *e = g_string_new(NULL);
    char buf[4096];
    ssize_t n;
    while ((n = read(out_fd, buf, sizeof(buf))) > 0)
        g_string_append_len(o, buf, n);
    while ((n = read(err_fd, buf, sizeof(buf))) > 0)
        g_string_append_len(e, buf, n);
    close(out_fd);
    close(err_fd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
    }
    g_spawn_close_pid(pid);
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (rc == 0)
        conf_lines_from_text(o->str, out);
    else
        *why = g_strdup_printf("%s exited %d: %s", conf_real, rc, g_strstrip(e->str));
    g_string_free(o, TRUE);
    g_string_free(e, TRUE);
    return rc;
}

int conf_probe_real(const char *conf_real, char **msg)
{
    char *argv[] = { (char *)conf_real, (char *)"--probe", NULL };
    char *out = NULL, *err_text = NULL;
    int status = 0;
    GError *err = NULL;
    if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err_text,
                      &status, &err)) {
        *msg = g_strdup_printf("cannot run %s --probe: %s", conf_real, err->message);
        g_error_free(err);
        return 1;
    }
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    *msg = g_strdup(g_strstrip(rc == 0 ? out : err_text));
    g_free(out);
    g_free(err_text);
    return rc;
}

char *conf_kernel_header(void)
{
    struct utsname u;
    return g_strdup_printf("%s%s", CONF_KERNEL_PREFIX, uname(&u) == 0 ? u.release : "?");
}

/* Leading "#" lines of a recorded outcome are about it, not of it. */
const char *conf_strip_header(GPtrArray *lines, char **kernel)
{
    *kernel = NULL;
    while (lines->len && ((char *)lines->pdata[0])[0] == '#') {
        const char *l = lines->pdata[0];
        if (!*kernel && g_str_has_prefix(l, CONF_KERNEL_PREFIX))
            *kernel = g_strdup(l + strlen(CONF_KERNEL_PREFIX));
        g_ptr_array_remove_index(lines, 0);
    }
    return *kernel;
}
