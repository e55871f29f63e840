/* bg_job_progress_*: every function on the edges the contract names. */
#include <math.h>
#include <stdlib.h>

#include "bgt.h"

#define MAX64 UINT64_MAX
#define MAX32 UINT32_MAX

BGT_TEST(validate) {
  int failures = 0;
  BG_JOB_PROGRESS p;
  CHECK_EQ(bg_job_progress_validate(NULL), BG_ERR_NULL_POINTER);
  p = bgt_job(10, 10, 2, 2);
  CHECK_EQ(bg_job_progress_validate(&p), BG_OK);
  p = bgt_job(10, 11, 0, 1); /* bytes are checked before files */
  CHECK_EQ(bg_job_progress_validate(&p), BG_ERR_BYTES_EXCEED_TOTAL);
  p = bgt_job(BG_SIZE_UNKNOWN, MAX64, 0, 1); /* overflow before files */
  CHECK_EQ(bg_job_progress_validate(&p), BG_ERR_OVERFLOW);
  p = bgt_job(BG_SIZE_UNKNOWN, MAX64 - 1, MAX32 - 1, MAX32);
  CHECK_EQ(bg_job_progress_validate(&p), BG_ERR_FILES_EXCEED_TOTAL);
  p = bgt_job(BG_SIZE_UNKNOWN, MAX64 - 1, MAX32, MAX32);
  CHECK_EQ(bg_job_progress_validate(&p), BG_OK);
  p = bgt_job(0, 0, 0, 0);
  CHECK_EQ(bg_job_progress_validate(&p), BG_OK);
  return failures;
}

BGT_TEST(size_known_and_complete) {
  int failures = 0;
  BG_JOB_PROGRESS p;
  CHECK(!bg_job_progress_is_size_known(NULL));
  CHECK(!bg_job_progress_is_complete(NULL));
  p = bgt_job(BG_SIZE_UNKNOWN, 0, 0, 0);
  CHECK(!bg_job_progress_is_size_known(&p));
  p = bgt_job(MAX64 - 1, MAX64 - 1, 1, 1);
  CHECK(bg_job_progress_is_size_known(&p));
  CHECK(bg_job_progress_is_complete(&p));
  p = bgt_job(0, 0, 1, 1);
  CHECK(bg_job_progress_is_complete(&p));
  p = bgt_job(0, 0, 0, 0); /* no file: not complete */
  CHECK(!bg_job_progress_is_complete(&p));
  p = bgt_job(BG_SIZE_UNKNOWN, 5, 1, 1);
  CHECK(!bg_job_progress_is_complete(&p));
  p = bgt_job(5, 5, 1, 2); /* invalid */
  CHECK(!bg_job_progress_is_complete(&p));
  p = bgt_job(5, 4, 1, 1);
  CHECK(!bg_job_progress_is_complete(&p));
  return failures;
}

BGT_TEST(percent) {
  int failures = 0;
  BG_JOB_PROGRESS p;
  uint32_t out = 777;
  CHECK_EQ(bg_job_progress_percent(NULL, &out), BG_ERR_NULL_POINTER);
  p = bgt_job(10, 5, 1, 0);
  CHECK_EQ(bg_job_progress_percent(&p, NULL), BG_ERR_NULL_POINTER);
  CHECK_EQ(out, 777);
  p = bgt_job(BG_SIZE_UNKNOWN, 5, 1, 0);
  CHECK_EQ(bg_job_progress_percent(&p, &out), BG_ERR_SIZE_UNKNOWN);
  CHECK_EQ(out, 777);
  p = bgt_job(BG_SIZE_UNKNOWN, 5, 1, 2); /* validation comes first */
  CHECK_EQ(bg_job_progress_percent(&p, &out), BG_ERR_FILES_EXCEED_TOTAL);
  p = bgt_job(4, 5, 1, 0);
  CHECK_EQ(bg_job_progress_percent(&p, &out), BG_ERR_BYTES_EXCEED_TOTAL);
  CHECK_EQ(out, 777);
  p = bgt_job(MAX64 - 1, MAX64 - 2, 1, 0); /* exact: never 100 until every byte is in */
  CHECK_EQ(bg_job_progress_percent(&p, &out), BG_OK);
  CHECK_EQ(out, 99);
  p = bgt_job(MAX64 - 1, MAX64 - 1, 1, 0);
  CHECK_EQ(bg_job_progress_percent(&p, &out), BG_OK);
  CHECK_EQ(out, 100);
  p = bgt_job(3, 2, 1, 0);
  CHECK_EQ(bg_job_progress_percent(&p, &out), BG_OK);
  CHECK_EQ(out, 66);
  p = bgt_job(0, 0, 0, 0); /* zero totals */
  CHECK_EQ(bg_job_progress_percent(&p, &out), BG_OK);
  CHECK_EQ(out, 0);
  p = bgt_job(0, 0, MAX32, MAX32 - 1); /* by files when BytesTotal is 0 */
  CHECK_EQ(bg_job_progress_percent(&p, &out), BG_OK);
  CHECK_EQ(out, 99);
  p = bgt_job(0, 0, 4, 4);
  CHECK_EQ(bg_job_progress_percent(&p, &out), BG_OK);
  CHECK_EQ(out, 100);
  return failures;
}

BGT_TEST(fraction) {
  int failures = 0;
  BG_JOB_PROGRESS p;
  double out = -1.0;
  CHECK_EQ(bg_job_progress_fraction(NULL, &out), BG_ERR_NULL_POINTER);
  p = bgt_job(10, 5, 1, 0);
  CHECK_EQ(bg_job_progress_fraction(&p, NULL), BG_ERR_NULL_POINTER);
  p = bgt_job(BG_SIZE_UNKNOWN, 5, 1, 0);
  CHECK_EQ(bg_job_progress_fraction(&p, &out), BG_ERR_SIZE_UNKNOWN);
  CHECK(out == -1.0);
  p = bgt_job(MAX64 - 1, MAX64 - 2, 1, 0);
  CHECK_EQ(bg_job_progress_fraction(&p, &out), BG_OK);
  CHECK(out < 1.0 && out > 0.99);
  p = bgt_job(MAX64 - 1, 1, 1, 0);
  CHECK_EQ(bg_job_progress_fraction(&p, &out), BG_OK);
  CHECK(out > 0.0 && out < 1e-18);
  p = bgt_job(MAX64 - 1, MAX64 - 1, 1, 0);
  CHECK_EQ(bg_job_progress_fraction(&p, &out), BG_OK);
  CHECK(out == 1.0);
  p = bgt_job(0, 0, 0, 0);
  CHECK_EQ(bg_job_progress_fraction(&p, &out), BG_OK);
  CHECK(out == 0.0);
  p = bgt_job(0, 0, 4, 1);
  CHECK_EQ(bg_job_progress_fraction(&p, &out), BG_OK);
  CHECK(out == 0.25);
  p = bgt_job(0, 0, MAX32, MAX32 - 1);
  CHECK_EQ(bg_job_progress_fraction(&p, &out), BG_OK);
  CHECK(out < 1.0);
  return failures;
}

BGT_TEST(remaining_bytes) {
  int failures = 0;
  BG_JOB_PROGRESS p;
  uint64_t out = 42;
  CHECK_EQ(bg_job_progress_remaining_bytes(NULL, &out), BG_ERR_NULL_POINTER);
  p = bgt_job(10, 4, 1, 0);
  CHECK_EQ(bg_job_progress_remaining_bytes(&p, NULL), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_job_progress_remaining_bytes(&p, &out), BG_OK);
  CHECK_EQ(out, 6);
  out = 42;
  p = bgt_job(BG_SIZE_UNKNOWN, 4, 1, 0);
  CHECK_EQ(bg_job_progress_remaining_bytes(&p, &out), BG_ERR_SIZE_UNKNOWN);
  p = bgt_job(3, 4, 1, 0);
  CHECK_EQ(bg_job_progress_remaining_bytes(&p, &out), BG_ERR_BYTES_EXCEED_TOTAL);
  CHECK_EQ(out, 42);
  p = bgt_job(MAX64 - 1, 0, 0, 0);
  CHECK_EQ(bg_job_progress_remaining_bytes(&p, &out), BG_OK);
  CHECK_EQ(out, MAX64 - 1);
  return failures;
}

BGT_TEST(format) {
  int failures = 0;
  char buf[256];
  BG_JOB_PROGRESS p = bgt_job(3u << 20, (1u << 20) + (1u << 19), 2, 1);
  size_t n = bg_job_progress_format(&p, buf, sizeof buf);
  CHECK_STR(buf, "1.50 MiB of 3.00 MiB (50%), 1 of 2 files");
  CHECK_EQ(n, strlen(buf));
  p = bgt_job(BG_SIZE_UNKNOWN, 1023, 3, 0);
  bg_job_progress_format(&p, buf, sizeof buf);
  CHECK_STR(buf, "1023 B of unknown size, 0 of 3 files");
  p = bgt_job(1048575, 1024, 1, 0);
  bg_job_progress_format(&p, buf, sizeof buf);
  CHECK_STR(buf, "1.00 KiB of 1023.99 KiB (0%), 0 of 1 files");
  p = bgt_job(MAX64 - 1, MAX64 - 1, MAX32, MAX32);
  bg_job_progress_format(&p, buf, sizeof buf);
  CHECK_STR(buf, "15.99 EiB of 15.99 EiB (100%), 4294967295 of 4294967295 files");
  p = bgt_job(10, 11, 1, 0);
  bg_job_progress_format(&p, buf, sizeof buf);
  {
    char want[256];
    snprintf(want, sizeof want, "11 B of 10 B, 0 of 1 files [invalid: %s]",
             bg_result_message(BG_ERR_BYTES_EXCEED_TOTAL));
    CHECK_STR(buf, want);
  }
  CHECK_EQ(bg_job_progress_format(NULL, buf, sizeof buf), 6);
  CHECK_STR(buf, "(null)");
  {
    /* The longest texts fit BG_FORMAT_BUFFER_SIZE; a `len` larger than the buffer is never
     * used past the text (the buffer has exactly that many bytes here). */
    char exact[BG_FORMAT_BUFFER_SIZE];
    BG_JOB_PROGRESS worst = bgt_job(BG_SIZE_UNKNOWN, MAX64, MAX32 - 1, MAX32);
    n = bg_job_progress_format(&worst, exact, (size_t)-1);
    CHECK(n < sizeof exact);
    CHECK_EQ(strlen(exact), n);
    worst = bgt_job(MAX64 - 2, MAX64 - 1, MAX32, MAX32);
    n = bg_job_progress_format(&worst, exact, sizeof exact);
    CHECK(n < sizeof exact);
  }
  return failures;
}

BGT_TEST(format_snprintf_contract) {
  int failures = 0;
  BG_JOB_PROGRESS p = bgt_job(100, 50, 1, 0);
  const char *text = "50 B of 100 B (50%), 0 of 1 files";
  size_t len = strlen(text), i;
  char buf[64];
  CHECK_EQ(bg_job_progress_format(&p, NULL, 0), len);
  CHECK_EQ(bg_job_progress_format(&p, NULL, 10), len); /* a NULL buf is never written */
  for (i = 0; i <= len + 2; i++) {
    memset(buf, 'X', sizeof buf);
    CHECK_EQ(bg_job_progress_format(&p, buf, i), len);
    if (i == 0) {
      CHECK(buf[0] == 'X');
    } else {
      size_t kept = i - 1 < len ? i - 1 : len;
      CHECK(memcmp(buf, text, kept) == 0);
      CHECK(buf[kept] == '\0');
      CHECK(buf[kept + 1] == 'X'); /* nothing past len */
    }
  }
  return failures;
}

BGT_TEST(add_file) {
  int failures = 0;
  BG_JOB_PROGRESS p = bgt_job(10, 0, 1, 0), before;
  CHECK_EQ(bg_job_progress_add_file(NULL, 1), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_job_progress_add_file(&p, 5), BG_OK);
  CHECK_JOB(p, 15, 0, 2, 0);
  p = bgt_job(10, 0, 1, 0);
  CHECK_EQ(bg_job_progress_add_file(&p, MAX64 - 11), BG_OK); /* reaches MAX - 1 */
  CHECK_JOB(p, MAX64 - 1, 0, 2, 0);
  before = p;
  CHECK_EQ(bg_job_progress_add_file(&p, 1), BG_ERR_OVERFLOW); /* would reach MAX */
  CHECK(bgt_same_job(p, before));
  p = bgt_job(10, 0, MAX32, 0);
  before = p;
  CHECK_EQ(bg_job_progress_add_file(&p, MAX64 - 1), BG_ERR_TOO_MANY_FILES); /* files first */
  CHECK(bgt_same_job(p, before));
  p = bgt_job(10, 3, 1, 0);
  CHECK_EQ(bg_job_progress_add_file(&p, BG_SIZE_UNKNOWN), BG_OK);
  CHECK_JOB(p, BG_SIZE_UNKNOWN, 3, 2, 0);
  CHECK_EQ(bg_job_progress_add_file(&p, 7), BG_OK); /* stays unknown */
  CHECK_JOB(p, BG_SIZE_UNKNOWN, 3, 3, 0);
  p = bgt_job(1, 2, 1, 0); /* invalid: reported, not changed */
  before = p;
  CHECK_EQ(bg_job_progress_add_file(&p, 1), BG_ERR_BYTES_EXCEED_TOTAL);
  CHECK(bgt_same_job(p, before));
  return failures;
}

BGT_TEST(add_bytes) {
  int failures = 0;
  BG_JOB_PROGRESS p = bgt_job(10, 3, 1, 0), before;
  CHECK_EQ(bg_job_progress_add_bytes(NULL, 1), BG_ERR_NULL_POINTER);
  before = p;
  CHECK_EQ(bg_job_progress_add_bytes(&p, 8), BG_ERR_BYTES_EXCEED_TOTAL);
  CHECK(bgt_same_job(p, before));
  CHECK_EQ(bg_job_progress_add_bytes(&p, MAX64), BG_ERR_OVERFLOW); /* overflow first */
  CHECK(bgt_same_job(p, before));
  CHECK_EQ(bg_job_progress_add_bytes(&p, 7), BG_OK);
  CHECK_JOB(p, 10, 10, 1, 0);
  p = bgt_job(BG_SIZE_UNKNOWN, 3, 1, 0);
  CHECK_EQ(bg_job_progress_add_bytes(&p, MAX64 - 4), BG_OK);
  CHECK_JOB(p, BG_SIZE_UNKNOWN, MAX64 - 1, 1, 0);
  before = p;
  CHECK_EQ(bg_job_progress_add_bytes(&p, 1), BG_ERR_OVERFLOW);
  CHECK(bgt_same_job(p, before));
  p = bgt_job(10, 0, 0, 1);
  before = p;
  CHECK_EQ(bg_job_progress_add_bytes(&p, 1), BG_ERR_FILES_EXCEED_TOTAL);
  CHECK(bgt_same_job(p, before));
  return failures;
}

BGT_TEST(complete_file) {
  int failures = 0;
  BG_JOB_PROGRESS p = bgt_job(0, 0, MAX32, MAX32 - 1), before;
  CHECK_EQ(bg_job_progress_complete_file(NULL), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_job_progress_complete_file(&p), BG_OK);
  CHECK_JOB(p, 0, 0, MAX32, MAX32);
  before = p;
  CHECK_EQ(bg_job_progress_complete_file(&p), BG_ERR_FILES_EXCEED_TOTAL);
  CHECK(bgt_same_job(p, before));
  p = bgt_job(0, 0, 0, 0);
  CHECK_EQ(bg_job_progress_complete_file(&p), BG_ERR_FILES_EXCEED_TOTAL);
  CHECK_JOB(p, 0, 0, 0, 0);
  p = bgt_job(BG_SIZE_UNKNOWN, MAX64, 1, 0);
  CHECK_EQ(bg_job_progress_complete_file(&p), BG_ERR_OVERFLOW);
  CHECK_JOB(p, BG_SIZE_UNKNOWN, MAX64, 1, 0);
  return failures;
}
