#include <asm-generic/barrier.h>
