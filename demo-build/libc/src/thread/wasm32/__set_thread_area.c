#include "pthread_impl.h"

/* The thread pointer of a single-threaded process (see pthread_arch.h). */
hidden uintptr_t __wasm32_thread_pointer;

int __set_thread_area(void *p)
{
	__wasm32_thread_pointer = (uintptr_t)p;
	return 0;
}
