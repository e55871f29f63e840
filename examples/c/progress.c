/* The README's C example: build a job's progress, ask it questions, print it. */
#include <stdio.h>

#include <bgprogress.h>

int main(void) {
  BG_JOB_PROGRESS job = {0, 0, 0, 0};
  BG_FILE_PROGRESS files[2] = {{1048576, 1048576, 1}, {2097152, 524288, 0}};
  char text[128];
  uint32_t percent;
  bg_result r;

  bg_job_progress_add_file(&job, 1048576);                    /* 1 MiB */
  bg_job_progress_add_file(&job, 2097152);                    /* 2 MiB */
  bg_job_progress_add_bytes(&job, 1048576 + 524288);          /* 1.5 MiB in */
  bg_job_progress_complete_file(&job);
  if (bg_job_progress_percent(&job, &percent) == BG_OK) printf("percent: %u\n", percent);
  bg_job_progress_format(&job, text, sizeof text);
  printf("job: %s\n", text);

  r = bg_job_progress_add_bytes(&job, 2097152); /* more than is left: refused, nothing changes */
  printf("add_bytes: %s\n", bg_result_message(r));

  if (bg_job_progress_from_files(files, 2, &job) == BG_OK) {
    bg_job_progress_format(&job, text, sizeof text);
    printf("from files: %s\n", text);
  }
  bg_job_progress_add_file(&job, BG_SIZE_UNKNOWN); /* one more file, size not known yet */
  r = bg_job_progress_percent(&job, &percent);
  printf("percent: %s\n", bg_result_message(r));
  printf("version: %s\n", bg_version());
  return 0;
}
