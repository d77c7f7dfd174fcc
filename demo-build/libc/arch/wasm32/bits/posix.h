/* From musl's or1k port: the same asm-generic 32-bit kernel layout. */
#define _POSIX_V6_ILP32_OFFBIG  1
#define _POSIX_V7_ILP32_OFFBIG  1
