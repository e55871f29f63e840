/* bgcopy: copies files into a directory on a worker thread while the main thread draws a live
 * progress line from bg_tracker snapshots.
 *
 *   bgcopy [--limit MIB_PER_S] [--publish NAME] SRC... DESTDIR
 *   bgcopy --help | --version   (on stdout, exit status 0)
 *
 * A source whose size cannot be known in advance (a FIFO, a device) counts as BG_SIZE_UNKNOWN
 * until it ends; then bg_tracker_resolve_size makes the total known again. Exit status: 0 when
 * every file was copied, 1 on an error (reported on stderr), 2 on a usage error. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bgprogress.h>

#define CHUNK (1u << 20)
#define USAGE "usage: bgcopy [--limit MIB_PER_S] [--publish NAME] SRC... DESTDIR"
#define BAR 24

struct job {
  bg_tracker *tracker;
  char **sources;
  int count;
  const char *dest;
  double limit; /* bytes per second, 0 for none */
  int done;     /* set by the worker when it stops */
  int failed;   /* set by the worker on an error */
  char error[8448];
};

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_seconds(double s) {
  struct timespec ts;
  if (s <= 0) return;
  ts.tv_sec = (time_t)s;
  ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
  nanosleep(&ts, NULL);
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static void fail(struct job *job, const char *what, const char *path, const char *why) {
  snprintf(job->error, sizeof job->error, "%s %s: %s", what, path, why);
  __atomic_store_n(&job->failed, 1, __ATOMIC_SEQ_CST);
}

/* Copies one file, counting every chunk; returns 0 on success. */
static int copy_one(struct job *job, const char *src, int size_known, char *buf, double *started,
                    uint64_t *copied_total) {
  char dst[4096];
  int in = -1, out = -1, ok = 0;
  uint64_t copied = 0;
  bg_result r;
  snprintf(dst, sizeof dst, "%s/%s", job->dest, base_name(src));
  in = open(src, O_RDONLY);
  if (in < 0) {
    fail(job, "cannot read", src, strerror(errno));
    goto done;
  }
  out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0) {
    fail(job, "cannot write", dst, strerror(errno));
    goto done;
  }
  for (;;) {
    ssize_t n = read(in, buf, CHUNK), off = 0;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      fail(job, "cannot read", src, strerror(errno));
      goto done;
    }
    if (n == 0) break;
    while (off < n) {
      ssize_t w = write(out, buf + off, (size_t)(n - off));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        fail(job, "cannot write", dst, strerror(errno));
        goto done;
      }
      off += w;
    }
    r = bg_tracker_add_bytes(job->tracker, (uint64_t)n);
    if (r != BG_OK) { /* for example a regular file that grew while it was copied */
      fail(job, "progress of", src, bg_result_message(r));
      goto done;
    }
    copied += (uint64_t)n;
    *copied_total += (uint64_t)n;
    if (job->limit > 0) /* keep to the limit: sleep until the bytes so far are due */
      sleep_seconds(*started + (double)*copied_total / job->limit - now_seconds());
  }
  if (!size_known && (r = bg_tracker_resolve_size(job->tracker, copied)) != BG_OK) {
    fail(job, "size of", src, bg_result_message(r));
    goto done;
  }
  if ((r = bg_tracker_complete_file(job->tracker)) != BG_OK) {
    fail(job, "progress of", src, bg_result_message(r));
    goto done;
  }
  ok = 1;
done:
  if (in >= 0) close(in);
  if (out >= 0 && close(out) != 0 && ok) {
    fail(job, "cannot write", dst, strerror(errno));
    ok = 0;
  }
  return ok ? 0 : -1;
}

static void *worker(void *arg) {
  struct job *job = (struct job *)arg;
  char *buf = (char *)malloc(CHUNK);
  double started = now_seconds();
  uint64_t copied_total = 0;
  int i;
  if (buf == NULL) {
    fail(job, "cannot copy", "", "out of memory");
  } else {
    for (i = 0; i < job->count && !job->failed; i++) {
      struct stat st;
      int known = stat(job->sources[i], &st) == 0 && S_ISREG(st.st_mode);
      if (copy_one(job, job->sources[i], known, buf, &started, &copied_total) != 0) break;
    }
  }
  free(buf);
  __atomic_store_n(&job->done, 1, __ATOMIC_SEQ_CST);
  return NULL;
}

/* Refuses what would lose data: a source whose copy would overwrite the source itself, or two
 * sources whose copies would overwrite each other. */
static int copy_is_safe(const struct job *job, int i, const struct stat *src) {
  char dst[4096];
  struct stat existing;
  int j;
  snprintf(dst, sizeof dst, "%s/%s", job->dest, base_name(job->sources[i]));
  if (stat(dst, &existing) == 0 && existing.st_dev == src->st_dev && existing.st_ino == src->st_ino) {
    fprintf(stderr, "bgcopy: %s would be copied onto itself\n", job->sources[i]);
    return 0;
  }
  for (j = 0; j < i; j++)
    if (strcmp(base_name(job->sources[j]), base_name(job->sources[i])) == 0) {
      fprintf(stderr, "bgcopy: %s and %s would both be copied to %s\n", job->sources[j],
              job->sources[i], dst);
      return 0;
    }
  return 1;
}

/* "12.3 MiB/s" */
static void format_rate(double rate, char *out, size_t len) {
  static const char *units[] = {"B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s"};
  int u = 0;
  while (rate >= 1024.0 && u < 4) rate /= 1024.0, u++;
  snprintf(out, len, "%.1f %s", rate, units[u]);
}

/* Redraws one status line in place on a terminal; elsewhere (a log) prints a line now and then. */
static void draw(const bg_tracker *t, int final) {
  static unsigned calls;
  int tty = isatty(STDERR_FILENO);
  BG_JOB_PROGRESS p;
  char text[160], rate_text[32] = "-", eta_text[32] = "--:--", bar[BAR + 1];
  double fraction = 0.0, rate = 0.0, eta = 0.0;
  int i, fill;
  if (!tty && !final && calls++ % 10 != 0) return;
  if (bg_tracker_snapshot(t, &p) != BG_OK) return;
  bg_job_progress_format(&p, text, sizeof text);
  if (bg_tracker_rate(t, &rate) == BG_OK) format_rate(rate, rate_text, sizeof rate_text);
  if (bg_tracker_eta(t, &eta) == BG_OK && isfinite(eta))
    snprintf(eta_text, sizeof eta_text, "%d:%02d", (int)eta / 60, (int)eta % 60);
  if (bg_job_progress_fraction(&p, &fraction) == BG_OK) {
    fill = (int)(fraction * BAR);
    for (i = 0; i < BAR; i++) bar[i] = i < fill ? '#' : '-';
  } else { /* size unknown: no bar to fill */
    for (i = 0; i < BAR; i++) bar[i] = '?';
  }
  bar[BAR] = '\0';
  if (tty)
    fprintf(stderr, "\r[%s] %s | %s | ETA %s\033[K%s", bar, text, rate_text, eta_text,
            final ? "\n" : "");
  else
    fprintf(stderr, "[%s] %s | %s | ETA %s\n", bar, text, rate_text, eta_text);
  fflush(stderr);
}

int main(int argc, char **argv) {
  struct job job;
  pthread_t thread;
  struct stat st;
  int first = 1, i;
  double started;
  const char *publish_name = NULL;
  bg_publication *publication = NULL;
  memset(&job, 0, sizeof job);
  if (argc > 1 && strcmp(argv[1], "--help") == 0) {
    printf(USAGE "\n"
           "Copies each SRC into DESTDIR on a worker thread and draws a live progress line.\n"
           "  --limit MIB_PER_S  copy at most this many MiB per second (a number above 0)\n"
           "  --publish NAME     publish the job's progress under NAME for other processes\n"
           "                     (bg_job_open; its state ends TRANSFERRED, or ERROR)\n"
           "  --help             this text\n"
           "  --version          the version of bgcopy's libbgprogress\n");
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "--version") == 0) {
    printf("bgcopy (libbgprogress %s)\n", bg_version());
    return 0;
  }
  while (first < argc && strncmp(argv[first], "--", 2) == 0) {
    if (strcmp(argv[first], "--limit") == 0) {
      char *end = NULL;
      double mib = first + 1 < argc ? strtod(argv[first + 1], &end) : 0.0;
      if (first + 1 >= argc || end == argv[first + 1] || *end != 0 || !(mib > 0.0) ||
          !isfinite(mib)) {
        fprintf(stderr, "bgcopy: --limit needs a number of MiB per second above 0, not '%s'\n",
                first + 1 < argc ? argv[first + 1] : "");
        return 2;
      }
      job.limit = mib * 1024.0 * 1024.0;
    } else if (strcmp(argv[first], "--publish") == 0) {
      if (first + 1 >= argc) {
        fprintf(stderr, "bgcopy: --publish needs a name\n" USAGE "\n");
        return 2;
      }
      publish_name = argv[first + 1];
    } else {
      fprintf(stderr, "bgcopy: unknown option %s\n" USAGE "\n", argv[first]);
      return 2;
    }
    first += 2;
  }
  if (argc - first < 2) {
    fprintf(stderr, USAGE "\n");
    return 2;
  }
  job.sources = argv + first;
  job.count = argc - first - 1;
  job.dest = argv[argc - 1];
  if (stat(job.dest, &st) != 0 || !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "bgcopy: destination %s is not a directory\n", job.dest);
    return 1;
  }
  if (access(job.dest, W_OK) != 0) {
    fprintf(stderr, "bgcopy: destination %s is not writable: %s\n", job.dest, strerror(errno));
    return 1;
  }
  job.tracker = bg_tracker_new();
  if (job.tracker == NULL) {
    fprintf(stderr, "bgcopy: out of memory\n");
    return 1;
  }
  for (i = 0; i < job.count; i++) {
    uint64_t size = BG_SIZE_UNKNOWN;
    bg_result r;
    if (stat(job.sources[i], &st) != 0) {
      fprintf(stderr, "bgcopy: cannot read %s: %s\n", job.sources[i], strerror(errno));
      bg_tracker_free(job.tracker);
      return 1;
    }
    if (S_ISREG(st.st_mode)) size = (uint64_t)st.st_size; /* else: not known in advance */
    if (!copy_is_safe(&job, i, &st)) {
      bg_tracker_free(job.tracker);
      return 1;
    }
    r = bg_tracker_add_file(job.tracker, size);
    if (r != BG_OK) {
      fprintf(stderr, "bgcopy: %s: %s\n", job.sources[i], bg_result_message(r));
      bg_tracker_free(job.tracker);
      return 1;
    }
  }
  if (publish_name != NULL) {
    bg_result r = bg_tracker_publish(job.tracker, publish_name, &publication);
    if (r != BG_OK) {
      fprintf(stderr, "bgcopy: cannot publish as %s: %s\n", publish_name, bg_result_message(r));
      bg_tracker_free(job.tracker);
      return 1;
    }
  }
  started = now_seconds();
  if (pthread_create(&thread, NULL, worker, &job) != 0) {
    fprintf(stderr, "bgcopy: cannot start the worker thread\n");
    bg_tracker_free(job.tracker);
    return 1;
  }
  while (!__atomic_load_n(&job.done, __ATOMIC_SEQ_CST)) {
    draw(job.tracker, 0);
    sleep_seconds(0.1);
  }
  pthread_join(thread, NULL);
  draw(job.tracker, 1);
  if (job.failed) {
    fprintf(stderr, "bgcopy: %s\n", job.error);
    bg_publication_set_state(publication, BG_JOB_STATE_ERROR);
    bg_publication_close(publication);
    bg_tracker_free(job.tracker);
    return 1;
  }
  {
    BG_JOB_PROGRESS p;
    char text[160], rate_text[32];
    double elapsed = now_seconds() - started;
    bg_tracker_snapshot(job.tracker, &p);
    bg_job_progress_format(&p, text, sizeof text);
    format_rate(elapsed > 0 ? (double)p.BytesTransferred / elapsed : 0.0, rate_text,
                sizeof rate_text);
    printf("bgcopy: copied %s in %.2f s (%s average)%s\n", text, elapsed, rate_text,
           bg_job_progress_is_complete(&p) ? "" : " -- INCOMPLETE");
    bg_publication_set_state(publication, bg_job_progress_is_complete(&p)
                                              ? BG_JOB_STATE_TRANSFERRED
                                              : BG_JOB_STATE_ERROR);
    bg_publication_close(publication);
    bg_tracker_free(job.tracker);
    return bg_job_progress_is_complete(&p) ? 0 : 1;
  }
}
