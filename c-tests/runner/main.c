/* A standalone runner for the C tests, for the sanitizer, valgrind and Windows runs of
 * `make test` (cargo test runs the same tests through c-tests/build.rs). The tests are those
 * of c-tests/c/bgt_list.h, the one list.
 *   ctests [NAME...]   runs every test, or those named (an unknown name is an error) */
#include <stdio.h>
#include <string.h>

#define BGT(name) int bgt_test_##name(void);
#include "bgt_list.h"
#undef BGT

static const struct {
  const char *name;
  int (*run)(void);
} tests[] = {
#define BGT(name) {#name, bgt_test_##name},
#include "bgt_list.h"
#undef BGT
};

static int wanted(const char *name, int argc, char **argv) {
  int i;
  if (argc < 2) return 1;
  for (i = 1; i < argc; i++)
    if (strcmp(argv[i], name) == 0) return 1;
  return 0;
}

int main(int argc, char **argv) {
  size_t i;
  int passed = 0, failed = 0, a;
  for (a = 1; a < argc; a++) {
    int known = 0;
    for (i = 0; i < sizeof tests / sizeof tests[0]; i++) known |= strcmp(tests[i].name, argv[a]) == 0;
    if (!known) {
      fprintf(stderr, "ctests: no test named %s in bgt_list.h\n", argv[a]);
      return 2;
    }
  }
  for (i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (!wanted(tests[i].name, argc, argv)) continue;
    if (tests[i].run() == 0) {
      printf("ok %s\n", tests[i].name);
      passed++;
    } else {
      printf("FAILED %s\n", tests[i].name);
      failed++;
    }
  }
  printf("ctests: %d passed, %d failed\n", passed, failed);
  return failed != 0 || passed == 0;
}
