/*
 * Minimal stand-in for Windows' bcryptprimitives.dll, for running Rust test
 * binaries under Wine versions that lack it (Debian 12 ships Wine 8).
 *
 * Rust's standard library (1.78 and later) imports ProcessPrng from
 * bcryptprimitives.dll to seed its hash maps and for random numbers; when the
 * DLL is missing every Rust program fails to start under Wine. This shim
 * exports ProcessPrng and forwards it to advapi32's RtlGenRandom
 * (SystemFunction036), which Wine implements.
 *
 * Test-only: built by .ci/wine-shim/build.sh into target/, copied into the
 * Wine prefix used by .ci/windows-stage.sh. Never shipped with the crate.
 */
#include <windows.h>

/* advapi32!SystemFunction036, better known as RtlGenRandom. Declared here
 * rather than through <ntsecapi.h> so the file builds with any MinGW. */
__declspec(dllimport) BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* ProcessPrng is documented to always return TRUE; report a failure of the
 * underlying generator all the same, so a broken prefix is noticed. */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000u ? 0x40000000u : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return TRUE;
}
