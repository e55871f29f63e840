/* bg_job_progress_from_files, bg_file_progress_is_transferred, bg_file_ranges_total,
 * bg_job_reply_progress_percent. */
#include <stdlib.h>

#include "bgt.h"

#define MAX64 UINT64_MAX

static BG_FILE_PROGRESS file(uint64_t total, uint64_t transferred, int32_t completed) {
  BG_FILE_PROGRESS f;
  memset(&f, 0, sizeof f);
  f.BytesTotal = total;
  f.BytesTransferred = transferred;
  f.Completed = completed;
  return f;
}

static BG_FILE_RANGE range(uint64_t offset, uint64_t length) {
  BG_FILE_RANGE r;
  r.InitialOffset = offset;
  r.Length = length;
  return r;
}

BGT_TEST(from_files) {
  int failures = 0;
  BG_FILE_PROGRESS files[4];
  BG_JOB_PROGRESS out = bgt_job(1, 2, 3, 4), sentinel = out;
  files[0] = file(10, 10, 0);
  files[1] = file(10, 3, 1);
  files[2] = file(0, 0, 0);
  files[3] = file(7, 1, 0);
  CHECK_EQ(bg_job_progress_from_files(files, 4, NULL), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_job_progress_from_files(NULL, 1, &out), BG_ERR_NULL_POINTER);
  CHECK(bgt_same_job(out, sentinel));
  /* More than UINT32_MAX files: refused before any is read (NULL-free but never read). */
  if (sizeof(size_t) > 4) {
    CHECK_EQ(bg_job_progress_from_files(files, (size_t)UINT32_MAX + 1, &out),
             BG_ERR_TOO_MANY_FILES);
    CHECK_EQ(bg_job_progress_from_files(files, SIZE_MAX, &out), BG_ERR_TOO_MANY_FILES);
    CHECK(bgt_same_job(out, sentinel));
  }
  CHECK_EQ(bg_job_progress_from_files(NULL, 0, &out), BG_OK);
  CHECK_JOB(out, 0, 0, 0, 0);
  CHECK_EQ(bg_job_progress_from_files(files, 4, &out), BG_OK);
  CHECK_JOB(out, 27, 14, 4, 3);
  files[2] = file(BG_SIZE_UNKNOWN, 5, 0);
  CHECK_EQ(bg_job_progress_from_files(files, 4, &out), BG_OK);
  CHECK_JOB(out, BG_SIZE_UNKNOWN, 19, 4, 2);
  return failures;
}

BGT_TEST(from_files_errors) {
  int failures = 0;
  BG_FILE_PROGRESS files[3];
  BG_JOB_PROGRESS out = bgt_job(1, 2, 3, 4), sentinel = out;
  files[0] = file(5, 6, 0); /* more bytes than its size */
  files[1] = file(MAX64 - 1, MAX64 - 1, 0);
  files[2] = file(MAX64 - 1, MAX64 - 1, 0);
  CHECK_EQ(bg_job_progress_from_files(files, 3, &out), BG_ERR_BYTES_EXCEED_TOTAL);
  CHECK_EQ(bg_job_progress_from_files(files + 1, 2, &out), BG_ERR_OVERFLOW);
  files[0] = file(MAX64 - 2, 0, 0);
  files[1] = file(1, 0, 0);
  CHECK_EQ(bg_job_progress_from_files(files, 2, &out), BG_OK); /* MAX - 1 is fine */
  CHECK_JOB(out, MAX64 - 1, 0, 2, 0);
  out = sentinel;
  files[1] = file(2, 0, 0);
  CHECK_EQ(bg_job_progress_from_files(files, 2, &out), BG_ERR_OVERFLOW);
  files[0] = file(BG_SIZE_UNKNOWN, MAX64 - 1, 0);
  files[1] = file(BG_SIZE_UNKNOWN, 1, 0);
  CHECK_EQ(bg_job_progress_from_files(files, 2, &out), BG_ERR_OVERFLOW);
  CHECK(bgt_same_job(out, sentinel));
  return failures;
}

BGT_TEST(is_transferred) {
  int failures = 0;
  BG_FILE_PROGRESS f;
  CHECK(!bg_file_progress_is_transferred(NULL));
  f = file(10, 10, 0);
  CHECK(bg_file_progress_is_transferred(&f));
  f = file(10, 3, 1);
  CHECK(bg_file_progress_is_transferred(&f));
  f = file(10, 3, -7); /* any nonzero BOOL is TRUE */
  CHECK(bg_file_progress_is_transferred(&f));
  f = file(10, 3, 0);
  CHECK(!bg_file_progress_is_transferred(&f));
  f = file(BG_SIZE_UNKNOWN, BG_SIZE_UNKNOWN, 0); /* unknown size is never "every byte in" */
  CHECK(!bg_file_progress_is_transferred(&f));
  f = file(0, 0, 0);
  CHECK(bg_file_progress_is_transferred(&f));
  return failures;
}

BGT_TEST(ranges_total) {
  int failures = 0;
  BG_FILE_RANGE r[3];
  uint64_t out = 4242;
  r[0] = range(50, 10);
  r[1] = range(0, 50);
  r[2] = range(60, 40);
  CHECK_EQ(bg_file_ranges_total(r, 3, 100, NULL), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_file_ranges_total(NULL, 1, 100, &out), BG_ERR_NULL_POINTER);
  CHECK_EQ(out, 4242);
  CHECK_EQ(bg_file_ranges_total(NULL, 0, 100, &out), BG_OK); /* no range: whole file */
  CHECK_EQ(out, 100);
  CHECK_EQ(bg_file_ranges_total(NULL, 0, BG_SIZE_UNKNOWN, &out), BG_OK);
  CHECK_EQ(out, BG_SIZE_UNKNOWN);
  CHECK_EQ(bg_file_ranges_total(r, 3, 100, &out), BG_OK);
  CHECK_EQ(out, 100);
  r[0] = range(900, BG_LENGTH_TO_EOF);
  CHECK_EQ(bg_file_ranges_total(r, 1, 1000, &out), BG_OK);
  CHECK_EQ(out, 100);
  CHECK_EQ(bg_file_ranges_total(r, 1, BG_SIZE_UNKNOWN, &out), BG_OK);
  CHECK_EQ(out, BG_SIZE_UNKNOWN);
  r[0] = range(1, MAX64 - 1); /* ends exactly at UINT64_MAX */
  CHECK_EQ(bg_file_ranges_total(r, 1, BG_SIZE_UNKNOWN, &out), BG_OK);
  CHECK_EQ(out, MAX64 - 1);
  return failures;
}

BGT_TEST(ranges_total_errors) {
  int failures = 0;
  BG_FILE_RANGE r[3];
  uint64_t out = 4242;
  r[0] = range(0, 0);
  CHECK_EQ(bg_file_ranges_total(r, 1, 100, &out), BG_ERR_INVALID_RANGE);
  r[0] = range(99, 2);
  CHECK_EQ(bg_file_ranges_total(r, 1, 100, &out), BG_ERR_INVALID_RANGE);
  r[0] = range(100, BG_LENGTH_TO_EOF);
  CHECK_EQ(bg_file_ranges_total(r, 1, 100, &out), BG_ERR_INVALID_RANGE);
  r[0] = range(2, MAX64 - 1); /* end past UINT64_MAX */
  CHECK_EQ(bg_file_ranges_total(r, 1, BG_SIZE_UNKNOWN, &out), BG_ERR_INVALID_RANGE);
  r[0] = range(10, 5);
  r[1] = range(0, 11);
  CHECK_EQ(bg_file_ranges_total(r, 2, 100, &out), BG_ERR_OVERLAPPING_RANGES);
  r[2] = range(0, 0); /* invalid is reported before the overlap */
  CHECK_EQ(bg_file_ranges_total(r, 3, 100, &out), BG_ERR_INVALID_RANGE);
  r[0] = range(50, BG_LENGTH_TO_EOF);
  r[1] = range(60, 1);
  CHECK_EQ(bg_file_ranges_total(r, 2, BG_SIZE_UNKNOWN, &out), BG_ERR_OVERLAPPING_RANGES);
  r[0] = range(1, MAX64 - 1);
  r[1] = range(0, 1); /* UINT64_MAX bytes in all */
  CHECK_EQ(bg_file_ranges_total(r, 2, BG_SIZE_UNKNOWN, &out), BG_ERR_OVERFLOW);
  CHECK_EQ(out, 4242);
  return failures;
}

BGT_TEST(ranges_total_many_unsorted) {
  int failures = 0;
  size_t n = 100000, i;
  uint64_t out = 0;
  BG_FILE_RANGE *r = (BG_FILE_RANGE *)malloc(n * sizeof *r);
  CHECK(r != NULL);
  if (r == NULL) return failures;
  for (i = 0; i < n; i++) r[i] = range((uint64_t)(n - 1 - i) * 3, 2);
  CHECK_EQ(bg_file_ranges_total(r, n, BG_SIZE_UNKNOWN, &out), BG_OK);
  CHECK_EQ(out, 2 * n);
  r[n / 2].Length = 4; /* now touches its neighbour */
  CHECK_EQ(bg_file_ranges_total(r, n, BG_SIZE_UNKNOWN, &out), BG_ERR_OVERLAPPING_RANGES);
  free(r);
  return failures;
}

BGT_TEST(reply_percent) {
  int failures = 0;
  BG_JOB_REPLY_PROGRESS p;
  uint32_t out = 777;
  p.BytesTotal = 0;
  p.BytesTransferred = 0;
  CHECK_EQ(bg_job_reply_progress_percent(NULL, &out), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_job_reply_progress_percent(&p, NULL), BG_ERR_NULL_POINTER);
  CHECK_EQ(out, 777);
  CHECK_EQ(bg_job_reply_progress_percent(&p, &out), BG_OK); /* empty reply: received */
  CHECK_EQ(out, 100);
  p.BytesTotal = MAX64 - 1;
  p.BytesTransferred = MAX64 - 2;
  CHECK_EQ(bg_job_reply_progress_percent(&p, &out), BG_OK);
  CHECK_EQ(out, 99);
  out = 777;
  p.BytesTotal = BG_SIZE_UNKNOWN;
  CHECK_EQ(bg_job_reply_progress_percent(&p, &out), BG_ERR_SIZE_UNKNOWN);
  p.BytesTransferred = MAX64;
  CHECK_EQ(bg_job_reply_progress_percent(&p, &out), BG_ERR_OVERFLOW);
  p.BytesTotal = 1;
  p.BytesTransferred = 2;
  CHECK_EQ(bg_job_reply_progress_percent(&p, &out), BG_ERR_BYTES_EXCEED_TOTAL);
  CHECK_EQ(out, 777);
  return failures;
}
