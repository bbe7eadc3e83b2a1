/* Copy up to len bytes into the buffer; returns how many were written. */
size_t ring_write(ring_t *r, const uint8_t *src, size_t len)
{
    if (r == NULL || src == NULL) {
        return 0;
    }
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
