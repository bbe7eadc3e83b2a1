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

#define RING_CAPACITY 256u
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
