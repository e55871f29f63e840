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
