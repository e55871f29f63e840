/* Arguments as careless or hostile C passes them: outputs that overlap inputs, structs and
 * arrays at any alignment (inside a packed record), and a buffer pointer one past the end
 * with len 0. Each answer must equal the answer for separate, aligned arguments. */
#include <stdlib.h>

#include "bgt.h"

/* A BG_JOB_PROGRESS at an odd address: a copy at offset 1 of a byte buffer. */
#define AT_ODD(type, storage, value) \
  (memcpy((storage) + 1, &(value), sizeof(type)), (type *)(void *)((storage) + 1))

BGT_TEST(overlapping_outputs) {
  int failures = 0;
  BG_JOB_PROGRESS job = bgt_job(4460000000000000000ull, 1572864, 2, 1);
  char expect[BG_FORMAT_BUFFER_SIZE];
  size_t expect_len = bg_job_progress_format(&job, expect, sizeof expect);
  union {
    BG_JOB_PROGRESS job;
    char text[sizeof(BG_JOB_PROGRESS)];
    uint32_t u32;
    uint64_t u64;
    double f64;
  } u;
  uint32_t percent = 0;
  uint64_t remaining = 0;
  double fraction = 0;

  /* format into the struct's own bytes: the same text, cut to fit. */
  u.job = job;
  CHECK_EQ(bg_job_progress_format(&u.job, u.text, sizeof u.text), expect_len);
  expect[sizeof u.text - 1] = 0;
  CHECK_STR(u.text, expect);

  /* percent, fraction, remaining written over the struct they read. */
  CHECK_EQ(bg_job_progress_percent(&job, &percent), BG_OK);
  u.job = job;
  CHECK_EQ(bg_job_progress_percent(&u.job, &u.u32), BG_OK);
  CHECK_EQ(u.u32, percent);
  CHECK_EQ(bg_job_progress_remaining_bytes(&job, &remaining), BG_OK);
  u.job = job;
  CHECK_EQ(bg_job_progress_remaining_bytes(&u.job, &u.u64), BG_OK);
  CHECK_EQ(u.u64, remaining);
  CHECK_EQ(bg_job_progress_fraction(&job, &fraction), BG_OK);
  u.job = job;
  CHECK_EQ(bg_job_progress_fraction(&u.job, &u.f64), BG_OK);
  CHECK(u.f64 == fraction);
  return failures;
}

BGT_TEST(output_inside_the_input_array) {
  int failures = 0;
  BG_FILE_PROGRESS files[4] = {{100, 100, 1}, {200, 50, 0}, {300, 0, 0}, {400, 400, 0}};
  BG_FILE_PROGRESS copy[4];
  BG_FILE_RANGE ranges[3] = {{0, 10}, {100, 20}, {500, 5}};
  BG_JOB_PROGRESS separate;
  uint64_t wanted = 0;
  memcpy(copy, files, sizeof files);
  CHECK_EQ(bg_job_progress_from_files(files, 4, &separate), BG_OK);
  CHECK_EQ(bg_job_progress_from_files(copy, 4, (BG_JOB_PROGRESS *)(void *)&copy[1]), BG_OK);
  CHECK(memcmp(&copy[1], &separate, sizeof separate) == 0);
  CHECK_JOB(separate, 1000, 550, 4, 2);
  CHECK_EQ(bg_file_ranges_total(ranges, 3, 1000, &wanted), BG_OK);
  CHECK_EQ(wanted, 35);
  CHECK_EQ(bg_file_ranges_total(ranges, 3, 1000, &ranges[1].Length), BG_OK);
  CHECK_EQ(ranges[1].Length, 35);
  return failures;
}

BGT_TEST(misaligned_structs_and_arrays) {
  int failures = 0;
  unsigned char storage[1 + 4 * sizeof(BG_FILE_PROGRESS)];
  unsigned char out_storage[1 + sizeof(BG_JOB_PROGRESS)];
  BG_JOB_PROGRESS job = bgt_job(300, 100, 3, 1), got;
  BG_JOB_PROGRESS *odd = AT_ODD(BG_JOB_PROGRESS, storage, job);
  BG_JOB_PROGRESS *odd_out;
  BG_FILE_PROGRESS files[3] = {{100, 100, 1}, {200, 50, 0}, {BG_SIZE_UNKNOWN, 7, 0}};
  BG_FILE_RANGE ranges[2] = {{0, 10}, {50, BG_LENGTH_TO_EOF}};
  BG_JOB_REPLY_PROGRESS reply = {200, 50};
  uint32_t percent = 0;
  uint64_t wanted = 0;
  char text[BG_FORMAT_BUFFER_SIZE];

  CHECK_EQ(bg_job_progress_validate(odd), BG_OK);
  CHECK_EQ(bg_job_progress_percent(odd, &percent), BG_OK);
  CHECK_EQ(percent, 33);
  CHECK(bg_job_progress_is_size_known(odd));
  bg_job_progress_format(odd, text, sizeof text);
  CHECK_STR(text, "100 B of 300 B (33%), 1 of 3 files");
  CHECK_EQ(bg_job_progress_add_bytes(odd, 50), BG_OK);
  CHECK_EQ(bg_job_progress_add_bytes(odd, 151), BG_ERR_BYTES_EXCEED_TOTAL);
  memcpy(&got, odd, sizeof got);
  CHECK_JOB(got, 300, 150, 3, 1);

  odd_out = (BG_JOB_PROGRESS *)(void *)(out_storage + 1);
  memcpy(storage + 1, files, sizeof files);
  CHECK_EQ(bg_job_progress_from_files((const BG_FILE_PROGRESS *)(void *)(storage + 1), 3, odd_out),
           BG_OK);
  memcpy(&got, odd_out, sizeof got);
  CHECK_JOB(got, BG_SIZE_UNKNOWN, 157, 3, 1);
  CHECK(bg_file_progress_is_transferred((const BG_FILE_PROGRESS *)(void *)(storage + 1)));

  memcpy(storage + 1, ranges, sizeof ranges);
  CHECK_EQ(bg_file_ranges_total((const BG_FILE_RANGE *)(void *)(storage + 1), 2, 100,
                                (uint64_t *)(void *)(out_storage + 1)),
           BG_OK);
  memcpy(&wanted, out_storage + 1, sizeof wanted);
  CHECK_EQ(wanted, 60);

  memcpy(storage + 1, &reply, sizeof reply);
  CHECK_EQ(bg_job_reply_progress_percent((const BG_JOB_REPLY_PROGRESS *)(void *)(storage + 1),
                                         (uint32_t *)(void *)(out_storage + 1)),
           BG_OK);
  memcpy(&percent, out_storage + 1, sizeof percent);
  CHECK_EQ(percent, 25);
  return failures;
}

BGT_TEST(format_at_the_end_of_a_full_buffer) {
  int failures = 0;
  BG_JOB_PROGRESS job = bgt_job(100, 50, 1, 0);
  char buf[16];
  size_t off = 0, n;
  memset(buf, 'x', sizeof buf);
  /* The common idiom: keep appending at buf + off with sizeof buf - off. */
  n = bg_job_progress_format(&job, buf + off, sizeof buf - off);
  CHECK_EQ(n, strlen("50 B of 100 B (50%), 0 of 1 files"));
  off = sizeof buf; /* full */
  CHECK_EQ(bg_job_progress_format(&job, buf + off, sizeof buf - off), n);
  CHECK_EQ(buf[sizeof buf - 1], 0);
  return failures;
}
