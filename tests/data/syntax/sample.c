#include <stdio.h>

// ai: use snprintf
struct greeter {
    const char *name;
};

static int greet(const char *name)
{
    int n = printf("Hello, %s\n", name);
    if (n < 0) {
        return -1;
    }
    return n;
}

int x = 1; int y = 2;
