// The header compiles as C++ (-Wall -Wextra -Werror) and links from C++.
#include <cstring>

#include "bgprogress.h"

extern "C" int bgt_test_cxx_calls(void);  // BGT(cxx_calls) in bgt_list.h

extern "C" int bgt_test_cxx_calls(void) {
  int failures = 0;
  BG_JOB_PROGRESS p = {};
  failures += bg_job_progress_add_file(&p, 2048) != BG_OK;
  failures += bg_job_progress_add_bytes(&p, 1024) != BG_OK;
  uint32_t percent = 0;
  failures += bg_job_progress_percent(&p, &percent) != BG_OK || percent != 50;
  char buf[64];
  bg_job_progress_format(&p, buf, sizeof buf);
  failures += std::strcmp(buf, "1.00 KiB of 2.00 KiB (50%), 0 of 1 files") != 0;
  bg_tracker *t = bg_tracker_new();
  failures += t == nullptr;
  failures += bg_tracker_add_file(t, BG_SIZE_UNKNOWN) != BG_OK;
  failures += bg_tracker_snapshot(t, &p) != BG_OK || p.BytesTotal != BG_SIZE_UNKNOWN;
  bg_tracker_free(t);
  bg_result r = BG_ERR_OVERFLOW;
  failures += std::strcmp(bg_result_message(r), bg_result_message(5)) != 0;
  return failures;
}
