// Freed tensor memory stays with the process. libtorch's CPU allocator is glibc's malloc, which
// by default serves blocks above a (self-adjusting) threshold from fresh mmap()s and hands the
// top of the heap back to the kernel once more than twice that is free. A training step frees
// and re-allocates the same activation-sized blocks (MBs each) every time, so every step pays
// for page faults on memory the kernel zeroes again: a third of the GPT-2 training benchmark's
// time on this project's machine (docs/benchmarks.md). Raising both thresholds keeps the blocks
// in the heap for reuse, at the cost of holding the peak working set until exit.
#pragma once

namespace rlab {

// Idempotent; a no-op where the C library is not glibc. Called by ConfigureThreads, which
// every program runs before libtorch work.
void KeepFreedMemoryForReuse();

}  // namespace rlab
