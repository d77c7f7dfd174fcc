#include <asm-generic/page.h>
