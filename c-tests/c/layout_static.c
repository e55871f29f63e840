/* The header's types against the documented declarations, as compile-time assertions: any
 * difference in size, alignment, or a member's offset or size fails the build. Freestanding
 * (only the compiler's own headers), so `make abi-matrix` compiles it for every target. */
#include <stddef.h>

#include "bgprogress.h"

/* The documented declarations, with the Windows widths: UINT64 64-bit, ULONG and BOOL 32-bit. */
typedef uint64_t DOC_UINT64;
typedef uint32_t DOC_ULONG;
typedef int32_t DOC_BOOL;

typedef struct DOC_JOB_PROGRESS {
  DOC_UINT64 BytesTotal;
  DOC_UINT64 BytesTransferred;
  DOC_ULONG FilesTotal;
  DOC_ULONG FilesTransferred;
} DOC_JOB_PROGRESS;

typedef struct DOC_FILE_PROGRESS {
  DOC_UINT64 BytesTotal;
  DOC_UINT64 BytesTransferred;
  DOC_BOOL Completed;
} DOC_FILE_PROGRESS;

typedef struct DOC_JOB_REPLY_PROGRESS {
  DOC_UINT64 BytesTotal;
  DOC_UINT64 BytesTransferred;
} DOC_JOB_REPLY_PROGRESS;

typedef struct DOC_FILE_RANGE {
  DOC_UINT64 InitialOffset;
  DOC_UINT64 Length;
} DOC_FILE_RANGE;

#define SAME_TYPE(T, D)                                                        \
  _Static_assert(sizeof(T) == sizeof(D), "sizeof " #T " differs from the documented one"); \
  _Static_assert(_Alignof(T) == _Alignof(D), "_Alignof " #T " differs from the documented one")

#define SAME_MEMBER(T, D, m)                                                   \
  _Static_assert(offsetof(T, m) == offsetof(D, m), "offsetof " #T "." #m " differs"); \
  _Static_assert(sizeof(((T *)0)->m) == sizeof(((D *)0)->m), "sizeof " #T "." #m " differs")

SAME_TYPE(BG_JOB_PROGRESS, DOC_JOB_PROGRESS);
SAME_MEMBER(BG_JOB_PROGRESS, DOC_JOB_PROGRESS, BytesTotal);
SAME_MEMBER(BG_JOB_PROGRESS, DOC_JOB_PROGRESS, BytesTransferred);
SAME_MEMBER(BG_JOB_PROGRESS, DOC_JOB_PROGRESS, FilesTotal);
SAME_MEMBER(BG_JOB_PROGRESS, DOC_JOB_PROGRESS, FilesTransferred);

SAME_TYPE(BG_FILE_PROGRESS, DOC_FILE_PROGRESS);
SAME_MEMBER(BG_FILE_PROGRESS, DOC_FILE_PROGRESS, BytesTotal);
SAME_MEMBER(BG_FILE_PROGRESS, DOC_FILE_PROGRESS, BytesTransferred);
SAME_MEMBER(BG_FILE_PROGRESS, DOC_FILE_PROGRESS, Completed);

SAME_TYPE(BG_JOB_REPLY_PROGRESS, DOC_JOB_REPLY_PROGRESS);
SAME_MEMBER(BG_JOB_REPLY_PROGRESS, DOC_JOB_REPLY_PROGRESS, BytesTotal);
SAME_MEMBER(BG_JOB_REPLY_PROGRESS, DOC_JOB_REPLY_PROGRESS, BytesTransferred);

SAME_TYPE(BG_FILE_RANGE, DOC_FILE_RANGE);
SAME_MEMBER(BG_FILE_RANGE, DOC_FILE_RANGE, InitialOffset);
SAME_MEMBER(BG_FILE_RANGE, DOC_FILE_RANGE, Length);

/* The one place where targets differ, as their C ABIs say: a 64-bit member is 4-aligned on
 * i686 Linux (so BG_FILE_PROGRESS is 20 bytes there) and 8-aligned on Windows. */
#if defined(__i386__) && defined(__linux__)
_Static_assert(_Alignof(BG_JOB_PROGRESS) == 4 && sizeof(BG_FILE_PROGRESS) == 20, "i686 Linux");
#elif defined(_WIN32)
_Static_assert(_Alignof(BG_JOB_PROGRESS) == 8 && sizeof(BG_FILE_PROGRESS) == 24, "Windows");
#endif
_Static_assert(sizeof(BG_JOB_PROGRESS) == 24 && offsetof(BG_JOB_PROGRESS, FilesTransferred) == 20,
               "BG_JOB_PROGRESS is 24 bytes on every target");

_Static_assert(BG_SIZE_UNKNOWN == 0xFFFFFFFFFFFFFFFFull, "BG_SIZE_UNKNOWN is UINT64_MAX");
_Static_assert(BG_LENGTH_TO_EOF == 0xFFFFFFFFFFFFFFFFull, "BG_LENGTH_TO_EOF is UINT64_MAX");
_Static_assert(BG_SIZE_UNKNOWN == BG_LENGTH_TO_EOF, "both are UINT64_MAX");
_Static_assert(sizeof(bg_result) == 4, "bg_result is a uint32_t");
_Static_assert(BG_OK == 0 && BG_ERR_NULL_POINTER == 1 && BG_ERR_SIZE_UNKNOWN == 2 &&
                   BG_ERR_BYTES_EXCEED_TOTAL == 3 && BG_ERR_FILES_EXCEED_TOTAL == 4 &&
                   BG_ERR_OVERFLOW == 5 && BG_ERR_TOO_MANY_FILES == 6 &&
                   BG_ERR_NOT_ENOUGH_DATA == 7 && BG_ERR_INTERNAL == 8 &&
                   BG_ERR_NO_UNKNOWN_SIZE == 9 && BG_ERR_UNDERFLOW == 10 &&
                   BG_ERR_INVALID_RANGE == 11 && BG_ERR_OVERLAPPING_RANGES == 12 &&
                   BG_ERR_BUSY == 13 && BG_ERR_INVALID_NAME == 14 && BG_ERR_NOT_FOUND == 15 &&
                   BG_ERR_EXISTS == 16 && BG_ERR_PERMISSION == 17 && BG_ERR_CORRUPT == 18 &&
                   BG_ERR_INVALID_STATE == 19 && BG_ERR_IO == 20 && BG_RESULT_LAST == 20,
               "bg_result values are fixed");

/* The sizes this target's C compiler gives, for the Rust side to compare with its own. */
const size_t bgt_layout_sizes[] = {
    sizeof(BG_JOB_PROGRESS),       _Alignof(BG_JOB_PROGRESS),
    sizeof(BG_FILE_PROGRESS),      _Alignof(BG_FILE_PROGRESS),
    sizeof(BG_JOB_REPLY_PROGRESS), _Alignof(BG_JOB_REPLY_PROGRESS),
    sizeof(BG_FILE_RANGE),         _Alignof(BG_FILE_RANGE),
    offsetof(BG_JOB_PROGRESS, FilesTotal), offsetof(BG_JOB_PROGRESS, FilesTransferred),
    offsetof(BG_FILE_PROGRESS, Completed),
};
