#include <asm-generic/bug.h>
