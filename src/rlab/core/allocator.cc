#include "rlab/core/allocator.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace rlab {

void KeepFreedMemoryForReuse() {
#if defined(__GLIBC__)
  static const bool done = [] {
    // 32 MiB is the largest mmap threshold glibc accepts (HEAP_MAX_SIZE / 2 on 64-bit); blocks
    // larger than that (rare here: a [B, H, T, T] score tensor of batch 8, 6 heads and 256
    // positions is 12.6 MB) still come from mmap.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    return true;
  }();
  (void)done;
#endif
}

}  // namespace rlab
