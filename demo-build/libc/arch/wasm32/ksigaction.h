/*
 * The rt_sigaction structure of the lkljs kernel: asm-generic's without
 * sa_restorer (the kernel defines no SA_RESTORER; a handler returns through
 * the program's __lkljs_signal_trampoline, see src/signal/wasm32/). musl's
 * sigaction.c always fills a restorer, so it is kept, after the mask, where
 * the kernel does not read; in the middle, the kernel would take it for
 * the first word of sa_mask.
 */
struct k_sigaction {
	void (*handler)(int);
	unsigned long flags;
	unsigned mask[2];
	void (*restorer)(void);
};

hidden void __restore(), __restore_rt();
