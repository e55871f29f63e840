/* The cross-process tests' programs (c-tests/publish/run.sh and c-tests/cli/run.sh run them):
 *   jobs_tool publish NAME WRITERS ITERS [STATE [unknown]]
 *                                          publishes a tracker (of unknown size with
 *                                          "unknown"), WRITERS threads add 3 bytes ITERS
 *                                          times each (ITERS 0: until killed), then state
 *                                          STATE (default BG_JOB_STATE_TRANSFERRED, 6);
 *                                          prints "published",
 *                                          starts its writers after one line (or EOF) on
 *                                          stdin, prints "final T D FT FD", then waits for
 *                                          EOF on stdin
 *   jobs_tool read NAME                    reads once and prints "opened", then reads as
 *                                          fast as it can until TRANSFERRED: every read
 *                                          valid, never backwards; prints "final ..."
 *   jobs_tool stale NAME                   the job must open, read valid, and be stale
 *   jobs_tool prune                        prints how many stale jobs it removed */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bgprogress.h"

#define BYTES 3

static bg_tracker *tracker;
static unsigned long iters;

static void *writer(void *arg) {
  unsigned long i;
  (void)arg;
  for (i = 0; iters == 0 || i < iters; i++) {
    if (bg_tracker_add_bytes(tracker, BYTES) != BG_OK) {
      if (iters == 0) bg_tracker_rewind_bytes(tracker, BYTES * 1000); /* keep going */
      else return (void *)1;
    }
  }
  return NULL;
}

static int fail(const char *what, bg_result r) {
  fprintf(stderr, "jobs_tool: %s: %s\n", what, bg_result_message(r));
  return 1;
}

static int publish(const char *name, int writers, unsigned long n, uint32_t final_state,
                   int unknown) {
  pthread_t threads[16];
  bg_publication *pub = NULL;
  BG_JOB_PROGRESS p;
  bg_result r;
  int i, bad = 0;
  char line[16];
  iters = n;
  tracker = bg_tracker_new();
  if (tracker == NULL || writers < 1 || writers > 16) return 1;
  r = bg_tracker_add_file(tracker, unknown  ? BG_SIZE_UNKNOWN
                                   : n == 0 ? 3000000000ull
                                            : (uint64_t)writers * n * BYTES);
  if (r != BG_OK) return fail("add_file", r);
  if ((r = bg_tracker_publish(tracker, name, &pub)) != BG_OK) return fail("publish", r);
  printf("published\n");
  fflush(stdout);
  if (fgets(line, sizeof line, stdin) == NULL) { /* the go-ahead: the readers have read once */
  }
  for (i = 0; i < writers; i++) pthread_create(&threads[i], NULL, writer, NULL);
  for (i = 0; i < writers; i++) {
    void *ret;
    pthread_join(threads[i], &ret);
    bad |= ret != NULL;
  }
  if (bad) return 1;
  if (final_state == BG_JOB_STATE_TRANSFERRED &&
      (r = bg_tracker_complete_file(tracker)) != BG_OK)
    return fail("complete_file", r);
  if ((r = bg_publication_set_state(pub, final_state)) != BG_OK)
    return fail("set_state", r);
  bg_tracker_snapshot(tracker, &p);
  printf("final %llu %llu %u %u\n", (unsigned long long)p.BytesTotal,
         (unsigned long long)p.BytesTransferred, p.FilesTotal, p.FilesTransferred);
  fflush(stdout);
  while (fgets(line, sizeof line, stdin) != NULL) {
  }
  bg_publication_close(pub);
  bg_tracker_free(tracker);
  return 0;
}

static int read_job(const char *name) {
  bg_job_view *v = NULL;
  BG_JOB_PROGRESS p, last = {0, 0, 0, 0};
  uint32_t state = 0;
  unsigned long reads = 0, transferring = 0;
  bg_result r;
  int tries;
  struct timespec pause = {0, 1000000};
  for (tries = 0; (r = bg_job_open(name, &v)) == BG_ERR_NOT_FOUND && tries < 5000; tries++)
    nanosleep(&pause, NULL);
  if (r != BG_OK) return fail("open", r);
  for (;;) {
    if ((r = bg_job_read(v, &p, &state)) != BG_OK) return fail("read", r);
    reads++;
    if (bg_job_progress_validate(&p) != BG_OK || p.BytesTransferred % BYTES != 0 ||
        p.BytesTransferred < last.BytesTransferred || p.FilesTransferred < last.FilesTransferred) {
      fprintf(stderr, "jobs_tool: read %lu: invalid or backwards: %llu after %llu\n", reads,
              (unsigned long long)p.BytesTransferred, (unsigned long long)last.BytesTransferred);
      return 1;
    }
    last = p;
    if (reads == 1) {
      printf("opened\n");
      fflush(stdout);
    }
    if (state == BG_JOB_STATE_TRANSFERRING) transferring++;
    else if (state == BG_JOB_STATE_TRANSFERRED) break;
    else return fail("state", BG_ERR_INVALID_STATE);
  }
  printf("final %llu %llu %u %u\nreads %lu (%lu while transferring)\n",
         (unsigned long long)p.BytesTotal, (unsigned long long)p.BytesTransferred, p.FilesTotal,
         p.FilesTransferred, reads, transferring);
  bg_job_close(v);
  return transferring > 0 ? 0 : fail("no read while transferring", BG_ERR_NOT_ENOUGH_DATA);
}

static int stale(const char *name) {
  bg_job_view *v = NULL;
  BG_JOB_PROGRESS p;
  uint32_t state;
  bool is_stale = false;
  bg_result r;
  if ((r = bg_job_open(name, &v)) != BG_OK) return fail("open", r);
  if ((r = bg_job_read(v, &p, &state)) != BG_OK) return fail("read", r);
  if (bg_job_progress_validate(&p) != BG_OK) return fail("validate", BG_ERR_CORRUPT);
  if ((r = bg_job_status(v, &is_stale, NULL)) != BG_OK) return fail("status", r);
  bg_job_close(v);
  if (!is_stale) return fail("not stale", BG_ERR_EXISTS);
  printf("stale %llu %u\n", (unsigned long long)p.BytesTransferred, state);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 5 && argc <= 7 && strcmp(argv[1], "publish") == 0)
    return publish(argv[2], atoi(argv[3]), strtoul(argv[4], NULL, 10),
                   argc >= 6 ? (uint32_t)strtoul(argv[5], NULL, 10) : BG_JOB_STATE_TRANSFERRED,
                   argc == 7 && strcmp(argv[6], "unknown") == 0);
  if (argc == 3 && strcmp(argv[1], "read") == 0) return read_job(argv[2]);
  if (argc == 3 && strcmp(argv[1], "stale") == 0) return stale(argv[2]);
  if (argc == 2 && strcmp(argv[1], "prune") == 0) {
    uint32_t removed = 0;
    bg_result r = bg_jobs_prune(&removed);
    if (r != BG_OK) return fail("prune", r);
    printf("removed %u\n", removed);
    return 0;
  }
  fprintf(stderr, "usage: jobs_tool publish NAME WRITERS ITERS [STATE [unknown]] | read NAME | stale NAME | prune\n");
  return 2;
}
