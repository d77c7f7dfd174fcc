/* From musl's or1k port: the same asm-generic 32-bit kernel layout. */
#define IPC_STAT 0x102
