#include <asm-generic/string.h>
