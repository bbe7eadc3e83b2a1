#include <stdlib.h>
#include <string.h>

typedef struct {
    int *items;
    size_t len;
    size_t cap;
} IntVec;

int vec_push(IntVec *v, int value) {
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        int *items = realloc(v->items, cap * sizeof(int));
        if (!items) {
            return -1;
        }
        v->items = items;
        v->cap = cap;
    }
    v->items[v->len++] = value;
    return 0;
}

int vec_get(const IntVec *v, size_t index, int *out) {
    *out = v->items[index];
    return 0;
}

void vec_free(IntVec *v) {
    free(v->items);
    memset(v, 0, sizeof(*v));
}
