/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LKLJS_UAPI_H
#define LKLJS_UAPI_H

/*
 * The kernel's user-space ABI as the host's programs need it. The host is
 * built against Emscripten's libc, whose headers describe Emscripten's own
 * system interface, not this kernel's; so the values and layouts below are
 * the kernel's asm-generic ones for a 32-bit machine, named LKLJS_*.
 */

#define LKLJS_AT_FDCWD		(-100)
#define LKLJS_AT_REMOVEDIR	0x200

#define LKLJS_O_RDONLY		00
#define LKLJS_O_WRONLY		01
#define LKLJS_O_RDWR		02
#define LKLJS_O_CREAT		0100
#define LKLJS_O_EXCL		0200
#define LKLJS_O_TRUNC		01000
#define LKLJS_O_NONBLOCK	04000
#define LKLJS_O_DIRECTORY	0200000
#define LKLJS_O_CLOEXEC		02000000

#define LKLJS_SEEK_SET		0
#define LKLJS_SEEK_CUR		1
#define LKLJS_SEEK_END		2

#define LKLJS_S_IFMT		0170000
#define LKLJS_S_IFDIR		0040000
#define LKLJS_S_IFREG		0100000

#define LKLJS_ENOENT		2
#define LKLJS_EINTR		4
#define LKLJS_EBADF		9
#define LKLJS_EAGAIN		11
#define LKLJS_EEXIST		17
#define LKLJS_EINVAL		22
#define LKLJS_ENOEXEC		8
#define LKLJS_ECHILD		10

#define LKLJS_WNOHANG		1
#define LKLJS_SIGILL		4
#define LKLJS_SIGSEGV		11
/* wait4's status: an exit code, or the signal that killed the child. */
#define LKLJS_WIFEXITED(status)		(((status) & 0x7f) == 0)
#define LKLJS_WEXITSTATUS(status)	(((status) >> 8) & 0xff)
#define LKLJS_WTERMSIG(status)		((status) & 0x7f)

#define LKLJS_MS_NOSUID		2
#define LKLJS_MS_NODEV		4
#define LKLJS_MS_NOEXEC		8
#define LKLJS_MNT_DETACH	2

#define LKLJS_REBOOT_MAGIC1	0xfee1dead
#define LKLJS_REBOOT_MAGIC2	672274793
#define LKLJS_REBOOT_CMD_HALT	0xcdef0123

#define LKLJS_CLOCK_REALTIME	0
#define LKLJS_CLOCK_MONOTONIC	1

#define LKLJS_EPOLL_CTL_ADD	1
#define LKLJS_EPOLLIN		0x001

#define LKLJS_AF_INET		2
#define LKLJS_SOCK_STREAM	1
#define LKLJS_SOCK_DGRAM	2
#define LKLJS_SOL_SOCKET	1
#define LKLJS_SO_REUSEADDR	2
#define LKLJS_SIOCGIFFLAGS	0x8913
#define LKLJS_SIOCSIFFLAGS	0x8914
#define LKLJS_IFF_UP		0x1
#define LKLJS_IFF_LOOPBACK	0x8
#define LKLJS_IFF_RUNNING	0x40
/* 127.0.0.1, in network byte order on this little-endian machine. */
#define LKLJS_INADDR_LOOPBACK	0x0100007fU

struct lkljs_utsname {
	char sysname[65];
	char nodename[65];
	char release[65];
	char version[65];
	char machine[65];
	char domainname[65];
};

/* asm-generic/stat.h, struct stat64 (fstat64, fstatat64). */
struct lkljs_stat64 {
	unsigned long long dev;
	unsigned long long ino;
	unsigned int mode;
	unsigned int nlink;
	unsigned int uid;
	unsigned int gid;
	unsigned long long rdev;
	unsigned long long pad1;
	long long size;
	int blksize;
	int pad2;
	long long blocks;
	int atime;
	unsigned int atime_nsec;
	int mtime;
	unsigned int mtime_nsec;
	int ctime;
	unsigned int ctime_nsec;
	unsigned int unused4;
	unsigned int unused5;
};

struct lkljs_dirent64 {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

struct lkljs_timespec64 {
	long long sec;
	long long nsec;
};

struct lkljs_epoll_event {
	unsigned int events;
	unsigned long long data;
};

struct lkljs_sockaddr_in {
	unsigned short family;
	/* Network byte order. */
	unsigned short port;
	unsigned int address;
	unsigned char zero[8];
};

struct lkljs_ifreq {
	char name[16];
	short flags;
	char union_rest[14];
};

#endif
