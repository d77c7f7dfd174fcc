	.text
	.file	"asm-offsets.c"
	.section	.text.lkljs_asm_offsets,"",@
	.hidden	lkljs_asm_offsets               # -- Begin function lkljs_asm_offsets
	.globl	lkljs_asm_offsets
	.type	lkljs_asm_offsets,@function
lkljs_asm_offsets:                      # @lkljs_asm_offsets
	.functype	lkljs_asm_offsets () -> ()
# %bb.0:
                                        # fallthrough-return
	end_function
.Lfunc_end0:
	.size	lkljs_asm_offsets, .Lfunc_end0-lkljs_asm_offsets
                                        # -- End function
	.ident	"Debian clang version 14.0.6"
	.section	.custom_section.producers,"",@
	.int8	1
	.int8	12
	.ascii	"processed-by"
	.int8	1
	.int8	12
	.ascii	"Debian clang"
	.int8	6
	.ascii	"14.0.6"
	.section	.text.lkljs_asm_offsets,"",@
	.section	.custom_section.target_features,"",@
	.int8	2
	.int8	43
	.int8	7
	.ascii	"atomics"
	.int8	43
	.int8	11
	.ascii	"bulk-memory"
	.section	.text.lkljs_asm_offsets,"",@
