# The entry of a child made by clone() (demo-build/README.md, ABI v2): the
# kernel starts the child's copy of the program here, with sp the stack
# that __clone (clone.c) prepared: the function to call at sp, its argument
# at sp + 4, the caller's thread-local storage block at sp + 8. The copy of
# the memory holds the caller's stack and TLS block, but the new instance's
# globals start from their initial values: the stack pointer and the TLS
# base are set from those words before any C code runs, which C cannot
# say, hence assembly.
	.globaltype __stack_pointer, i32
	.globaltype __tls_base, i32
	.functype __lkljs_clone_child (i32, i32) -> ()

	.section .text.__lkljs_clone_start,"",@
	.globl __lkljs_clone_start
	.export_name __lkljs_clone_start, __lkljs_clone_start
	.type __lkljs_clone_start,@function
__lkljs_clone_start:
	.functype __lkljs_clone_start (i32) -> ()
	local.get 0
	global.set __stack_pointer
	local.get 0
	i32.load 8
	global.set __tls_base
	local.get 0
	i32.load 0
	local.get 0
	i32.load 4
	call __lkljs_clone_child
	end_function
