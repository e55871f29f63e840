/* Conan's test package: bgprogress found through CMakeDeps, linked and called. */
#include <stdio.h>
#include <string.h>

#include <bgprogress.h>

int main(void) {
  BG_JOB_PROGRESS job = {0, 0, 0, 0};
  uint32_t percent = 0;
  char text[BG_FORMAT_BUFFER_SIZE];
  bg_tracker *t = bg_tracker_new();
  if (t == NULL) return 1;
  if (bg_job_progress_add_file(&job, 2048) != BG_OK || bg_job_progress_add_bytes(&job, 512) != BG_OK)
    return 1;
  if (bg_job_progress_percent(&job, &percent) != BG_OK || percent != 25) return 1;
  if (bg_tracker_add_file(t, 100) != BG_OK || bg_tracker_add_bytes(t, 100) != BG_OK ||
      bg_tracker_snapshot(t, &job) != BG_OK || job.BytesTransferred != 100)
    return 1;
  bg_tracker_free(t);
  bg_job_progress_format(&job, text, sizeof text);
  printf("test_package: bgprogress %s: %s\n", bg_version(), text);
  return strstr(text, "100%") != NULL ? 0 : 1;
}
