/* bg_result_message and bg_version. */
#include <stdlib.h>

#include "bgt.h"

BGT_TEST(result_messages) {
  int failures = 0;
  uint32_t r, s;
  for (r = 0; r <= BG_RESULT_LAST; r++) {
    const char *m = bg_result_message(r);
    CHECK(m != NULL && strlen(m) > 0);
    CHECK(strcmp(m, "unknown bg_result value") != 0);
    for (s = 0; s < r; s++) CHECK(strcmp(m, bg_result_message(s)) != 0);
  }
  CHECK_STR(bg_result_message(BG_OK), "success");
  CHECK_STR(bg_result_message(BG_RESULT_LAST + 1), "unknown bg_result value");
  CHECK_STR(bg_result_message(UINT32_MAX), "unknown bg_result value");
  return failures;
}

#define STR_(x) #x
#define STR(x) STR_(x)

BGT_TEST(version) {
  int failures = 0;
  CHECK_STR(bg_version(), STR(BGPROGRESS_VERSION_MAJOR) "." STR(BGPROGRESS_VERSION_MINOR) "." STR(
                              BGPROGRESS_VERSION_PATCH));
  CHECK_EQ(BGPROGRESS_VERSION_NUMBER, BGPROGRESS_VERSION_MAJOR * 10000 +
                                          BGPROGRESS_VERSION_MINOR * 100 + BGPROGRESS_VERSION_PATCH);
#if BGPROGRESS_VERSION_NUMBER < 100
#error "BGPROGRESS_VERSION_NUMBER is not usable in #if"
#endif
  return failures;
}
