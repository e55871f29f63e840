/* Structs filled in C and read by Rust, and the reverse (see src/lib.rs). */
#include "bgt.h"

/* Called from Rust (src/lib.rs), declared here for -Wmissing-prototypes. */
void bgt_fill_job(BG_JOB_PROGRESS *p);
void bgt_fill_file(BG_FILE_PROGRESS *f);
void bgt_fill_reply(BG_JOB_REPLY_PROGRESS *r);
void bgt_fill_range(BG_FILE_RANGE *r);
int bgt_check_job(const BG_JOB_PROGRESS *p);
int bgt_check_file(const BG_FILE_PROGRESS *f);
int bgt_check_reply(const BG_JOB_REPLY_PROGRESS *r);
int bgt_check_range(const BG_FILE_RANGE *r);

void bgt_fill_job(BG_JOB_PROGRESS *p) {
  p->BytesTotal = 0x0102030405060708ull;
  p->BytesTransferred = 0x1112131415161718ull;
  p->FilesTotal = 0x21222324u;
  p->FilesTransferred = 0x31323334u;
}

void bgt_fill_file(BG_FILE_PROGRESS *f) {
  f->BytesTotal = 0x4142434445464748ull;
  f->BytesTransferred = 0x5152535455565758ull;
  f->Completed = -2;
}

void bgt_fill_reply(BG_JOB_REPLY_PROGRESS *r) {
  r->BytesTotal = 0x6162636465666768ull;
  r->BytesTransferred = 0x7172737475767778ull;
}

void bgt_fill_range(BG_FILE_RANGE *r) {
  r->InitialOffset = 0x8182838485868788ull;
  r->Length = 0x9192939495969798ull;
}

/* 1 when *p holds what Rust wrote (the values of bgt_fill_job plus one in each member). */
int bgt_check_job(const BG_JOB_PROGRESS *p) {
  return p->BytesTotal == 0x0102030405060709ull && p->BytesTransferred == 0x1112131415161719ull &&
         p->FilesTotal == 0x21222325u && p->FilesTransferred == 0x31323335u;
}

int bgt_check_file(const BG_FILE_PROGRESS *f) {
  return f->BytesTotal == 0x4142434445464749ull && f->BytesTransferred == 0x5152535455565759ull &&
         f->Completed == -1;
}

int bgt_check_reply(const BG_JOB_REPLY_PROGRESS *r) {
  return r->BytesTotal == 0x6162636465666769ull && r->BytesTransferred == 0x7172737475767779ull;
}

int bgt_check_range(const BG_FILE_RANGE *r) {
  return r->InitialOffset == 0x8182838485868789ull && r->Length == 0x9192939495969799ull;
}

/* An array of files filled in C, summed by the library: element stride must agree. */
BGT_TEST(layout_array_stride) {
  int failures = 0;
  BG_FILE_PROGRESS files[3];
  BG_JOB_PROGRESS out;
  memset(files, 0, sizeof files);
  files[0].BytesTotal = 10; files[0].BytesTransferred = 1;
  files[1].BytesTotal = 20; files[1].BytesTransferred = 20;
  files[2].BytesTotal = 30; files[2].BytesTransferred = 3; files[2].Completed = 1;
  CHECK_EQ(bg_job_progress_from_files(files, 3, &out), BG_OK);
  CHECK_JOB(out, 60, 24, 3, 2);
  return failures;
}

/* The byte order shown, not assumed: a BG_JOB_PROGRESS written by the library (Rust) holds,
 * byte for byte, the members in this target's order (big-endian on s390x), and one written
 * here is read by the library as these values. Prints the bytes. */
BGT_TEST(layout_bytes_in_memory_order) {
  int failures = 0;
  BG_JOB_PROGRESS p = {0, 0, 0, 0};
  unsigned char bytes[sizeof p], want[sizeof p];
  const uint64_t total = 0x0102030405060708ull, done = 0x0001020304050607ull;
  const uint32_t one = 1;
  int big = *(const unsigned char *)&one == 0, i;
  uint32_t percent = 0;
  char hex[3 * sizeof p + 1];
#if defined(__BYTE_ORDER__)
  CHECK(big == (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__));
#endif
  CHECK_EQ(bg_job_progress_add_file(&p, total), BG_OK);
  CHECK_EQ(bg_job_progress_add_bytes(&p, done), BG_OK);
  memcpy(bytes, &p, sizeof p);
  for (i = 0; i < 8; i++) {
    want[big ? i : 7 - i] = (unsigned char)(total >> (8 * (7 - i)));
    want[8 + (big ? i : 7 - i)] = (unsigned char)(done >> (8 * (7 - i)));
  }
  for (i = 0; i < 4; i++) {
    want[16 + (big ? i : 3 - i)] = (unsigned char)(1u >> (8 * (3 - i))); /* FilesTotal 1 */
    want[20 + i] = 0;                                                     /* FilesTransferred */
  }
  CHECK(sizeof p == 24);
  CHECK(memcmp(bytes, want, sizeof p) == 0);
  for (i = 0; i < (int)sizeof p; i++) snprintf(hex + 3 * i, 4, "%02x ", bytes[i]);
  hex[3 * sizeof p - 1] = '\0';
  printf("layout: %s-endian, %u-bit: BG_JOB_PROGRESS as written by the library: %s\n",
         big ? "big" : "little", (unsigned)(8 * sizeof(void *)), hex);
  /* Written here, read there: 64 of 256 bytes is 25 %; the same bytes in the other order
   * would be 2^62 of 2^56, an error. */
  p.BytesTotal = 256;
  p.BytesTransferred = 64;
  p.FilesTotal = 2;
  p.FilesTransferred = 1;
  CHECK_EQ(bg_job_progress_validate(&p), BG_OK);
  CHECK_EQ(bg_job_progress_percent(&p, &percent), BG_OK);
  CHECK(percent == 25);
  return failures;
}
