/*
 * fuzz.h - the libFuzzer entry points every fuzz target defines.
 *
 * Each tests/fuzz/fuzz_*.c file defines LLVMFuzzerTestOneInput and is
 * linked two ways: with -fsanitize=fuzzer (configure --enable-fuzzing) it
 * becomes a libFuzzer binary; with fuzz_main.c it becomes a replay program
 * that make check runs over the seeds, the golden files and the corpus
 * (PCRE2's pcre2_fuzzsupport.c STANDALONE mode, SQLite's fuzzcheck).
 * A target reports a broken invariant with abort(), which both libFuzzer
 * and the replay driver catch and attribute to the input.
 */
#ifndef SECM_FUZZ_H
#define SECM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* LLVMFuzzerTestOneInput - run one input; always returns 0 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* secm_fuzz_check - abort() with what when cond is false (harness only) */
#define secm_fuzz_check(cond, what) \
	secm_fuzz_fail_if(!(cond), (what), __FILE__, __LINE__)

/* secm_fuzz_fail_if - print "file:line: invariant broken: what" and
 * abort() when failed is non-zero; what never holds input bytes */
static inline void secm_fuzz_fail_if(int failed, const char *what,
				     const char *file, int line)
{
	if (!failed)
		return;
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}

/* secm_fuzz_tmpfile - the process's temporary file (fuzz_tmpfile.c) with
 * data as its content; returns its path, ending in suffix */
const char *secm_fuzz_tmpfile(const char *tag, const char *suffix,
			      const void *data, size_t size);

#endif
