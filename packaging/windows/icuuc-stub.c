/*
 * A stand-in icuuc.dll for the Wine prefix that builds the Windows program, never for the bundle.
 *
 * Qt6Core.dll imports icuuc.dll, which every Windows 10 since 1703 has in System32 and Wine 8.0
 * lacks: without it `import PySide6.QtCore` fails under Wine ("DLL load failed"), PyInstaller's
 * Qt hooks then collect no plugins, and the frozen program cannot start. These are the functions
 * Qt6Core imports (its codec code); each one reports "no converter", so Qt falls back to its own
 * UTF-8/Latin-1 codecs, which is all the program uses. build.sh compiles this into the prefix's
 * system32 on every run, and check_exe.py fails the build if an icuuc.dll reaches the bundle.
 */
#include <stddef.h>
#include <stdint.h>

#define API __declspec(dllexport)
typedef int UErrorCode;

static void fail(UErrorCode *error)
{
    if (error && *error <= 0)
        *error = 4; /* U_FILE_ACCESS_ERROR: the converter data cannot be found */
}

API void *ucnv_open(const char *name, UErrorCode *e) { (void)name; fail(e); return NULL; }
API void ucnv_close(void *c) { (void)c; }
API void ucnv_reset(void *c) { (void)c; }
API int8_t ucnv_getMaxCharSize(const void *c) { (void)c; return 1; }
API const char *ucnv_getName(const void *c, UErrorCode *e) { (void)c; fail(e); return NULL; }
API int32_t ucnv_toUCountPending(const void *c, UErrorCode *e) { (void)c; fail(e); return 0; }
API int32_t ucnv_fromUCountPending(const void *c, UErrorCode *e) { (void)c; fail(e); return 0; }
API const char *ucnv_getStandardName(const char *n, const char *s, UErrorCode *e)
{
    (void)n; (void)s; fail(e); return NULL;
}
API const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
API int32_t ucnv_countAvailable(void) { return 0; }
/* Never reached once ucnv_open has failed; present so that Qt6Core.dll's imports resolve. */
API void ucnv_getToUCallBack(void) {}
API void ucnv_getFromUCallBack(void) {}
API void ucnv_setToUCallBack(void) {}
API void ucnv_setFromUCallBack(void) {}
API void ucnv_cbToUWriteUChars(void) {}
API void ucnv_cbFromUWriteUChars(void) {}
API void ucnv_toUnicode(void) {}
API void ucnv_fromUnicode(void) {}
API void UCNV_FROM_U_CALLBACK_SUBSTITUTE(void) {}
API void UCNV_TO_U_CALLBACK_SUBSTITUTE(void) {}
