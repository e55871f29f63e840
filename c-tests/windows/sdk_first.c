/* A Windows program that includes the SDK's BITS headers first, then bgprogress.h, and uses
 * the helpers on the SDK's own structs (what IBackgroundCopyJob::GetProgress fills). Compiled
 * by `make abi-matrix` with mingw-w64's headers for x86_64 and i686; linked against
 * bgprogress.dll and run under Wine (with Wine's BITS service) by `make windows-test`. */
#define COBJMACROS
#include <windows.h>
#include <initguid.h> /* defines the BITS GUIDs here: mingw-w64's libuuid lacks them */
#include <bits.h>
#include <bits2_0.h>
#include <stdio.h>

#include "bgprogress.h"

#if !defined(BGPROGRESS_SDK_JOB_TYPES) || !defined(BGPROGRESS_SDK_REPLY_TYPES) || \
    !defined(BGPROGRESS_SDK_RANGE_TYPES)
#error "bgprogress.h should have used the SDK's types"
#endif

/* The SDK's structs against the documented declaration (the same checks as for our own). */
#include "../c/layout_static.c"

_Static_assert(sizeof(((BG_JOB_PROGRESS *)0)->FilesTotal) == 4, "ULONG is 32-bit on Windows");

HRESULT bgt_report(IBackgroundCopyJob *job, IBackgroundCopyJob2 *job2, char *text, size_t len);

HRESULT bgt_report(IBackgroundCopyJob *job, IBackgroundCopyJob2 *job2, char *text, size_t len) {
  BG_JOB_PROGRESS progress;
  BG_JOB_REPLY_PROGRESS reply;
  BG_FILE_PROGRESS file = {BG_SIZE_UNKNOWN, 0, FALSE};
  BG_FILE_RANGE ranges[2] = {{0, 100}, {4096, BG_LENGTH_TO_EOF}};
  UINT64 wanted = 0;
  uint32_t percent = 0;
  double fraction = 0.0;
  HRESULT hr = job->lpVtbl->GetProgress(job, &progress);
  if (FAILED(hr)) return hr;
  if (bg_job_progress_validate(&progress) != BG_OK) return E_UNEXPECTED;
  if (bg_job_progress_percent(&progress, &percent) == BG_OK &&
      bg_job_progress_fraction(&progress, &fraction) == BG_OK && percent > 100)
    return E_UNEXPECTED;
  bg_job_progress_format(&progress, text, len);
  hr = job2->lpVtbl->GetReplyProgress(job2, &reply);
  if (SUCCEEDED(hr) && bg_job_reply_progress_percent(&reply, &percent) != BG_OK) return E_FAIL;
  if (bg_file_progress_is_transferred(&file)) return E_FAIL;
  if (bg_job_progress_from_files(&file, 1, &progress) != BG_OK) return E_FAIL;
  if (bg_file_ranges_total(ranges, 2, 8192, &wanted) != BG_OK) return E_FAIL;
  return bg_job_progress_add_file(&progress, wanted) == BG_OK ? S_OK : E_FAIL;
}

/* Creates a real (empty) BITS job and reports on it; 0 when every helper agreed. */
int main(void) {
  IBackgroundCopyManager *manager = NULL;
  IBackgroundCopyJob *job = NULL;
  IBackgroundCopyJob2 *job2 = NULL;
  GUID id;
  char text[BG_FORMAT_BUFFER_SIZE] = "";
  HRESULT hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
  if (SUCCEEDED(hr))
    hr = CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_LOCAL_SERVER,
                          &IID_IBackgroundCopyManager, (void **)&manager);
  if (SUCCEEDED(hr))
    hr = IBackgroundCopyManager_CreateJob(manager, L"bgprogress sdk_first", BG_JOB_TYPE_DOWNLOAD,
                                          &id, &job);
  if (SUCCEEDED(hr))
    hr = IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJob2, (void **)&job2);
  if (SUCCEEDED(hr)) hr = bgt_report(job, job2, text, sizeof text);
  printf("sdk_first: %s: the SDK's BG_JOB_PROGRESS of a new job: %s\n",
         SUCCEEDED(hr) ? "ok" : "FAILED", text);
  if (FAILED(hr)) printf("sdk_first: HRESULT 0x%08lx\n", (unsigned long)hr);
  if (job2 != NULL) IBackgroundCopyJob2_Release(job2);
  if (job != NULL) {
    IBackgroundCopyJob_Cancel(job);
    IBackgroundCopyJob_Release(job);
  }
  if (manager != NULL) IBackgroundCopyManager_Release(manager);
  CoUninitialize();
  return SUCCEEDED(hr) ? 0 : 1;
}
