/* bitsget: downloads URLs into a folder with BITS (IBackgroundCopyJob), and applies bgprogress
 * to exactly the structs that BITS fills: the job's GetProgress and every file's GetProgress.
 *
 *   bitsget [--trace FILE] [--timeout SECONDS] DESTDIR URL...
 *
 * Every 100 ms it reads the job's BG_JOB_PROGRESS and each file's BG_FILE_PROGRESS, checks
 * each with bg_job_progress_validate, sums the files with bg_job_progress_from_files (BITS may
 * report the job's BytesTotal as BG_SIZE_UNKNOWN while every file's size is known; the sum
 * then gives the known total), and feeds a bg_tracker from the deltas for the rate and ETA.
 * A live line is printed once a second; --trace writes every sample, one line each:
 *   sample MS STATE JOB_TOTAL JOB_DONE JOB_FILES JOB_FILES_DONE (FILE_TOTAL FILE_DONE COMPLETED)...
 * and at the end, before the job is completed, one line for each file:
 *   file URL FILE_TOTAL FILE_DONE COMPLETED
 * Exit status: 0 when every file arrived and the job completed with only valid samples; 1 on
 * a BITS error, a timeout or any invalid sample; 2 on a usage error. */
#define COBJMACROS
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <initguid.h> /* defines the BITS GUIDs here: mingw-w64's libuuid lacks them */
#include <bits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <bgprogress.h>

#define MAX_FILES 64

struct sample {
  BG_JOB_PROGRESS job;
  BG_FILE_PROGRESS files[MAX_FILES];
  BG_JOB_STATE state;
  ULONG count;
};

/* What the tracker has been told so far, to feed it the deltas of the next sample. */
struct fed {
  uint64_t bytes;
  int size_known[MAX_FILES];
  int completed[MAX_FILES];
};

static const char *state_name(BG_JOB_STATE s) {
  static const char *names[] = {"QUEUED",    "CONNECTING",      "TRANSFERRING",
                                "SUSPENDED", "ERROR",           "TRANSIENT_ERROR",
                                "TRANSFERRED", "ACKNOWLEDGED", "CANCELLED"};
  return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "UNKNOWN";
}

static int usage(void) {
  fprintf(stderr, "usage: bitsget [--trace FILE] [--timeout SECONDS] DESTDIR URL...\n");
  return 2;
}

static void report_hr(const char *what, HRESULT hr) {
  fprintf(stderr, "bitsget: %s failed: HRESULT 0x%08lx\n", what, (unsigned long)hr);
}

/* The job's progress and every file's, in the order BITS enumerates them. */
static HRESULT take_sample(IBackgroundCopyJob *job, struct sample *s) {
  IEnumBackgroundCopyFiles *files = NULL;
  IBackgroundCopyFile *file = NULL;
  HRESULT hr = IBackgroundCopyJob_GetState(job, &s->state);
  if (SUCCEEDED(hr)) hr = IBackgroundCopyJob_GetProgress(job, &s->job);
  if (SUCCEEDED(hr)) hr = IBackgroundCopyJob_EnumFiles(job, &files);
  if (FAILED(hr)) return hr;
  s->count = 0;
  while (s->count < MAX_FILES && IEnumBackgroundCopyFiles_Next(files, 1, &file, NULL) == S_OK) {
    hr = IBackgroundCopyFile_GetProgress(file, &s->files[s->count]);
    IBackgroundCopyFile_Release(file);
    if (FAILED(hr)) break;
    s->count++;
  }
  IEnumBackgroundCopyFiles_Release(files);
  return hr;
}

/* Tells the tracker what changed since the last sample; 0, or -1 with a message. */
static int feed(bg_tracker *t, struct fed *fed, const struct sample *s, const BG_JOB_PROGRESS *sum) {
  ULONG i;
  bg_result r = BG_OK;
  for (i = 0; i < s->count && r == BG_OK; i++) {
    if (!fed->size_known[i] && s->files[i].BytesTotal != BG_SIZE_UNKNOWN) {
      r = bg_tracker_resolve_size(t, s->files[i].BytesTotal);
      fed->size_known[i] = 1;
    }
  }
  if (r == BG_OK && sum->BytesTransferred > fed->bytes)
    r = bg_tracker_add_bytes(t, sum->BytesTransferred - fed->bytes);
  else if (r == BG_OK && sum->BytesTransferred < fed->bytes) /* a file restarted */
    r = bg_tracker_rewind_bytes(t, fed->bytes - sum->BytesTransferred);
  if (r == BG_OK) fed->bytes = sum->BytesTransferred;
  for (i = 0; i < s->count && r == BG_OK; i++) {
    if (!fed->completed[i] && s->files[i].Completed) {
      r = bg_tracker_complete_file(t);
      fed->completed[i] = 1;
    }
  }
  if (r != BG_OK) fprintf(stderr, "bitsget: tracker: %s\n", bg_result_message(r));
  return r == BG_OK ? 0 : -1;
}

/* The live line: the per-file sum (known even while the job's total is not), rate and ETA. */
static void print_line(bg_tracker *t, const struct sample *s, const BG_JOB_PROGRESS *sum) {
  char text[BG_FORMAT_BUFFER_SIZE], rate_text[32] = "-", eta_text[32] = "--:--";
  double rate = 0.0, eta = 0.0;
  bg_job_progress_format(sum, text, sizeof text);
  if (bg_tracker_rate(t, &rate) == BG_OK)
    snprintf(rate_text, sizeof rate_text, "%.1f MiB/s", rate / 1048576.0);
  if (bg_tracker_eta(t, &eta) == BG_OK && isfinite(eta))
    snprintf(eta_text, sizeof eta_text, "%d:%02d", (int)eta / 60, (int)eta % 60);
  printf("%-12s %s | %s | ETA %s | job: ", state_name(s->state), text, rate_text, eta_text);
  if (s->job.BytesTotal == BG_SIZE_UNKNOWN)
    printf("BytesTotal unknown\n");
  else
    printf("BytesTotal %llu\n", (unsigned long long)s->job.BytesTotal);
  fflush(stdout);
}

static void trace_sample(FILE *trace, DWORD ms, const struct sample *s) {
  ULONG i;
  if (trace == NULL) return;
  fprintf(trace, "sample %lu %s %llu %llu %lu %lu", (unsigned long)ms, state_name(s->state),
          (unsigned long long)s->job.BytesTotal, (unsigned long long)s->job.BytesTransferred,
          (unsigned long)s->job.FilesTotal, (unsigned long)s->job.FilesTransferred);
  for (i = 0; i < s->count; i++)
    fprintf(trace, " %llu %llu %d", (unsigned long long)s->files[i].BytesTotal,
            (unsigned long long)s->files[i].BytesTransferred, s->files[i].Completed ? 1 : 0);
  fprintf(trace, "\n");
}

/* The last progress of every file, with its URL, on the trace. */
static void trace_files(IBackgroundCopyJob *job, FILE *trace) {
  IEnumBackgroundCopyFiles *files = NULL;
  IBackgroundCopyFile *file = NULL;
  if (trace == NULL || FAILED(IBackgroundCopyJob_EnumFiles(job, &files))) return;
  while (IEnumBackgroundCopyFiles_Next(files, 1, &file, NULL) == S_OK) {
    BG_FILE_PROGRESS p;
    LPWSTR url = NULL;
    if (SUCCEEDED(IBackgroundCopyFile_GetRemoteName(file, &url)) &&
        SUCCEEDED(IBackgroundCopyFile_GetProgress(file, &p)))
      fprintf(trace, "file %ls %llu %llu %d\n", url, (unsigned long long)p.BytesTotal,
              (unsigned long long)p.BytesTransferred, p.Completed ? 1 : 0);
    CoTaskMemFree(url);
    IBackgroundCopyFile_Release(file);
  }
  IEnumBackgroundCopyFiles_Release(files);
}

/* Adds every URL to the job, as DESTDIR\NAME with NAME the URL's last path segment. */
static HRESULT add_files(IBackgroundCopyJob *job, const wchar_t *dest, wchar_t **urls, int n) {
  int i;
  for (i = 0; i < n; i++) {
    wchar_t local[MAX_PATH * 2], full[MAX_PATH * 2];
    const wchar_t *name = wcsrchr(urls[i], L'/');
    HRESULT hr;
    name = name != NULL ? name + 1 : urls[i];
    if (*name == 0 || _snwprintf(local, MAX_PATH * 2, L"%ls\\%ls", dest, name) < 0) return E_INVALIDARG;
    if (GetFullPathNameW(local, MAX_PATH * 2, full, NULL) == 0) return HRESULT_FROM_WIN32(GetLastError());
    hr = IBackgroundCopyJob_AddFile(job, urls[i], full);
    if (FAILED(hr)) {
      fprintf(stderr, "bitsget: cannot add %ls as %ls\n", urls[i], full);
      return hr;
    }
  }
  return S_OK;
}

/* Polls the job until it is transferred (then completes it), fails or times out. */
static int run(IBackgroundCopyJob *job, int nfiles, FILE *trace, DWORD timeout_ms) {
  struct sample s;
  struct fed fed;
  BG_JOB_PROGRESS sum = {0, 0, 0, 0};
  bg_tracker *t = bg_tracker_new();
  DWORD start = GetTickCount(), last_line = 0;
  unsigned long samples = 0, invalid = 0, mid = 0;
  int i, status = 1;
  if (t == NULL) return 1;
  memset(&fed, 0, sizeof fed);
  for (i = 0; i < nfiles; i++) bg_tracker_add_file(t, BG_SIZE_UNKNOWN);
  for (;;) {
    DWORD ms = GetTickCount() - start;
    bg_result r;
    HRESULT hr = take_sample(job, &s);
    if (FAILED(hr)) {
      report_hr("reading the progress", hr);
      break;
    }
    samples++;
    trace_sample(trace, ms, &s);
    r = bg_job_progress_validate(&s.job);
    if (r == BG_OK) r = bg_job_progress_from_files(s.files, s.count, &sum);
    if (r == BG_OK) r = bg_job_progress_validate(&sum);
    if (r != BG_OK) {
      fprintf(stderr, "bitsget: invalid sample %lu: %s\n", samples, bg_result_message(r));
      invalid++;
    } else {
      uint32_t percent;
      if (feed(t, &fed, &s, &sum) != 0) invalid++;
      if (bg_job_progress_percent(&sum, &percent) == BG_OK && percent > 0 && percent < 100) mid++;
    }
    if (ms - last_line >= 1000 || last_line == 0 || s.state == BG_JOB_STATE_TRANSFERRED) {
      print_line(t, &s, &sum);
      last_line = ms == 0 ? 1 : ms;
    }
    if (s.state == BG_JOB_STATE_TRANSFERRED) {
      trace_files(job, trace);
      hr = IBackgroundCopyJob_Complete(job);
      if (FAILED(hr)) report_hr("completing the job", hr);
      else status = 0;
      break;
    }
    if (s.state == BG_JOB_STATE_ERROR || s.state == BG_JOB_STATE_CANCELLED) {
      fprintf(stderr, "bitsget: the job stopped in state %s\n", state_name(s.state));
      break;
    }
    if (ms > timeout_ms) {
      fprintf(stderr, "bitsget: timed out after %lu ms in state %s\n", (unsigned long)ms,
              state_name(s.state));
      break;
    }
    Sleep(100);
  }
  if (status != 0) IBackgroundCopyJob_Cancel(job);
  if (invalid > 0) status = 1;
  printf("bitsget: %lu samples, %lu mid-transfer, %lu invalid; %lu of %lu files, %llu bytes\n",
         samples, mid, invalid, (unsigned long)sum.FilesTransferred, (unsigned long)sum.FilesTotal,
         (unsigned long long)sum.BytesTransferred);
  bg_tracker_free(t);
  return status;
}

int wmain(int argc, wchar_t **argv) {
  IBackgroundCopyManager *manager = NULL;
  IBackgroundCopyJob *job = NULL;
  GUID id;
  FILE *trace = NULL;
  DWORD timeout_ms = 120000;
  int i = 1, status = 1;
  HRESULT hr;
  for (; i < argc && wcsncmp(argv[i], L"--", 2) == 0; i += 2) {
    if (i + 1 >= argc) return usage();
    if (wcscmp(argv[i], L"--trace") == 0) {
      trace = _wfopen(argv[i + 1], L"w");
      if (trace == NULL) {
        fprintf(stderr, "bitsget: cannot write %ls\n", argv[i + 1]);
        return 1;
      }
    } else if (wcscmp(argv[i], L"--timeout") == 0) {
      wchar_t *end;
      unsigned long s = wcstoul(argv[i + 1], &end, 10);
      if (*end != 0 || s == 0 || s > 86400) return usage();
      timeout_ms = (DWORD)s * 1000;
    } else {
      return usage();
    }
  }
  if (argc - i < 2 || argc - i - 1 > MAX_FILES) return usage();
  hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
  if (FAILED(hr)) {
    report_hr("CoInitializeEx", hr);
    return 1;
  }
  hr = CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_LOCAL_SERVER,
                        &IID_IBackgroundCopyManager, (void **)&manager);
  if (FAILED(hr)) report_hr("creating the BITS manager", hr);
  if (SUCCEEDED(hr)) {
    hr = IBackgroundCopyManager_CreateJob(manager, L"bgprogress bitsget", BG_JOB_TYPE_DOWNLOAD,
                                          &id, &job);
    if (FAILED(hr)) report_hr("creating the job", hr);
  }
  if (SUCCEEDED(hr)) hr = add_files(job, argv[i], argv + i + 1, argc - i - 1);
  if (SUCCEEDED(hr)) {
    hr = IBackgroundCopyJob_Resume(job);
    if (FAILED(hr)) report_hr("resuming the job", hr);
  }
  if (SUCCEEDED(hr)) {
    status = run(job, argc - i - 1, trace, timeout_ms);
  } else if (job != NULL) {
    IBackgroundCopyJob_Cancel(job);
  }
  if (job != NULL) IBackgroundCopyJob_Release(job);
  if (manager != NULL) IBackgroundCopyManager_Release(manager);
  if (trace != NULL) fclose(trace);
  CoUninitialize();
  return status;
}
