/* A stand-in for Windows' system icuuc.dll, for the Wine test run only (tests/windows/run_wine.sh); never
 * shipped: Windows 10/11 (1903 and later) has icuuc.dll, Wine 8 has none, and PySide6's Qt6Core.dll imports
 * these 20 functions from it. Opening a converter fails (U_FILE_ACCESS_ERROR and no converter), so Qt falls
 * back to its own codecs; the other functions are never reached then and do nothing.
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -s -o icuuc.dll icuuc_standin.c
 *
 * In the x64 calling convention the caller removes the arguments, so one body that returns 0 serves any of
 * the signatures. */
#include <stddef.h>

#define U_FILE_ACCESS_ERROR 4
#define EXPORT __declspec(dllexport)

EXPORT void *ucnv_open(const char *name, int *status)
{
    (void)name;
    if (status != NULL && *status <= 0)
        *status = U_FILE_ACCESS_ERROR;
    return NULL;
}

#define NOTHING(name) \
    EXPORT size_t name(void) { return 0; }

NOTHING(ucnv_close)
NOTHING(UCNV_FROM_U_CALLBACK_SUBSTITUTE)
NOTHING(UCNV_TO_U_CALLBACK_SUBSTITUTE)
NOTHING(ucnv_reset)
NOTHING(ucnv_getMaxCharSize)
NOTHING(ucnv_getName)
NOTHING(ucnv_getToUCallBack)
NOTHING(ucnv_getFromUCallBack)
NOTHING(ucnv_setToUCallBack)
NOTHING(ucnv_setFromUCallBack)
NOTHING(ucnv_cbToUWriteUChars)
NOTHING(ucnv_toUnicode)
NOTHING(ucnv_cbFromUWriteUChars)
NOTHING(ucnv_toUCountPending)
NOTHING(ucnv_fromUCountPending)
NOTHING(ucnv_getStandardName)
NOTHING(ucnv_getAvailableName)
NOTHING(ucnv_countAvailable)
NOTHING(ucnv_fromUnicode)
