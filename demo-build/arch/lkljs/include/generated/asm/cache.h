#include <asm-generic/cache.h>
