// A tiny test harness for the kernels without Node: each *_test.cc file
// registers cases with NODEGRAD_TEST; main runs them all and prints
// "selftest: N passed, N failed". Cases run once per available ISA where
// they take one (see for_each_isa).
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "../cpu.h"

namespace nodegrad {
namespace selftest {

struct Case {
  const char* name;
  void (*fn)();
};

std::vector<Case>& registry();
// Records one check; prints the failure with its location.
void check(bool ok, const char* file, int line, const std::string& what);
int failures_so_far();

struct Registrar {
  Registrar(const char* name, void (*fn)()) { registry().push_back({name, fn}); }
};

}  // namespace selftest
}  // namespace nodegrad

#define NODEGRAD_TEST(name)                                              \
  static void name();                                                    \
  static ::nodegrad::selftest::Registrar name##_registrar(#name, &name); \
  static void name()

#define NODEGRAD_CHECK(cond, what) ::nodegrad::selftest::check((cond), __FILE__, __LINE__, (what))
