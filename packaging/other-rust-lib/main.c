/* Links libbgprogress.a with another Rust static library (packaging/other-rust-lib), calls
 * both, and lets the other library catch a panic of its own. */
#include <stdio.h>

#include <bgprogress.h>

int other_catches_its_panic(void);

int main(void) {
  BG_JOB_PROGRESS p = {100, 50, 1, 0};
  uint32_t percent = 0;
  bg_tracker *t = bg_tracker_new();
  int ok = t != NULL && bg_tracker_add_file(t, 10) == BG_OK &&
           bg_job_progress_percent(&p, &percent) == BG_OK && percent == 50;
  int caught = other_catches_its_panic();
  bg_tracker_free(t);
  printf("bgprogress: %s; other Rust library caught its panic: %s\n", ok ? "ok" : "FAILED",
         caught ? "yes" : "no");
  return ok && caught ? 0 : 1;
}
