/*
 * ringbuf.c - fixed-capacity byte ring buffer used by the serial driver.
 *
 * The buffer is single-producer / single-consumer: the interrupt handler
 * writes, the main loop reads. Capacity must be a power of two so that
 * indices can be wrapped with a mask instead of a division.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define RING_CAPACITY 64u
#define RING_MASK (RING_CAPACITY - 1u)

#if (RING_CAPACITY & RING_MASK) != 0
#error "RING_CAPACITY must be a power of two"
#endif

typedef struct {
    uint8_t data[RING_CAPACITY];
    volatile uint32_t head; /* next slot to write */
    volatile uint32_t tail; /* next slot to read */
    uint32_t dropped;       /* bytes lost because the buffer was full */
} ring_t;

void ring_init(ring_t *r)
{
    memset(r->data, 0, sizeof r->data);
    r->head = 0;
    r->tail = 0;
    r->dropped = 0;
}

size_t ring_used(const ring_t *r)
{
    return (size_t)(r->head - r->tail);
}

size_t ring_free(const ring_t *r)
{
    return RING_CAPACITY - ring_used(r);
}

int ring_is_empty(const ring_t *r)
{
    return r->head == r->tail;
}

int ring_is_full(const ring_t *r)
{
    return ring_used(r) == RING_CAPACITY;
}

/* Append one byte; returns 0 on success, -1 if the buffer is full. */
int ring_put(ring_t *r, uint8_t byte)
{
    if (ring_is_full(r)) {
        r->dropped++;
        return -1;
    }
    r->data[r->head & RING_MASK] = byte;
    r->head++;
    return 0;
}

/* Remove one byte; returns 0 on success, -1 if the buffer is empty. */
int ring_get(ring_t *r, uint8_t *out)
{
    if (ring_is_empty(r)) {
        return -1;
    }
    *out = r->data[r->tail & RING_MASK];
    r->tail++;
    return 0;
}

/* Copy up to len bytes into the buffer; returns how many were written. */
size_t ring_write(ring_t *r, const uint8_t *src, size_t len)
{
    size_t count = 0;
    size_t room = ring_free(r);
    if (len > room) {
        r->dropped += (uint32_t)(len - room);
        len = room;
    }
    while (count < len) {
        r->data[r->head & RING_MASK] = src[count];
        r->head++;
        count++;
    }
    return count;
}

/* Copy up to len bytes out of the buffer; returns how many were read. */
size_t ring_read(ring_t *r, uint8_t *dst, size_t len)
{
    size_t count = 0;
    size_t avail = ring_used(r);
    if (len > avail) {
        len = avail;
    }
    while (count < len) {
        dst[count] = r->data[r->tail & RING_MASK];
        r->tail++;
        count++;
    }
    return count;
}

/* Look at the byte at offset from the read position without removing it. */
int ring_peek(const ring_t *r, size_t offset, uint8_t *out)
{
    if (offset >= ring_used(r)) {
        return -1;
    }
    *out = r->data[(r->tail + offset) & RING_MASK];
    return 0;
}

/* Find the first occurrence of byte; returns its offset or -1. */
long ring_find(const ring_t *r, uint8_t byte)
{
    size_t used = ring_used(r);
    for (size_t i = 0; i < used; i++) {
        if (r->data[(r->tail + i) & RING_MASK] == byte) {
            return (long)i;
        }
    }
    return -1;
}

/* Read one line terminated by '\n' into dst (NUL-terminated, newline dropped). */
int ring_read_line(ring_t *r, char *dst, size_t cap)
{
    long end = ring_find(r, (uint8_t)'\n');
    if (end < 0 || (size_t)end + 1 > cap) {
        return -1;
    }
    ring_read(r, (uint8_t *)dst, (size_t)end);
    dst[end] = '\0';
    uint8_t newline;
    ring_get(r, &newline);
    return (int)end;
}

void ring_dump(const ring_t *r, FILE *out)
{
    fprintf(out, "ring: used=%zu free=%zu dropped=%u\n",
            ring_used(r), ring_free(r), (unsigned)r->dropped);
    size_t used = ring_used(r);
    for (size_t i = 0; i < used; i++) {
        fprintf(out, "%02x%c", r->data[(r->tail + i) & RING_MASK],
                (i % 16 == 15) ? '\n' : ' ');
    }
    fputc('\n', out);
}
