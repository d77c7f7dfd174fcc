/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_LKLJS_VMALLOC_H
#define _ASM_LKLJS_VMALLOC_H
/* No MMU, so no huge vmalloc mappings to describe. */
#endif
