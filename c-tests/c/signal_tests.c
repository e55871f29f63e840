/* bg_tracker_try_snapshot where bg_tracker_snapshot can hang: in a signal handler that
 * interrupted an update of the same tracker on its own thread, and in a child forked while
 * another thread was updating. POSIX only: on Windows these tests check the call alone. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#include "bgt.h"

#ifndef _WIN32
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static bg_tracker *signal_tracker;
static volatile sig_atomic_t handled, busy, valid, invalid;
static pthread_t updating_thread;

static void on_alarm(int sig) {
  BG_JOB_PROGRESS p;
  bg_result r;
  /* The process may have other threads (cargo's test harness does): the signal must
   * interrupt the thread that updates, so pass it on if it landed elsewhere. */
  if (!pthread_equal(pthread_self(), updating_thread)) {
    pthread_kill(updating_thread, sig);
    return;
  }
  /* Alternately: bg_tracker_snapshot is async-signal-safe too, since it never waits for the
   * update this signal interrupted. */
  r = handled % 2 ? bg_tracker_try_snapshot(signal_tracker, &p)
                  : bg_tracker_snapshot(signal_tracker, &p);
  handled++;
  if (r == BG_ERR_BUSY)
    busy++;
  else if (r == BG_OK && bg_job_progress_validate(&p) == BG_OK)
    valid++;
  else
    invalid++;
}

static void *update_loop(void *arg) {
  volatile int *stop = arg;
  while (!*stop) bg_tracker_add_bytes(signal_tracker, 1);
  return NULL;
}
#endif

BGT_TEST(try_snapshot) {
  int failures = 0;
  bg_tracker *t = bg_tracker_new();
  BG_JOB_PROGRESS p = bgt_job(1, 2, 3, 4), sentinel = p;
  if (t == NULL) return 1;
  CHECK_EQ(bg_tracker_try_snapshot(NULL, &p), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_tracker_try_snapshot(t, NULL), BG_ERR_NULL_POINTER);
  CHECK(bgt_same_job(p, sentinel));
  CHECK_EQ(bg_tracker_add_file(t, 10), BG_OK);
  CHECK_EQ(bg_tracker_try_snapshot(t, &p), BG_OK);
  CHECK_JOB(p, 10, 0, 1, 0);
  bg_tracker_free(t);
  return failures;
}

/* A SIGALRM every 50 µs while this very thread updates the tracker flat out: the handler's
 * bg_tracker_snapshot and bg_tracker_try_snapshot answer every time, never hang, and are
 * never busy: the only writer is the update the signal interrupted, which moves nothing. */
BGT_TEST(try_snapshot_in_a_signal_handler) {
  int failures = 0;
#ifndef _WIN32
  struct sigaction sa, old;
  struct itimerval every = {{0, 50}, {0, 50}}, off = {{0, 0}, {0, 0}};
  long i;
  const char *env = getenv("BGT_SIGNALS"); /* valgrind's run takes fewer */
  int signals = env != NULL ? atoi(env) : 2000;
  signal_tracker = bg_tracker_new();
  if (signal_tracker == NULL) return 1;
  bg_tracker_add_file(signal_tracker, BG_SIZE_UNKNOWN);
  handled = busy = valid = invalid = 0;
  updating_thread = pthread_self();
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  CHECK(sigaction(SIGALRM, &sa, &old) == 0);
  CHECK(setitimer(ITIMER_REAL, &every, NULL) == 0);
  for (i = 0; i < 20000000 && handled < signals; i++) bg_tracker_add_bytes(signal_tracker, 1);
  setitimer(ITIMER_REAL, &off, NULL);
  /* A signal still pending (valgrind delivers them late) must not end the process. */
  signal(SIGALRM, SIG_IGN);
  (void)old;
  CHECK(handled > 0);
  CHECK_EQ(invalid, 0);
  CHECK_EQ(busy, 0);
  CHECK_EQ(valid, handled);
  fprintf(stderr, "try_snapshot_in_a_signal_handler: %d signals, %d snapshots, %d busy\n",
          (int)handled, (int)valid, (int)busy);
  bg_tracker_free(signal_tracker);
#endif
  return failures;
}

/* Children forked while another thread updates: each child's bg_tracker_try_snapshot
 * answers (exit 0 for BG_OK with a valid snapshot, 1 for BG_ERR_BUSY); a hang is killed by
 * alarm() in the child and counted as a failure. */
BGT_TEST(try_snapshot_after_fork) {
  int failures = 0;
#ifndef _WIN32
  pthread_t writer;
  volatile int stop = 0;
  const char *env = getenv("BGT_FORKS"); /* valgrind's run forks fewer: each fork is slow */
  int i, ok = 0, busy_children = 0, forks = env != NULL ? atoi(env) : 200;
  signal_tracker = bg_tracker_new();
  if (signal_tracker == NULL) return 1;
  bg_tracker_add_file(signal_tracker, BG_SIZE_UNKNOWN);
  if (pthread_create(&writer, NULL, update_loop, (void *)&stop) != 0) return 1;
  for (i = 0; i < forks; i++) {
    int status = 0;
    pid_t pid = fork();
    if (pid == 0) {
      BG_JOB_PROGRESS p;
      bg_result r;
      alarm(5);
      /* bg_tracker_snapshot too: it never waits for the update the fork cut in two. */
      if (bg_tracker_snapshot(signal_tracker, &p) != BG_OK || bg_job_progress_validate(&p) != BG_OK)
        _exit(2);
      r = bg_tracker_try_snapshot(signal_tracker, &p);
      _exit(r == BG_OK && bg_job_progress_validate(&p) == BG_OK ? 0 : r == BG_ERR_BUSY ? 1 : 2);
    }
    CHECK(pid > 0);
    if (pid <= 0) break;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) ok++;
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 1) busy_children++;
    else failures++;
  }
  stop = 1;
  pthread_join(writer, NULL);
  fprintf(stderr, "try_snapshot_after_fork: %d children: %d snapshots, %d busy\n", forks, ok,
          busy_children);
  CHECK(forks > 0);
  CHECK_EQ(ok + busy_children, forks);
  bg_tracker_free(signal_tracker);
#endif
  return failures;
}
