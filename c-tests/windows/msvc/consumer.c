/* An MSVC-ABI program: compiled by clang for *-pc-windows-msvc with Wine's SDK and CRT
 * headers, linked by lld-link against bgprogress.lib (the staged MSVC import library) and
 * run under Wine against the mingw-built bgprogress.dll (`make windows-msvc-test`). It
 * includes <windows.h> and <bits.h> first, so bgprogress.h uses the SDK's own structs; it
 * checks results and messages, the helpers on a BG_JOB_PROGRESS of the SDK's declaration, and
 * a tracker fed by a worker thread. Compiled as C and, from consumer.cpp, as C++. */
#include <windows.h>
#include <bits.h>
#include <stdio.h>
#include <string.h>

#include "bgprogress.h"

#if !defined(BGPROGRESS_SDK_JOB_TYPES)
#error "bgprogress.h should have used the SDK's BG_JOB_PROGRESS"
#endif

#ifdef __cplusplus
extern "C" {
#endif
/* The MSVC CRT defines this for programs that use floating point; Wine's import libraries
 * have no CRT start-up objects, so this program defines it and starts at main. */
int _fltused = 0;
#ifdef __cplusplus
}
#endif

enum { WORKER_UPDATES = 1000, BYTES_PER_UPDATE = 7 };

static int failures = 0;
#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      printf("msvc consumer: %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                          \
    }                                                                      \
  } while (0)

static DWORD WINAPI worker(LPVOID arg) {
  bg_tracker *t = (bg_tracker *)arg;
  int i;
  for (i = 0; i < WORKER_UPDATES; i++)
    if (bg_tracker_add_bytes(t, BYTES_PER_UPDATE) != BG_OK) return 1;
  return bg_tracker_complete_file(t) == BG_OK ? 0 : 1;
}

int main(void) {
  /* The SDK's struct, as IBackgroundCopyJob::GetProgress fills it. */
  BG_JOB_PROGRESS p;
  uint32_t percent = 0;
  double rate = 0.0;
  char text[BG_FORMAT_BUFFER_SIZE];
  bg_tracker *t;
  HANDLE thread;
  DWORD code = 1;
  memset(&p, 0, sizeof p);
  p.BytesTotal = 4000;
  p.BytesTransferred = 1000;
  p.FilesTotal = 2;
  p.FilesTransferred = 1;
  CHECK(sizeof(BG_JOB_PROGRESS) == 24);
  CHECK(bg_job_progress_validate(&p) == BG_OK);
  CHECK(bg_job_progress_percent(&p, &percent) == BG_OK && percent == 25);
  CHECK(bg_job_progress_format(&p, text, sizeof text) > 0);
  CHECK(strstr(text, "25") != NULL);
  p.BytesTransferred = 5000;
  CHECK(bg_job_progress_validate(&p) == BG_ERR_BYTES_EXCEED_TOTAL);
  CHECK(bg_job_progress_percent(NULL, &percent) == BG_ERR_NULL_POINTER);
  CHECK(strcmp(bg_result_message(BG_OK), "success") == 0 ||
        strlen(bg_result_message(BG_OK)) > 0);
  CHECK(strlen(bg_result_message(BG_ERR_BYTES_EXCEED_TOTAL)) > 0);

  t = bg_tracker_new();
  CHECK(t != NULL);
  if (t == NULL) return 1;
  CHECK(bg_tracker_add_file(t, (uint64_t)WORKER_UPDATES * BYTES_PER_UPDATE) == BG_OK);
  thread = CreateThread(NULL, 0, worker, t, 0, NULL);
  CHECK(thread != NULL);
  if (thread != NULL) {
    WaitForSingleObject(thread, INFINITE);
    GetExitCodeThread(thread, &code);
    CloseHandle(thread);
  }
  CHECK(code == 0);
  CHECK(bg_tracker_snapshot(t, &p) == BG_OK);
  CHECK(p.BytesTransferred == (UINT64)WORKER_UPDATES * BYTES_PER_UPDATE);
  CHECK(p.BytesTotal == p.BytesTransferred && p.FilesTransferred == 1 && p.FilesTotal == 1);
  CHECK(bg_job_progress_percent(&p, &percent) == BG_OK && percent == 100);
  CHECK(bg_job_progress_format(&p, text, sizeof text) > 0);
  Sleep(150);
  CHECK(bg_tracker_rate(t, &rate) == BG_OK && rate > 0.0);
  bg_tracker_free(t);

  printf("msvc consumer (%s, %d-bit): %s: a worker thread's updates: %s\n",
#ifdef __cplusplus
         "C++",
#else
         "C",
#endif
         (int)(8 * sizeof(void *)), failures == 0 ? "ok" : "FAILED", text);
  return failures == 0 ? 0 : 1;
}
