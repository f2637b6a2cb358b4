/* For the Wine smoke test only; never shipped. Windows 10 has bcryptprimitives.dll, whose
 * ProcessPrng the Rust standard library (and so cryptography's _rust.pyd) imports since
 * Rust 1.78. Wine 8 does not have the DLL yet, so the test puts this stand-in into the Wine
 * prefix: ProcessPrng filled from RtlGenRandom (advapi32's SystemFunction036), which Wine has. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
