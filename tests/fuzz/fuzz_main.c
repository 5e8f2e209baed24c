/*
 * fuzz_main.c - replay driver: run a fuzz target over files, no libFuzzer.
 *
 * Linked with each fuzz_*.c target to make tests/fuzz/replay_<target>,
 * which make check runs over the seeds, the golden files and the corpus
 * (PCRE2's pcre2_fuzzsupport.c built with STANDALONE; SQLite's fuzzcheck).
 * The libFuzzer binaries (configure --enable-fuzzing) bring libFuzzer's own
 * main() instead and never link this file.
 *
 *   replay_x [-v] [-t SECONDS] [-l LIST] PATH...
 *
 * Each PATH that is a file is one input; a directory means every regular
 * file below it, recursively, in byte order of the names.  -l LIST adds the
 * paths listed in file LIST, one a line (one process for thousands of
 * files without hitting the argument limit).  Each input is read into a
 * buffer of exactly its size, so a sanitizer sees any read past its end.
 * -v names every input before running it; -t fails the run when one input
 * takes longer than SECONDS.  When a target crashes or aborts, the driver
 * names the input it was running (from a signal handler, or the
 * sanitizer's death callback) before the process dies.
 *
 * Exit: 0 all inputs ran ("N inputs replayed"), 1 an input could not be
 * read or was too slow, 2 usage.  A crash is the crash's own status.
 */
#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

/* provided by the ASan/UBSan runtimes when linked in; NULL otherwise */
extern void __sanitizer_set_death_callback(void (*cb)(void))
	__attribute__((weak));

typedef struct replay {
	int verbose;		/* -v */
	double limit;		/* -t: seconds per input, 0 = none */
	unsigned long count;	/* inputs run */
	unsigned long errors;	/* unreadable paths, slow inputs */
	double slowest;		/* seconds */
	char slowest_path[4096];
} replay;

/* the input being run, for the crash report (process state of a
 * single-threaded test driver, written before each input) */
static char current[4096];

/* say_current - name the input that was running (async-signal-safe) */
static void say_current(void)
{
	static const char pre[] = "replay: crashed on input: ";
	ssize_t rc;

	if (current[0] == '\0')
		return;
	rc = write(2, pre, sizeof(pre) - 1);
	rc = write(2, current, strlen(current));
	rc = write(2, "\n", 1);
	(void)rc;
}

/* on_signal - report the input, then die of the same signal */
static void on_signal(int sig)
{
	say_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* install_crash_report - hook every way a target can die */
static void install_crash_report(void)
{
	/* an invariant failure is an abort() in the target */
	signal(SIGABRT, on_signal);
	if (__sanitizer_set_death_callback != NULL) {
		/* the sanitizer owns SIGSEGV & co and prints a better report */
		__sanitizer_set_death_callback(say_current);
		return;
	}
	signal(SIGSEGV, on_signal);
	signal(SIGBUS, on_signal);
	signal(SIGFPE, on_signal);
	signal(SIGILL, on_signal);
}

/* now - monotonic seconds */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* read_file - whole file into a malloc'd buffer of exactly its size
 * (1 byte for an empty file so the pointer is never NULL); 0 or -1 */
static int read_file(const char *path, unsigned char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *nb;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return -1;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (nb == NULL)
				goto fail;
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	/* exact size: a read past the end is a sanitizer finding */
	nb = malloc(len ? len : 1);
	if (nb == NULL) {
		free(buf);
		return -1;
	}
	memcpy(nb, buf, len);
	free(buf);
	*data = nb;
	*size = len;
	return 0;
fail:
	free(buf);
	fclose(f);
	return -1;
}

/* run_file - replay one input file */
static void run_file(replay *r, const char *path)
{
	unsigned char *data;
	size_t size;
	double t0, dt;

	if (read_file(path, &data, &size) != 0) {
		fprintf(stderr, "replay: %s: cannot read: %s\n", path, strerror(errno));
		r->errors++;
		return;
	}
	snprintf(current, sizeof(current), "%s", path);
	if (r->verbose)
		fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
	t0 = now();
	LLVMFuzzerTestOneInput(data, size);
	dt = now() - t0;
	current[0] = '\0';
	free(data);
	r->count++;
	if (dt > r->slowest) {
		r->slowest = dt;
		snprintf(r->slowest_path, sizeof(r->slowest_path), "%s", path);
	}
	if (r->limit > 0 && dt > r->limit) {
		fprintf(stderr, "replay: %s: took %.1f s (limit %.1f s)\n",
			path, dt, r->limit);
		r->errors++;
	}
}

/* cmp_names - scandir order: bytes, independent of the locale */
static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* run_path - a file, or every file below a directory */
static void run_path(replay *r, const char *path)
{
	struct dirent **names;
	struct stat st;
	char sub[4096];
	int n;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		r->errors++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (S_ISREG(st.st_mode))
			run_file(r, path);
		return;
	}
	n = scandir(path, &names, NULL, cmp_names);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		r->errors++;
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
			if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, name) >= sizeof(sub)) {
				fprintf(stderr, "replay: %s/%s: path too long\n", path, name);
				r->errors++;
			} else {
				run_path(r, sub);
			}
		}
		free(names[i]);
	}
	free(names);
}

/* run_list - every path named in file list, one a line */
static void run_list(replay *r, const char *list)
{
	FILE *f = fopen(list, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (f == NULL) {
		fprintf(stderr, "replay: %s: %s\n", list, strerror(errno));
		r->errors++;
		return;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0)
			run_path(r, line);
	}
	free(line);
	fclose(f);
}

/* usage - print the synopsis; returns the usage exit status */
static int usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-v] [-t SECONDS] [-l LIST] PATH...\n", prog);
	return 2;
}

/* main - replay every input named on the command line */
int main(int argc, char **argv)
{
	replay r;
	int opt, lists = 0;

	memset(&r, 0, sizeof(r));
	install_crash_report();
	/* options act in order: -l runs its list at once, so put -v/-t first */
	while ((opt = getopt(argc, argv, "vt:l:")) != -1) {
		switch (opt) {
		case 'v':
			r.verbose = 1;
			break;
		case 't':
			r.limit = strtod(optarg, NULL);
			break;
		case 'l':
			lists++;
			run_list(&r, optarg);
			break;
		default:
			return usage(argv[0]);
		}
	}
	if (optind >= argc && lists == 0)
		return usage(argv[0]);
	for (int i = optind; i < argc; i++)
		run_path(&r, argv[i]);
	printf("%lu inputs replayed", r.count);
	if (r.count > 0)
		printf(" (slowest %.2f s: %s)", r.slowest, r.slowest_path);
	printf("\n");
	if (r.errors > 0) {
		fprintf(stderr, "replay: %lu error(s)\n", r.errors);
		return 1;
	}
	return 0;
}
