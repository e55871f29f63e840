// The MSVC-ABI consumer compiled as C++: the header's extern "C" block and its types in C++.
#include "consumer.c"
