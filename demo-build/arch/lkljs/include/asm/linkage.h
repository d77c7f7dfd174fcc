/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _ASM_LKLJS_LINKAGE_H
#define _ASM_LKLJS_LINKAGE_H

/*
 * wasm code does not live in linear memory and has no label addresses
 * (the generic definition takes &&label), so "this instruction" is 0.
 */
#define _THIS_IP_	0UL

#endif
