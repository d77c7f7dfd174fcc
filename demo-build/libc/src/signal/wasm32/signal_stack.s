# The stack pointer of a wasm program is its global __stack_pointer, which
# C cannot name, hence assembly: __lkljs_stack_pointer() reads it (for
# sigaltstack.c), and __lkljs_call_on_stack(function, argument, top) calls
# function(argument) with the stack pointer at top, then puts it back (for
# trampoline.c: a handler on the alternate signal stack). A handler that
# longjmps out leaves through the exception that longjmp throws; the
# function that catches it restores the stack pointer to its own frame's.
	.globaltype __stack_pointer, i32

	.section .text.__lkljs_stack_pointer,"",@
	.hidden __lkljs_stack_pointer
	.globl __lkljs_stack_pointer
	.type __lkljs_stack_pointer,@function
__lkljs_stack_pointer:
	.functype __lkljs_stack_pointer () -> (i32)
	global.get __stack_pointer
	end_function

	.section .text.__lkljs_call_on_stack,"",@
	.hidden __lkljs_call_on_stack
	.globl __lkljs_call_on_stack
	.type __lkljs_call_on_stack,@function
__lkljs_call_on_stack:
	.functype __lkljs_call_on_stack (i32, i32, i32) -> (i32)
	.local i32, i32
	global.get __stack_pointer
	local.set 3
	local.get 2
	global.set __stack_pointer
	local.get 1
	local.get 0
	call_indirect (i32) -> (i32)
	local.set 4
	local.get 3
	global.set __stack_pointer
	local.get 4
	end_function
