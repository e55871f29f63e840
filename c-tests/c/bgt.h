/* The tiny test harness of the C tests: BGT_TEST(name) defines `int bgt_test_name(void)`,
 * which returns the number of failed checks. Every test is listed in bgt_list.h, which
 * declares them here: a test defined but not listed fails -Wmissing-prototypes. */
#ifndef BGT_H
#define BGT_H

#include <stdio.h>
#include <string.h>
#include <stdint.h>

#include "bgprogress.h"

#define BGT(name) int bgt_test_##name(void);
#include "bgt_list.h"
#undef BGT

#define BGT_TEST(name) int bgt_test_##name(void)

#define CHECK(cond)                                                               \
  do {                                                                            \
    if (!(cond)) {                                                                \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
      failures++;                                                                 \
    }                                                                             \
  } while (0)

#define CHECK_EQ(a, b)                                                            \
  do {                                                                            \
    unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
    if (a_ != b_) {                                                               \
      fprintf(stderr, "%s:%d: %s == %s failed: %llu != %llu\n", __FILE__, __LINE__, \
              #a, #b, a_, b_);                                                    \
      failures++;                                                                 \
    }                                                                             \
  } while (0)

#define CHECK_STR(a, b)                                                           \
  do {                                                                            \
    const char *a_ = (a), *b_ = (b);                                              \
    if (strcmp(a_, b_) != 0) {                                                    \
      fprintf(stderr, "%s:%d: %s == %s failed:\n  \"%s\"\n  \"%s\"\n", __FILE__,  \
              __LINE__, #a, #b, a_, b_);                                          \
      failures++;                                                                 \
    }                                                                             \
  } while (0)

/* Compares two job progresses member by member. */
#define CHECK_JOB(p, total, transferred, files_total, files_transferred)          \
  do {                                                                            \
    CHECK_EQ((p).BytesTotal, (total));                                            \
    CHECK_EQ((p).BytesTransferred, (transferred));                                \
    CHECK_EQ((p).FilesTotal, (files_total));                                      \
    CHECK_EQ((p).FilesTransferred, (files_transferred));                          \
  } while (0)

static inline BG_JOB_PROGRESS bgt_job(uint64_t total, uint64_t transferred, uint32_t files_total,
                                      uint32_t files_transferred) {
  BG_JOB_PROGRESS p;
  p.BytesTotal = total;
  p.BytesTransferred = transferred;
  p.FilesTotal = files_total;
  p.FilesTransferred = files_transferred;
  return p;
}

static inline int bgt_same_job(BG_JOB_PROGRESS a, BG_JOB_PROGRESS b) {
  return memcmp(&a, &b, sizeof a) == 0;
}

#endif
