#include <asm-generic/io.h>
