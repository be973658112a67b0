// Swapping two paths in one step, which Swift cannot call directly: Glibc does not export
// `renameat2` to Swift and `syscall` is variadic. Publishing a site swaps the finished new
// folder with the old one, so a reader sees one or the other, never a mix.
#ifndef NOTEBOOK_RENAME_EXCHANGE_H
#define NOTEBOOK_RENAME_EXCHANGE_H

#if defined(__linux__)
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

/// Exchanges `a` and `b` atomically (renameat2 with RENAME_EXCHANGE); 0, or -1 with errno.
static inline int notebook_rename_exchange(const char *a, const char *b) {
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 2 /* RENAME_EXCHANGE */);
}
#elif defined(__APPLE__)
#include <stdio.h>

static inline int notebook_rename_exchange(const char *a, const char *b) {
    return renamex_np(a, b, RENAME_SWAP);
}
#else
#include <errno.h>

static inline int notebook_rename_exchange(const char *a, const char *b) {
    (void)a; (void)b;
    errno = ENOSYS;
    return -1;
}
#endif

#endif
