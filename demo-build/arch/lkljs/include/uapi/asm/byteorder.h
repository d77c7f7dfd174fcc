/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
#ifndef _UAPI_ASM_LKLJS_BYTEORDER_H
#define _UAPI_ASM_LKLJS_BYTEORDER_H

/* WebAssembly memory is little-endian by definition. */
#include <linux/byteorder/little_endian.h>

#endif
