/* The contract's bg_job_progress_percent written in C, for benches/ffi_bench.c: validate, then
 * the exact floor in 128 bits. Inlined there, and called from another file as a plain C call
 * (benches/ffi_bench_call.c). */
#ifndef BGPROGRESS_BENCH_PERCENT_INLINE_H
#define BGPROGRESS_BENCH_PERCENT_INLINE_H

#include <bgprogress.h>

static inline bg_result percent_inline(const BG_JOB_PROGRESS *p, uint32_t *out) {
  int known = p->BytesTotal != BG_SIZE_UNKNOWN;
  if (known && p->BytesTransferred > p->BytesTotal) return BG_ERR_BYTES_EXCEED_TOTAL;
  if (p->BytesTransferred == UINT64_MAX) return BG_ERR_OVERFLOW;
  if (p->FilesTransferred > p->FilesTotal) return BG_ERR_FILES_EXCEED_TOTAL;
  if (!known) return BG_ERR_SIZE_UNKNOWN;
  if (p->BytesTotal > 0)
    *out = (uint32_t)((unsigned __int128)p->BytesTransferred * 100 / p->BytesTotal);
  else
    *out = p->FilesTotal ? (uint32_t)((uint64_t)p->FilesTransferred * 100 / p->FilesTotal) : 0;
  return BG_OK;
}

#endif
