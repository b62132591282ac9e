/* A stand-in for Windows' bcryptprimitives.dll, for the Wine test run only (tests/windows/run_wine.sh); never
 * shipped: Windows 10/11 has it, Wine 8 has none, and programs built with Rust 1.78 or later import ProcessPrng
 * from it for their random numbers (cryptography's _rust.pyd, which signs the submission packages, is one).
 * ProcessPrng fills the buffer from the system's generator, here Wine's BCryptGenRandom, looked up at run time
 * so that the stand-in builds with the same one-line command as the others.
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -s -o bcryptprimitives.dll bcryptprimitives_standin.c
 */
#include <windows.h>

#define USE_SYSTEM_PREFERRED_RNG 0x00000002 /* BCRYPT_USE_SYSTEM_PREFERRED_RNG */

typedef LONG(WINAPI *gen_random)(void *algorithm, BYTE *buffer, ULONG size, ULONG flags);

__declspec(dllexport) BOOL WINAPI ProcessPrng(BYTE *data, SIZE_T size)
{
    static gen_random generate;
    if (generate == NULL) {
        HMODULE bcrypt = LoadLibraryW(L"bcrypt.dll");
        generate = bcrypt ? (gen_random)(void *)GetProcAddress(bcrypt, "BCryptGenRandom") : NULL;
        if (generate == NULL)
            ExitProcess(3); /* no generator at all: never hand out predictable bytes */
    }
    while (size > 0) {
        ULONG chunk = size > 0x10000000 ? 0x10000000 : (ULONG)size;
        if (generate(NULL, data, chunk, USE_SYSTEM_PREFERRED_RNG) != 0)
            ExitProcess(3);
        data += chunk;
        size -= chunk;
    }
    return TRUE; /* as Windows' own: ProcessPrng always succeeds */
}
