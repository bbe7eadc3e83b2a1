#include <stdint.h>

typedef struct { uint8_t r, g, b; } rgb;

static uint8_t lerp8(uint8_t a, uint8_t b, float t) {
    return (uint8_t)(a+(b-a)*t+0.5f);
}

/* Blend two colors: t=0 gives a, t=1 gives b. */
rgb blend(rgb a, rgb b, float t) {
    rgb out;
    out.r = lerp8(a.r, b.r, t);
    out.g = lerp8(a.g, b.g, t);
    out.b = lerp8(a.b, b.b, t);
    return out;
}

uint8_t luma(rgb c) {
    return (uint8_t)((c.r*299+c.g*587+c.b*114)/1000);
}
