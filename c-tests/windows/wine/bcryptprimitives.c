/* A TEST FIXTURE OF THE WINE ENVIRONMENT ONLY: never installed, never shipped.
 *
 * Rust's Windows standard library imports ProcessPrng from bcryptprimitives.dll (Windows 10
 * and later have it). Wine 8 (Debian 12) has no bcryptprimitives.dll, so nothing built by
 * rustc for Windows loads there. `make windows-test` builds this stand-in into the folder
 * of the programs it runs under Wine; it implements ProcessPrng with RtlGenRandom
 * (advapi32's SystemFunction036), which Wine does have. On real Windows the system's own
 * DLL is used and this file plays no part. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG chunk = len > 0x40000000u ? 0x40000000u : (ULONG)len;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    len -= chunk;
  }
  return TRUE;
}
