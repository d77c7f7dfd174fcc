#include <asm-generic/pgalloc.h>
