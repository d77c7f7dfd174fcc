/*
 * The entry of a program whose main takes no arguments: clang names that
 * main __main_void, and crt1.o calls __main_argc_argv (see
 * arch/wasm32/crt_arch.h). A program with main(int, char **) defines
 * __main_argc_argv itself, so the linker never fetches this file.
 */
int __main_void(void);

int __main_argc_argv(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return __main_void();
}
