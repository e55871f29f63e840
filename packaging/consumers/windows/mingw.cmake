# CMake toolchain file: mingw-w64 cross compilers, for BGT_ARCH x86_64 (default) or i686.
set(CMAKE_SYSTEM_NAME Windows)
if(NOT BGT_ARCH)
  set(BGT_ARCH x86_64)
endif()
set(CMAKE_SYSTEM_PROCESSOR ${BGT_ARCH})
set(CMAKE_C_COMPILER ${BGT_ARCH}-w64-mingw32-gcc)
set(CMAKE_CXX_COMPILER ${BGT_ARCH}-w64-mingw32-g++)
