/* The README's tracker example: worker threads update one bg_tracker, the main thread reads it. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include <bgprogress.h>

enum { WORKERS = 4, CHUNKS = 1000, CHUNK = 4096 };

static void *work(void *arg) {
  bg_tracker *t = (bg_tracker *)arg;
  int i;
  for (i = 0; i < CHUNKS; i++) bg_tracker_add_bytes(t, CHUNK); /* "received a chunk" */
  bg_tracker_complete_file(t);
  return NULL;
}

int main(void) {
  bg_tracker *t = bg_tracker_new();
  pthread_t threads[WORKERS];
  BG_JOB_PROGRESS p;
  char line[128];
  int i;
  if (t == NULL) return 1;
  for (i = 0; i < WORKERS; i++) bg_tracker_add_file(t, (uint64_t)CHUNKS * CHUNK);
  for (i = 0; i < WORKERS; i++) pthread_create(&threads[i], NULL, work, t);
  do { /* a reader: every snapshot is consistent, whatever the workers are doing */
    struct timespec pause = {0, 1000000};
    bg_tracker_snapshot(t, &p);
    nanosleep(&pause, NULL);
  } while (!bg_job_progress_is_complete(&p));
  for (i = 0; i < WORKERS; i++) pthread_join(threads[i], NULL);
  bg_job_progress_format(&p, line, sizeof line);
  printf("%s\n", line);
  bg_tracker_free(t);
  return 0;
}
