# CMake toolchain file: clang in cl mode for x86_64-pc-windows-msvc, linked by lld-link, with
# Wine's SDK and CRT headers and import libraries (package libwine-dev) in place of the
# Windows SDK and the MSVC CRT. BGT_CLANG_CL names a `clang-cl` (a link to clang: the name
# picks the cl driver). Without the MSVC CRT there are no start-up objects, no default
# libraries and no stack cookies: programs start at main (/entry:main).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(CMAKE_C_COMPILER ${BGT_CLANG_CL})
set(CMAKE_C_COMPILER_TARGET x86_64-pc-windows-msvc)
set(CMAKE_LINKER lld-link)
set(CMAKE_MT llvm-mt)
set(_wine_inc /usr/include/wine/wine)
set(_wine_lib /usr/lib/x86_64-linux-gnu/wine/x86_64-windows)
set(CMAKE_C_FLAGS_INIT "/GS- /Zl /X -imsvc ${_wine_inc}/msvcrt -imsvc ${_wine_inc}/windows")
set(CMAKE_EXE_LINKER_FLAGS_INIT "/entry:main ${_wine_lib}/libucrtbase.a ${_wine_lib}/libkernel32.a")
set(CMAKE_C_STANDARD_LIBRARIES "" CACHE STRING "" FORCE)
