/*
 * blkdev.c - simulated block devices with real data.
 *
 * Unwritten bytes read as a pattern derived from (fd, offset) (see
 * pattern_block()), so a reader can check that it got the right bytes from
 * the right place; writes are
 * stored in 4 KiB overlay pages allocated on first write.  Each request's
 * latency is a decision: one of 16 evenly spaced values in [min, max].
 * Write data is copied when the request starts (our SUBMIT_STABLE), read
 * data when it completes (so a buffer reused too early shows up).
 */
#include "kernel.h"
#include "prng.h"

#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

enum { PAGE = 4096, LATENCY_STEPS = 16, CHUNK_PAGES = 512 };

/* Overlay pages sit in a two-level table: a directory of chunks of
 * CHUNK_PAGES page pointers, each chunk allocated on the first write into
 * its 2 MiB.  A flat table of a 1 GiB device was 2 MiB of pointers zeroed
 * at every creation (the generated workload makes up to five devices per
 * run: 18% of its instructions went to that calloc). */
struct sim_blkdev {
    sim_file_t file;
    uint64_t size;
    int64_t lat_min, lat_max;
    uint8_t ***chunks; /* n_chunks chunk pointers, NULL = all pattern */
    size_t n_chunks;
    /* One past the highest chunk ever allocated: chunks[chunks_end..] are
     * all NULL, so freeing a large device that saw a few writes walks
     * only what was used. */
    size_t chunks_end;
};

/* The pattern is one fixed pseudo-random 4 KiB block, whose first 8 bytes
 * in each device page are replaced by a tag of (fd, page number).  A read
 * of the wrong place or the wrong device shows in the tag; garbage shows in
 * the body.  Filling is a memcpy plus one word per page, so simulating the
 * seed's 128 MiB workload (every byte read, then checked) stays cheap.  The
 * block is immutable once built: it carries no state between runs. */
static uint8_t pattern_body[PAGE];
static bool pattern_ready;

static const uint8_t *pattern_block(void)
{
    if (!pattern_ready) {
        uint64_t s = 0x77616b6573696dull; /* "wakesim" */
        for (size_t i = 0; i < PAGE; i += 8) {
            uint64_t word = sim_splitmix64(&s);
            memcpy(pattern_body + i, &word, 8);
        }
        pattern_ready = true;
    }
    return pattern_body;
}

static uint64_t pattern_tag(int fd, uint64_t page)
{
    uint64_t s = ((uint64_t)(uint32_t)fd << 40) ^ page;
    return sim_splitmix64(&s);
}

uint8_t sim_blkdev_pattern(int fd, uint64_t offset)
{
    unsigned in_page = (unsigned)(offset % PAGE);
    if (in_page < 8)
        return (uint8_t)(pattern_tag(fd, offset / PAGE) >> (8 * in_page));
    return pattern_block()[in_page];
}

static sim_blkdev_t *blkdev_of(sim_file_t *f)
{
    return f && f->kind == SIM_FILE_BLKDEV ? (sim_blkdev_t *)f : NULL;
}

static unsigned blkdev_poll_mask(sim_world_t *w, sim_file_t *f)
{
    return POLLIN | POLLOUT; /* a block device is always ready */
}

static const sim_file_ops_t blkdev_ops = {
    .name = "blkdev",
    .poll_mask = blkdev_poll_mask,
    .destroy = sim_blkdev_free,
};

int sim_blkdev_create(sim_world_t *w, uint64_t size_bytes, int64_t lat_min_ns,
                      int64_t lat_max_ns)
{
    if (!w || lat_min_ns < 0 || lat_max_ns < lat_min_ns)
        return -EINVAL;
    sim_blkdev_t *d = calloc(1, sizeof(*d));
    if (!d)
        return -ENOMEM;
    d->size = size_bytes;
    d->lat_min = lat_min_ns;
    d->lat_max = lat_max_ns;
    uint64_t n_pages = (size_bytes + PAGE - 1) / PAGE;
    d->n_chunks = (size_t)((n_pages + CHUNK_PAGES - 1) / CHUNK_PAGES);
    d->chunks = calloc(d->n_chunks ? d->n_chunks : 1, sizeof(*d->chunks));
    if (!d->chunks) {
        free(d);
        return -ENOMEM;
    }
    return sim_fd_install(w, &d->file, SIM_FILE_BLKDEV, &blkdev_ops);
}

void sim_blkdev_free(sim_file_t *f)
{
    sim_blkdev_t *d = (sim_blkdev_t *)f;
    for (size_t c = 0; c < d->chunks_end; c++) {
        if (!d->chunks[c])
            continue;
        for (size_t i = 0; i < CHUNK_PAGES; i++)
            free(d->chunks[c][i]);
        free(d->chunks[c]);
    }
    free(d->chunks);
    free(d);
}

/* The pattern for [off, off+n), within one device page. */
static void fill_pattern(int fd, uint64_t off, uint8_t *dst, size_t n)
{
    unsigned in_page = (unsigned)(off % PAGE);
    memcpy(dst, pattern_block() + in_page, n);
    if (in_page >= 8)
        return;
    uint64_t tag = pattern_tag(fd, off / PAGE);
    for (unsigned i = in_page; i < 8 && i < in_page + n; i++)
        dst[i - in_page] = (uint8_t)(tag >> (8 * i));
}

/* The overlay page of device page pn, or NULL (it reads as the pattern). */
static const uint8_t *page_at(const sim_blkdev_t *d, uint64_t pn)
{
    uint8_t **chunk = d->chunks[pn / CHUNK_PAGES];
    return chunk ? chunk[pn % CHUNK_PAGES] : NULL;
}

/* Device -> memory, n bytes at off (caller clamps to the size). */
static void copy_out(const sim_blkdev_t *d, uint64_t off, uint8_t *dst, size_t n)
{
    while (n) {
        size_t in_page = PAGE - (size_t)(off % PAGE);
        size_t take = in_page < n ? in_page : n;
        const uint8_t *page = page_at(d, off / PAGE);
        if (page)
            memcpy(dst, page + off % PAGE, take);
        else
            fill_pattern(d->file.fd, off, dst, take);
        dst += take;
        off += take;
        n -= take;
    }
}

/* The overlay page of device page pn, made on first use from the pattern. */
static uint8_t *page_for_write(sim_blkdev_t *d, uint64_t pn)
{
    size_t c = (size_t)(pn / CHUNK_PAGES);
    if (!d->chunks[c]) {
        d->chunks[c] = calloc(CHUNK_PAGES, sizeof(uint8_t *));
        if (!d->chunks[c])
            sim_fatal("out of memory (block device page table)");
        if (c >= d->chunks_end)
            d->chunks_end = c + 1;
    }
    uint8_t **slot = &d->chunks[c][pn % CHUNK_PAGES];
    if (!*slot) {
        uint8_t *fresh = malloc(PAGE);
        if (!fresh)
            sim_fatal("out of memory (block device page)");
        copy_out(d, pn * PAGE, fresh, PAGE); /* pattern first */
        *slot = fresh;
    }
    return *slot;
}

/* Memory -> device. */
static void copy_in(sim_blkdev_t *d, uint64_t off, const uint8_t *src, size_t n)
{
    while (n) {
        size_t in_page = PAGE - (size_t)(off % PAGE);
        size_t take = in_page < n ? in_page : n;
        memcpy(page_for_write(d, off / PAGE) + off % PAGE, src, take);
        src += take;
        off += take;
        n -= take;
    }
}

/* Runs the transfer over the request's buffer(s); returns bytes moved. */
static int64_t transfer(sim_blkdev_t *d, sim_req_t *q, bool write)
{
    struct iovec one = { q->buf, q->len };
    const struct iovec *iov = q->iov ? q->iov : &one;
    unsigned n = q->iov ? q->iov_n : 1;
    uint64_t off = q->offset;
    int64_t done = 0;
    for (unsigned i = 0; i < n && off < d->size; i++) {
        size_t len = iov[i].iov_len;
        if (len > d->size - off)
            len = (size_t)(d->size - off);
        if (write)
            copy_in(d, off, iov[i].iov_base, len);
        else
            copy_out(d, off, iov[i].iov_base, len);
        off += len;
        done += (int64_t)len;
    }
    return done;
}

int64_t sim_blkdev_start(sim_world_t *w, sim_file_t *f, sim_req_t *req, bool write)
{
    sim_blkdev_t *d = blkdev_of(f);
    if (!d)
        return -EBADF;
    if (req->iov && req->iov_n > 1024)
        return -EINVAL;
    if (write)
        req->len = (size_t)transfer(d, req, true); /* result, kept for finish */
    int64_t span = d->lat_max - d->lat_min;
    int64_t lat = d->lat_min;
    static const sim_site_t latency = { NULL, "blk_latency", NULL };
    if (span > 0)
        lat += span * sim_decide_value(w, LATENCY_STEPS, &latency) / (LATENCY_STEPS - 1);
    return lat;
}

int64_t sim_blkdev_finish(sim_world_t *w, sim_file_t *f, sim_req_t *req, bool write)
{
    sim_blkdev_t *d = blkdev_of(f);
    if (!d)
        return -EBADF;
    if (write)
        return (int64_t)req->len;
    return transfer(d, req, false);
}

/* Does [buf, buf+n) hold the device's bytes at off?  The comparison is made
 * page by page against the overlay page or the pattern block, so no copy of
 * the expected bytes is made (that copy was a third of the instructions of
 * the seed's 128 MiB workload, whose every byte is checked). */
static bool same_as(const sim_blkdev_t *d, uint64_t off, const uint8_t *buf, size_t n)
{
    while (n) {
        size_t in_page = (size_t)(off % PAGE);
        size_t take = PAGE - in_page < n ? PAGE - in_page : n;
        const uint8_t *page = page_at(d, off / PAGE);
        size_t tagged = 0;
        if (!page && in_page < 8) {
            uint64_t tag = pattern_tag(d->file.fd, off / PAGE);
            tagged = 8 - in_page < take ? 8 - in_page : take;
            for (size_t i = 0; i < tagged; i++) {
                if (buf[i] != (uint8_t)(tag >> (8 * (in_page + i))))
                    return false;
            }
        }
        const uint8_t *want = (page ? page : pattern_block()) + in_page;
        if (memcmp(buf + tagged, want + tagged, take - tagged) != 0)
            return false;
        buf += take;
        off += take;
        n -= take;
    }
    return true;
}

int sim_blkdev_verify(sim_world_t *w, int fd, uint64_t offset, const void *buf, size_t len)
{
    sim_blkdev_t *d = blkdev_of(sim_fd_lookup(w, fd));
    if (!d)
        return -EBADF;
    if (offset > d->size || len > d->size - offset)
        return -EINVAL;
    return same_as(d, offset, buf, len) ? 0 : 1;
}

int sim_blkdev_expected(sim_world_t *w, int fd, uint64_t offset, void *buf, size_t len)
{
    sim_blkdev_t *d = blkdev_of(sim_fd_lookup(w, fd));
    if (!d)
        return -EBADF;
    if (offset > d->size || len > d->size - offset)
        return -EINVAL;
    copy_out(d, offset, buf, len);
    return 0;
}
