/* A stand-in for Wine's mscms.dll (colour management), for the Wine test run only (tests/windows/run_wine.sh);
 * never shipped. Qt's windows platform plugin (qwindows.dll) asks for the screen's ICC profile through these four
 * functions; Wine 8 opens the profile but leaves WcsCreateIccProfile unimplemented, and a call to it aborts the
 * process. Here no profile opens, so Qt takes the screen as sRGB, as it does on a Windows without one. Nothing
 * else under Wine imports mscms.dll.
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -s -o mscms.dll mscms_standin.c
 */
#include <windows.h>

__declspec(dllexport) HANDLE WINAPI OpenColorProfileW(void *profile, DWORD access, DWORD share, DWORD creation)
{
    (void)profile, (void)access, (void)share, (void)creation;
    SetLastError(ERROR_FILE_NOT_FOUND);
    return NULL;
}

__declspec(dllexport) BOOL WINAPI GetColorProfileFromHandle(HANDLE profile, BYTE *buffer, DWORD *size)
{
    (void)profile, (void)buffer, (void)size;
    SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
}

__declspec(dllexport) BOOL WINAPI CloseColorProfile(HANDLE profile)
{
    (void)profile;
    return TRUE;
}

__declspec(dllexport) HANDLE WINAPI WcsCreateIccProfile(HANDLE profile, DWORD options)
{
    (void)profile, (void)options;
    SetLastError(ERROR_NOT_SUPPORTED);
    return NULL;
}
