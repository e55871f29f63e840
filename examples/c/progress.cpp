// bgprogress from C++: the same header, linked the same way.
#include <cstdio>
#include <string>

#include <bgprogress.h>

static std::string describe(const BG_JOB_PROGRESS &p) {
  std::string text(bg_job_progress_format(&p, nullptr, 0), '\0');
  bg_job_progress_format(&p, &text[0], text.size() + 1);
  return text;
}

int main() {
  BG_JOB_PROGRESS job{};
  bg_job_progress_add_file(&job, 3u << 30);
  bg_job_progress_add_bytes(&job, 1u << 30);
  std::printf("c++: %s\n", describe(job).c_str());
  return 0;
}
