#include <asm-generic/irq_work.h>
