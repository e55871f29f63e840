/* `make bench`: the plain C call that benches/ffi_bench.c compares the library with, in its own
 * file so that the caller cannot see into it (as it cannot see into the library). */
#include "percent_inline.h"

bg_result percent_called(const BG_JOB_PROGRESS *p, uint32_t *out);

bg_result percent_called(const BG_JOB_PROGRESS *p, uint32_t *out) { return percent_inline(p, out); }
