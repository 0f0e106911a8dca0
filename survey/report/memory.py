"""Freed memory kept for reuse while the report computes (glibc's malloc; elsewhere nothing).

The report makes and drops arrays of tens of megabytes thousands of times (an indicator
matrix of 30,000 respondents x 120 indicators is 28 MB). By default glibc hands such blocks
back to the kernel when they are freed, so the next array's pages are new to the process:
each is a page fault, and with numpy's transparent huge pages a 2 MB page zeroed, perhaps
compacted first. Measured on the full-scale editions (2 cores, loaded): estimating one
edition's indicators took 0.2 to 1.0 s of system time in 22,000 to 27,000 page faults; with
the freed blocks kept in the heap, 0.01 s in about 350. The peak resident size is what the
largest moment needs either way; afterwards the kept memory is handed back (`malloc_trim`).
"""

import contextlib
import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1  # free memory at the top of the heap kept before trimming
M_MMAP_THRESHOLD = -3  # blocks at least this large get their own mapping, unmapped when freed
KEEP = 1 << 30
DEFAULT = 128 * 1024  # glibc's defaults of both


def _glibc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


@contextlib.contextmanager
def freed_memory_kept():
    """Within the block, freed memory stays in the process for the next allocation; after it,
    glibc's default thresholds again and the kept memory handed back to the kernel."""
    libc = _glibc()
    if libc is None:
        yield
        return
    # glibc caps the mapping threshold (32 MB on 64-bit); what it refuses stays as it was
    libc.mallopt(M_MMAP_THRESHOLD, KEEP) or libc.mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024)
    libc.mallopt(M_TRIM_THRESHOLD, KEEP)
    try:
        yield
    finally:
        libc.mallopt(M_TRIM_THRESHOLD, DEFAULT)
        libc.mallopt(M_MMAP_THRESHOLD, DEFAULT)
        libc.malloc_trim(0)
