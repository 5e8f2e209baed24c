/*
 * snapshot.c - build and share the immutable config + rules + key bundle.
 *
 * The daemon swaps its current pointer on reload; messages hold their own
 * reference, so a snapshot lives until the last message using it ends.
 * Reference counts use GCC/clang atomics: callbacks run on many threads.
 */
#include "autoconfig.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "snapshot.h"

/* running_from_build - 1 when this program lives under the build tree */
static int running_from_build(void)
{
	char exe[PATH_MAX];
	ssize_t n;
	size_t blen = strlen(SECM_BUILDDIR);

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return 0;
	exe[n] = '\0';
	return strncmp(exe, SECM_BUILDDIR, blen) == 0 && exe[blen] == '/';
}

static pthread_once_t default_dir_once = PTHREAD_ONCE_INIT;
static const char *default_dir;	/* set once, then only read */

/* find_default_dir - decide the built-in pattern directory (run once, at
 * the first load: before privileges and core dumps are dropped, while
 * /proc/self/exe can still be read) */
static void find_default_dir(void)
{
	struct stat st;

	if (running_from_build())
		default_dir = SECM_SRC_PATTERNDIR;
	else if (stat(SECM_PATTERNDIR, &st) == 0 && S_ISDIR(st.st_mode))
		default_dir = SECM_PATTERNDIR;
	else
		default_dir = SECM_SRC_PATTERNDIR;
}

/* secm_default_pattern_dir - the installed patterns, or the source tree's
 * when run from a build (or when nothing is installed yet) */
const char *secm_default_pattern_dir(void)
{
	pthread_once(&default_dir_once, find_default_dir);
	return default_dir;
}

/* secm_snapshot_build - config (NULL = defaults), rules, fingerprint key */
int secm_snapshot_build(const char *config_path, const char *pattern_dir,
			secm_snapshot **out, secm_error *err)
{
	secm_snapshot *s;
	secm_rule_limits lim;
	const char *dir;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return secm_error_set(err, SECM_ENOMEM, NULL, 0, NULL, "out of memory");
	if (config_path != NULL)
		rc = secm_config_load(config_path, &s->config, err);
	else
		rc = secm_config_defaults(&s->config);
	if (rc != SECM_OK)
		goto fail;
	dir = pattern_dir;
	if (dir == NULL || *dir == '\0')
		dir = s->config.pattern_dir;
	if (dir == NULL || *dir == '\0')
		dir = secm_default_pattern_dir();
	lim.match_limit = s->config.pcre_match_limit;
	lim.depth_limit = s->config.pcre_depth_limit;
	rc = secm_ruleset_load_dir(dir, &lim, &s->rules, err);
	if (rc != SECM_OK)
		goto fail;
	rc = secm_fpkey_load(s->config.fingerprint_key_file, &s->fpkey, err);
	if (rc != SECM_OK)
		goto fail;
	s->refs = 1;
	*out = s;
	return SECM_OK;
fail:
	secm_ruleset_free(s->rules);
	secm_config_free(&s->config);
	secm_wipe(&s->fpkey, sizeof(s->fpkey));
	free(s);
	return rc;
}

/* secm_snapshot_ref - take one more reference */
secm_snapshot *secm_snapshot_ref(secm_snapshot *s)
{
	if (s != NULL)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_ACQ_REL);
	return s;
}

/* secm_snapshot_unref - drop a reference; the last one frees */
void secm_snapshot_unref(secm_snapshot *s)
{
	if (s == NULL)
		return;
	if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	secm_ruleset_free(s->rules);
	secm_config_free(&s->config);
	secm_wipe(&s->fpkey, sizeof(s->fpkey));
	free(s);
}
