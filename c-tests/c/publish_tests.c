/* Published jobs from C: the API's NULLs, names and errors, all or nothing on every error
 * path, and hostile job files (truncated at every length, random bytes, links, modes), in a
 * private jobs directory. The cross-process and kill tests are c-tests/publish/. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#include "bgt.h"

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>

/* A fresh private jobs directory, set as BGPROGRESS_DIR; its path in dir. */
static int private_dir(char *dir, size_t len) {
  snprintf(dir, len, "/tmp/bgt-publish-XXXXXX");
  if (mkdtemp(dir) == NULL) return 0;
  return setenv("BGPROGRESS_DIR", dir, 1) == 0;
}

static void remove_dir(const char *dir) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

static void job_path(char *out, size_t len, const char *dir, const char *name) {
  snprintf(out, len, "%s/%s.job", dir, name);
}
#endif

BGT_TEST(publish_api_edges) {
  int failures = 0;
#ifndef _WIN32
  char dir[64], path[128];
  bg_tracker *t = bg_tracker_new();
  bg_publication *pub = (bg_publication *)1, *other = (bg_publication *)1;
  bg_job_view *v = (bg_job_view *)1;
  BG_JOB_PROGRESS p = bgt_job(7, 7, 7, 7);
  uint32_t state = 99, removed = 99;
  double x = -1.0;
  bool stale = true, closed = true;
  uint64_t pid = 0;
  char long_name[70];
  if (t == NULL || !private_dir(dir, sizeof dir)) return 1;
  memset(long_name, 'a', 65);
  long_name[65] = '\0';

  /* NULLs, names: nothing written. */
  CHECK_EQ(bg_tracker_publish(NULL, "a", &pub), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_tracker_publish(t, NULL, &pub), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_tracker_publish(t, "a", NULL), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_tracker_publish(t, "", &pub), BG_ERR_INVALID_NAME);
  CHECK_EQ(bg_tracker_publish(t, ".a", &pub), BG_ERR_INVALID_NAME);
  CHECK_EQ(bg_tracker_publish(t, "a/b", &pub), BG_ERR_INVALID_NAME);
  CHECK_EQ(bg_tracker_publish(t, long_name, &pub), BG_ERR_INVALID_NAME);
  CHECK(pub == (bg_publication *)1);
  CHECK_EQ(bg_job_open("nobody", &v), BG_ERR_NOT_FOUND);
  CHECK_EQ(bg_job_open(NULL, &v), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_job_open("x", NULL), BG_ERR_NULL_POINTER);
  CHECK(v == (bg_job_view *)1);
  CHECK_EQ(bg_job_read(NULL, &p, &state), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_jobs_list(NULL, NULL), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_publication_set_state(NULL, 0), BG_ERR_NULL_POINTER);
  bg_publication_close(NULL);
  bg_job_close(NULL);

  /* Publish, read, state, close. */
  CHECK_EQ(bg_tracker_add_file(t, 2000), BG_OK);
  CHECK_EQ(bg_tracker_add_bytes(t, 500), BG_OK);
  CHECK_EQ(bg_tracker_publish(t, "edge", &pub), BG_OK);
  CHECK_EQ(bg_tracker_publish(t, "edge2", &other), BG_ERR_EXISTS); /* one name per tracker */
  CHECK(other == (bg_publication *)1);
  CHECK_EQ(bg_job_open("edge", &v), BG_OK);
  CHECK_EQ(bg_job_read(v, NULL, &state), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_job_read(v, &p, NULL), BG_ERR_NULL_POINTER);
  CHECK_JOB(p, 7, 7, 7, 7);
  CHECK_EQ(bg_job_read(v, &p, &state), BG_OK);
  CHECK_JOB(p, 2000, 500, 1, 0);
  CHECK_EQ(state, BG_JOB_STATE_TRANSFERRING);
  CHECK_EQ(bg_publication_set_state(pub, BG_JOB_STATE_CANCELLED + 1), BG_ERR_INVALID_STATE);
  CHECK_EQ(bg_publication_set_state(pub, BG_JOB_STATE_SUSPENDED), BG_OK);
  CHECK_EQ(bg_job_read(v, &p, &state), BG_OK);
  CHECK_EQ(state, BG_JOB_STATE_SUSPENDED);
  CHECK_EQ(bg_job_rate(v, &x), BG_ERR_NOT_ENOUGH_DATA);
  CHECK(x == -1.0);
  CHECK_EQ(bg_job_status(v, &stale, &closed), BG_OK);
  CHECK(!stale && !closed);
  CHECK_EQ(bg_job_status(v, &stale, NULL), BG_OK);
  CHECK_EQ(bg_job_status(v, NULL, &closed), BG_ERR_NULL_POINTER);
  CHECK_EQ(bg_job_owner_pid(v, &pid), BG_OK);
  CHECK_EQ(pid, (uint64_t)getpid());
  job_path(path, sizeof path, dir, "edge");
  {
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
  }
  /* bg_tracker_free closes the publication; the view keeps the last state, closed. */
  bg_tracker_free(t);
  CHECK(access(path, F_OK) != 0);
  CHECK_EQ(bg_publication_set_state(pub, BG_JOB_STATE_ERROR), BG_OK); /* changes nothing */
  CHECK_EQ(bg_job_read(v, &p, &state), BG_OK);
  CHECK_JOB(p, 2000, 500, 1, 0);
  CHECK_EQ(state, BG_JOB_STATE_SUSPENDED);
  CHECK_EQ(bg_job_status(v, &stale, &closed), BG_OK);
  CHECK(closed);
  bg_publication_close(pub);
  bg_job_close(v);
  CHECK_EQ(bg_job_open("edge", &v), BG_ERR_NOT_FOUND);
  CHECK_EQ(bg_jobs_prune(&removed), BG_OK);
  CHECK_EQ(removed, 0);
  CHECK_EQ(bg_jobs_prune(NULL), BG_OK);
  CHECK(bg_last_os_error() == 0 || bg_last_os_error() != 0); /* callable, any value */
  remove_dir(dir);
#endif
  return failures;
}

#ifndef _WIN32
static bool count_names(const char *name, void *context) {
  (void)name;
  (*(int *)context)++;
  return *(int *)context < 2; /* stop after two */
}
#endif

/* Hostile job files: each gives its documented error, never a crash (the sanitizer and
 * valgrind runs of make test run this too). */
BGT_TEST(publish_hostile_files) {
  int failures = 0;
#ifndef _WIN32
  char dir[64], path[128], link_path[128], whole[256];
  bg_tracker *t = bg_tracker_new();
  bg_publication *pub = NULL;
  bg_job_view *v = NULL;
  BG_JOB_PROGRESS p;
  uint32_t state;
  int names = 0, tried = 0;
  size_t len, i;
  FILE *f;
  uint64_t x = 0x9E3779B97F4A7C15ull;
  if (t == NULL || !private_dir(dir, sizeof dir)) return 1;
  CHECK_EQ(bg_tracker_add_file(t, 1000), BG_OK);
  CHECK_EQ(bg_tracker_publish(t, "whole", &pub), BG_OK);
  job_path(path, sizeof path, dir, "whole");
  f = fopen(path, "rb");
  CHECK(f != NULL && fread(whole, 1, sizeof whole, f) == sizeof whole);
  if (f != NULL) fclose(f);
  bg_publication_close(pub); /* the name is gone; its bytes are kept in whole */
  bg_tracker_free(t);
  /* Publishers that are gone: a copy under another name, truncated at every length. */
  job_path(path, sizeof path, dir, "victim");
  for (len = 0; len < sizeof whole; len++) {
    f = fopen(path, "wb");
    if (f == NULL) break;
    fwrite(whole, 1, len, f);
    fclose(f);
    chmod(path, 0600);
    v = (bg_job_view *)1;
    CHECK_EQ(bg_job_open("victim", &v), BG_ERR_CORRUPT);
    CHECK(v == (bg_job_view *)1);
    tried++;
  }
  /* Random bytes over the whole file: corrupt, or a valid state. */
  for (i = 0; i < 300; i++) {
    char b[256];
    size_t k;
    memcpy(b, whole, sizeof b);
    for (k = 0; k < sizeof b; k++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      if (x % 11 == 0) b[k] = (char)x;
    }
    f = fopen(path, "wb");
    if (f == NULL) break;
    fwrite(b, 1, sizeof b, f);
    fclose(f);
    v = NULL;
    if (bg_job_open("victim", &v) == BG_OK) {
      CHECK_EQ(bg_job_read(v, &p, &state), BG_OK);
      CHECK_EQ(bg_job_progress_validate(&p), BG_OK);
      CHECK(state <= BG_JOB_STATE_CANCELLED);
      bg_job_close(v);
    }
    tried++;
  }
  /* The whole file again: valid, stale (its publisher's name was closed, its process is this
   * one: not stale), then truncated under an open view. */
  f = fopen(path, "wb");
  if (f != NULL) {
    fwrite(whole, 1, sizeof whole, f);
    fclose(f);
  }
  CHECK_EQ(bg_job_open("victim", &v), BG_OK);
  CHECK(truncate(path, 100) == 0);
  state = 99;
  {
    bg_result r = bg_job_read(v, &p, &state);
    CHECK(r == BG_ERR_CORRUPT || (r == BG_OK && state == BG_JOB_STATE_TRANSFERRING));
  }
  bg_job_close(v);
  /* A symbolic link in place of the job; a file others may write. */
  job_path(link_path, sizeof link_path, dir, "link");
  CHECK(symlink(path, link_path) == 0);
  CHECK_EQ(bg_job_open("link", &v), BG_ERR_PERMISSION);
  CHECK(chmod(path, 0666) == 0);
  CHECK_EQ(bg_job_open("victim", &v), BG_ERR_PERMISSION);
  CHECK(chmod(path, 0600) == 0);
  CHECK_EQ(bg_jobs_list(count_names, &names), BG_OK);
  CHECK_EQ(names, 2); /* "link" and "victim": stopped after two */
  /* The directory writable by others. */
  CHECK(chmod(dir, 0777) == 0);
  CHECK_EQ(bg_job_open("victim", &v), BG_ERR_PERMISSION);
  CHECK(chmod(dir, 0700) == 0);
  printf("publish: hostile job files tried: %d\n", tried);
  remove_dir(dir);
#endif
  return failures;
}
