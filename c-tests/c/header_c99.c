/* The header alone compiles as strict C99 (-std=c99 -pedantic -Werror): no C11 needed. */
#include "bgprogress.h"

int bgt_header_c99(void);

int bgt_header_c99(void) {
  BG_JOB_PROGRESS p = {0, 0, 0, 0};
  uint32_t percent = 0;
  bg_result r = bg_job_progress_percent(&p, &percent);
  return r == BG_OK && percent == 0 && BG_SIZE_UNKNOWN == UINT64_MAX;
}
