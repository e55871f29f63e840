/* bg_tracker_*: every function from C, then many threads at once. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "bgt.h"

#define MAX64 UINT64_MAX

static BG_JOB_PROGRESS snap(const bg_tracker *t) {
  BG_JOB_PROGRESS p = bgt_job(1, 2, 3, 4);
  if (bg_tracker_snapshot(t, &p) != BG_OK) p = bgt_job(9, 9, 9, 9);
  return p;
}

BGT_TEST(tracker_nulls) {
  int failures = 0;
  BG_JOB_PROGRESS p = bgt_job(1, 2, 3, 4), sentinel = p;
  double d = -1.0;
  bg_tracker *t = bg_tracker_new();
  CHECK(t != NULL);
  bg_tracker_free(NULL); /* a no-op */
  CHECK_EQ(bg_tracker_add_file(NULL, 1), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_tracker_add_bytes(NULL, 1), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_tracker_complete_file(NULL), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_tracker_resolve_size(NULL, 1), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_tracker_rewind_bytes(NULL, 1), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_tracker_snapshot(NULL, &p), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_tracker_snapshot(t, NULL), BG_ERR_NULL_POINTER);
  CHECK(bgt_same_job(p, sentinel));
  CHECK_EQ(bg_tracker_rate(NULL, &d), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_tracker_rate(t, NULL), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_tracker_eta(NULL, &d), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_tracker_eta(t, NULL), BG_ERR_NULL_POINTER);
  CHECK(d == -1.0);
  bg_tracker_free(t);
  return failures;
}

BGT_TEST(tracker_rules) {
  int failures = 0;
  bg_tracker *t = bg_tracker_new();
  BG_JOB_PROGRESS p;
  if (t == NULL) return 1;
  p = snap(t);
  CHECK_JOB(p, 0, 0, 0, 0);
  CHECK_EQ(bg_tracker_add_file(t, 100), BG_OK);
  CHECK_EQ(bg_tracker_add_bytes(t, 101), BG_ERR_BYTES_EXCEED_TOTAL);
  CHECK_EQ(bg_tracker_add_bytes(t, 60), BG_OK);
  CHECK_EQ(bg_tracker_resolve_size(t, 5), BG_ERR_NO_UNKNOWN_SIZE);
  CHECK_EQ(bg_tracker_add_file(t, BG_SIZE_UNKNOWN), BG_OK);
  p = snap(t);
  CHECK_JOB(p, BG_SIZE_UNKNOWN, 60, 2, 0);
  CHECK_EQ(bg_tracker_add_bytes(t, 90), BG_OK); /* past the known sum: allowed while unknown */
  CHECK_EQ(bg_tracker_resolve_size(t, BG_SIZE_UNKNOWN), BG_ERR_SIZE_UNKNOWN);
  CHECK_EQ(bg_tracker_resolve_size(t, 49), BG_ERR_BYTES_EXCEED_TOTAL); /* 149 < 150 */
  CHECK_EQ(bg_tracker_resolve_size(t, MAX64 - 100), BG_ERR_OVERFLOW);
  p = snap(t);
  CHECK_JOB(p, BG_SIZE_UNKNOWN, 150, 2, 0); /* nothing changed */
  CHECK_EQ(bg_tracker_resolve_size(t, 50), BG_OK);
  p = snap(t);
  CHECK_JOB(p, 150, 150, 2, 0);
  CHECK_EQ(bg_tracker_complete_file(t), BG_OK);
  CHECK_EQ(bg_tracker_complete_file(t), BG_OK);
  CHECK_EQ(bg_tracker_complete_file(t), BG_ERR_FILES_EXCEED_TOTAL);
  CHECK_EQ(bg_tracker_rewind_bytes(t, 151), BG_ERR_UNDERFLOW);
  CHECK_EQ(bg_tracker_rewind_bytes(t, 50), BG_OK);
  p = snap(t);
  CHECK_JOB(p, 150, 100, 2, 2);
  CHECK_EQ(bg_tracker_add_file(t, MAX64 - 151), BG_OK); /* known sum MAX - 1 */
  CHECK_EQ(bg_tracker_add_file(t, 1), BG_ERR_OVERFLOW);
  CHECK_EQ(bg_tracker_add_file(t, BG_SIZE_UNKNOWN), BG_OK);
  CHECK_EQ(bg_tracker_add_file(t, 1), BG_ERR_OVERFLOW); /* the known sum is kept */
  p = snap(t);
  CHECK_JOB(p, BG_SIZE_UNKNOWN, 100, 4, 2);
  CHECK_EQ(bg_tracker_add_bytes(t, MAX64 - 101), BG_OK);
  CHECK_EQ(bg_tracker_add_bytes(t, 1), BG_ERR_OVERFLOW);
  CHECK_EQ(bg_job_progress_validate(&p), BG_OK);
  bg_tracker_free(t);
  return failures;
}

BGT_TEST(tracker_rate_and_eta) {
  int failures = 0;
  bg_tracker *t = bg_tracker_new();
  double rate = -1.0, eta = -1.0;
  struct timespec pause = {0, 150 * 1000 * 1000};
  if (t == NULL) return 1;
  CHECK_EQ(bg_tracker_rate(t, &rate), BG_ERR_NOT_ENOUGH_DATA); /* no data yet */
  CHECK(rate == -1.0);
  CHECK_EQ(bg_tracker_add_file(t, BG_SIZE_UNKNOWN), BG_OK);
  CHECK_EQ(bg_tracker_add_bytes(t, 1000), BG_OK);
  CHECK_EQ(bg_tracker_eta(t, &eta), BG_ERR_SIZE_UNKNOWN); /* before the rate */
  nanosleep(&pause, NULL);
  CHECK_EQ(bg_tracker_rate(t, &rate), BG_OK);
  /* At most the bytes over the shortest span measured (100 ms): the fading average may be
     above the plain average, 1000 bytes over the 150 ms since the tracker began. */
  CHECK(rate > 0.0 && rate <= 1000.0 / 0.1);
  CHECK_EQ(bg_tracker_resolve_size(t, 3000), BG_OK);
  CHECK_EQ(bg_tracker_eta(t, &eta), BG_OK);
  CHECK(eta > 0.0 && isfinite(eta));
  CHECK_EQ(bg_tracker_add_bytes(t, 2000), BG_OK);
  CHECK_EQ(bg_tracker_eta(t, &eta), BG_OK);
  CHECK(eta == 0.0);
  bg_tracker_free(t);
  return failures;
}

/* ---- Many threads at once ---------------------------------------------------------------- */

enum { WRITERS = 4, FILE_SIZE = 1000 };

struct writer {
  bg_tracker *t;
  uint64_t seed;
  unsigned long iters;
  /* What returned BG_OK. */
  uint64_t files, unknown_files, resolved, bytes, rewound, completed;
};

struct shared {
  bg_tracker *t;
  int running; /* writers not finished yet */
  /* Rewinds announced before the call, and finished after it: the reader's bound. */
  uint64_t announced, finished;
};

static struct shared g;

#ifdef BGT_FORCE_CONTENDED
/* Linked against a library built with --cfg bgprogress_force_contended: every snapshot asks
 * the writers and every update is posted. This export is in that build only. */
bg_result bg_tracker_paths(const bg_tracker *t, uint64_t counts[7]);

/* Prints how often each contended path ran; the stress test must have taken each of the
 * reader's and writer's main ones. */
static int print_paths(const bg_tracker *t) {
  static const char *const names[7] = {"reader asked",
                                       "reader answered by a writer",
                                       "reader withdrew",
                                       "reader found no free slot",
                                       "writer posted",
                                       "writer served posted updates",
                                       "reader left a stalled writer"};
  uint64_t counts[7];
  int failures = 0, i;
  CHECK_EQ(bg_tracker_paths(t, counts), BG_OK);
  for (i = 0; i < 7; i++)
    fprintf(stderr, "tracker_stress: path \"%s\": %llu\n", names[i],
            (unsigned long long)counts[i]);
  CHECK(counts[0] > 0);
  CHECK(counts[1] > 0);
  CHECK(counts[4] > 0);
  CHECK(counts[5] > 0);
  return failures;
}
#endif

static uint64_t next(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static void *write_loop(void *arg) {
  struct writer *w = (struct writer *)arg;
  unsigned long i;
  for (i = 0; i < w->iters; i++) {
    uint64_t r = next(&w->seed), n;
    unsigned kind = (unsigned)(r % 100);
    if (kind < 10) {
      if (bg_tracker_add_file(w->t, FILE_SIZE) == BG_OK) w->files++;
    } else if (kind < 12) {
      if (bg_tracker_add_file(w->t, BG_SIZE_UNKNOWN) == BG_OK) w->unknown_files++;
    } else if (kind < 14) {
      if (bg_tracker_resolve_size(w->t, FILE_SIZE) == BG_OK) w->resolved++;
    } else if (kind < 74) {
      n = 1 + (r >> 32) % 64;
      if (bg_tracker_add_bytes(w->t, n) == BG_OK) w->bytes += n;
    } else if (kind < 90) {
      if (bg_tracker_complete_file(w->t) == BG_OK) w->completed++;
    } else {
      n = 1 + (r >> 32) % 32;
      __atomic_fetch_add(&g.announced, n, __ATOMIC_SEQ_CST);
      if (bg_tracker_rewind_bytes(w->t, n) == BG_OK) w->rewound += n;
      __atomic_fetch_add(&g.finished, n, __ATOMIC_SEQ_CST);
    }
  }
  __atomic_fetch_sub(&g.running, 1, __ATOMIC_SEQ_CST);
  return NULL;
}

static unsigned long stress_iters(void) {
  const char *env = getenv("BGT_STRESS_ITERS");
  unsigned long n = env ? strtoul(env, NULL, 10) : 0;
  return n ? n : 1000000ul;
}

BGT_TEST(tracker_stress) {
  int failures = 0, i;
  struct writer w[WRITERS];
  pthread_t threads[WRITERS];
  BG_JOB_PROGRESS prev = bgt_job(0, 0, 0, 0), cur;
  uint64_t prev_finished = 0, snapshots = 0, files = 0, unknown = 0, resolved = 0, bytes = 0,
           rewound = 0, completed = 0;
  memset(&g, 0, sizeof g);
  g.t = bg_tracker_new();
  g.running = WRITERS;
  if (g.t == NULL) return 1;
  for (i = 0; i < WRITERS; i++) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].t = g.t;
    w[i].seed = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1);
    w[i].iters = stress_iters();
    if (pthread_create(&threads[i], NULL, write_loop, &w[i]) != 0) return 1;
  }
  /* The reader: every snapshot valid, whole, and never going backwards. At least one round,
   * even where the writers finish first (valgrind runs one thread at a time). */
  do {
    uint64_t finished_before = __atomic_load_n(&g.finished, __ATOMIC_SEQ_CST), announced_after;
    CHECK_EQ(bg_tracker_snapshot(g.t, &cur), BG_OK);
    announced_after = __atomic_load_n(&g.announced, __ATOMIC_SEQ_CST);
    CHECK_EQ(bg_job_progress_validate(&cur), BG_OK);
    /* A file is never counted without its bytes: every size is FILE_SIZE. */
    if (cur.BytesTotal != BG_SIZE_UNKNOWN)
      CHECK_EQ(cur.BytesTotal, (uint64_t)FILE_SIZE * cur.FilesTotal);
    CHECK(cur.FilesTotal >= prev.FilesTotal);
    CHECK(cur.FilesTransferred >= prev.FilesTransferred);
    if (cur.BytesTotal != BG_SIZE_UNKNOWN && prev.BytesTotal != BG_SIZE_UNKNOWN)
      CHECK(cur.BytesTotal >= prev.BytesTotal);
    /* Bytes drop only by the rewinds that finished after the previous snapshot began. */
    CHECK(cur.BytesTransferred + (announced_after - prev_finished) >= prev.BytesTransferred);
    prev = cur;
    prev_finished = finished_before;
    snapshots++;
  } while (__atomic_load_n(&g.running, __ATOMIC_SEQ_CST) > 0 && failures < 10);
  for (i = 0; i < WRITERS; i++) pthread_join(threads[i], NULL);
  for (i = 0; i < WRITERS; i++) {
    files += w[i].files;
    unknown += w[i].unknown_files;
    resolved += w[i].resolved;
    bytes += w[i].bytes;
    rewound += w[i].rewound;
    completed += w[i].completed;
  }
  /* Nothing lost: the final snapshot is the sum of every update that returned BG_OK. */
  cur = snap(g.t);
  CHECK_EQ(cur.FilesTotal, files + unknown);
  CHECK_EQ(cur.FilesTransferred, completed);
  CHECK_EQ(cur.BytesTransferred, bytes - rewound);
  CHECK_EQ(cur.BytesTotal, unknown > resolved ? BG_SIZE_UNKNOWN : (files + resolved) * FILE_SIZE);
  fprintf(stderr, "tracker_stress: %d writers x %lu updates, %llu snapshots checked\n", WRITERS,
          stress_iters(), (unsigned long long)snapshots);
#ifdef BGT_FORCE_CONTENDED
  failures += print_paths(g.t);
#endif
  bg_tracker_free(g.t);
  return failures;
}
