// SPDX-License-Identifier: GPL-2.0-only
/* Does nothing: its _start returns, which is exit status 0 (ABI §5). */
#include "lkljs-program.h"

__attribute__((export_name("_start"))) void _start(long *sp)
{
}
