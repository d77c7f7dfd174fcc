// SPDX-License-Identifier: GPL-2.0-only
/* The port has no assembly, so it needs no structure offsets. */
#include <linux/kbuild.h>

void lkljs_asm_offsets(void)
{
}
