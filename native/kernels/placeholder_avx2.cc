// Keeps the AVX2 library non-empty until the first AVX2 kernel lands.
namespace nodegrad {
int avx2_library_anchor = 0;
}
