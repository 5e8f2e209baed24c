/*
 * notify.c - notices about rejected, held and redacted messages (see
 * notify.h): who gets one, the text, and the hand-off to sendmail(1).
 *
 * Design:
 *  - the decisions read only the raw header block (first occurrence of a
 *    field, unfolded) and the envelope sender: no MIME parse is needed.
 *  - the text is built from metadata only: action, rule ids, severities,
 *    part paths, the reference and queue id, recipients.  No byte of the
 *    message body or Subject is copied, so no secret can reach a notice.
 *  - sending: posix_spawn (no fork of a threaded process, no shell) with
 *    a socketpair as stdin, written with MSG_NOSIGNAL, from a detached
 *    thread per notice, so the eom callback never waits for sendmail.  A
 *    sendmail still running after SECM_NOTIFY_TIMEOUT seconds is killed.
 *    The child gets an empty signal mask (the daemon blocks its stop
 *    signals) and default dispositions.
 *
 * Threading: the only shared state is the in-flight counter (atomic).
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "log.h"
#include "notify.h"
#include "rules.h"

#define MAX_ARGS 32
#define MAX_LISTED 20		/* findings and recipients listed in a notice */

extern char **environ;

static atomic_int inflight;	/* notices being sent right now */

/* secm_notify_wanted - 1 when a is one of the words of notify_on */
int secm_notify_wanted(const char *notify_on, secm_action a)
{
	const char *word = secm_action_name(a);
	size_t wl = strlen(word);
	const char *p = notify_on;

	if (p == NULL || (a != SECM_ACT_REJECT && a != SECM_ACT_QUARANTINE &&
			  a != SECM_ACT_REDACT))
		return 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ", \t");

		if (n == wl && strncasecmp(p, word, n) == 0)
			return 1;
		p += n;
		p += strspn(p, ", \t");
	}
	return 0;
}

/* line_end - end of the line starting at p (before CRLF or LF) */
static size_t line_len(const unsigned char *p, size_t left, size_t *next)
{
	const unsigned char *nl = memchr(p, '\n', left);
	size_t n = nl != NULL ? (size_t)(nl - p) : left;

	*next = nl != NULL ? n + 1 : n;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	return n;
}

/* secm_notify_header - first field called name, unfolded and trimmed */
int secm_notify_header(const unsigned char *raw, size_t len, const char *name,
		       char *buf, size_t buflen)
{
	size_t nl = strlen(name), off = 0, o = 0, next;
	int found = 0;

	if (buflen == 0)
		return 0;
	buf[0] = '\0';
	while (raw != NULL && off < len) {
		const unsigned char *p = raw + off;
		size_t n = line_len(p, len - off, &next);

		if (n == 0)
			break;		/* end of the header block */
		if (found) {
			if (p[0] != ' ' && p[0] != '\t')
				break;	/* the next field: done */
		} else if (n > nl && p[nl] == ':' && strncasecmp((const char *)p, name, nl) == 0) {
			found = 1;
			p += nl + 1;
			n -= nl + 1;
		} else {
			off += next;
			continue;
		}
		for (size_t i = 0; i < n && o + 1 < buflen; i++)
			buf[o++] = (p[i] < 0x20 || p[i] == 0x7f) ? ' ' : (char)p[i];
		off += next;
	}
	buf[o] = '\0';
	/* trim both ends */
	while (o > 0 && buf[o - 1] == ' ')
		buf[--o] = '\0';
	if (found) {
		size_t lead = strspn(buf, " ");

		memmove(buf, buf + lead, o - lead + 1);
	}
	return found;
}

/* first_token - the value's first word (up to ';', space or '(') */
static void first_token(const char *v, char *out, size_t outlen)
{
	size_t n = strcspn(v, "; \t(");

	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, v, n);
	out[n] = '\0';
}

/* secm_notify_is_notice - our own notice coming back through the milter */
int secm_notify_is_notice(const unsigned char *raw, size_t len, const char *sender)
{
	char v[128], tok[64];

	if (sender != NULL && sender[0] != '\0')
		return 0;
	if (!secm_notify_header(raw, len, SECM_NOTICE_HEADER, v, sizeof(v)))
		return 0;
	if (!secm_notify_header(raw, len, "Auto-Submitted", v, sizeof(v)))
		return 0;
	first_token(v, tok, sizeof(tok));
	return strcasecmp(tok, "auto-generated") == 0;
}

/* secm_notify_skip_sender - RFC 3834's "do not reply" cases */
const char *secm_notify_skip_sender(const unsigned char *raw, size_t len,
				    const char *sender)
{
	char v[256], tok[64];

	if (sender == NULL || sender[0] == '\0' || strcmp(sender, "<>") == 0)
		return "null-sender";
	if (strncasecmp(sender, "mailer-daemon@", 14) == 0 ||
	    strcasecmp(sender, "mailer-daemon") == 0)
		return "mailer-daemon";
	if (secm_notify_header(raw, len, "Auto-Submitted", v, sizeof(v))) {
		first_token(v, tok, sizeof(tok));
		if (strcasecmp(tok, "no") != 0)
			return "auto-submitted";
	}
	if (secm_notify_header(raw, len, "Precedence", v, sizeof(v))) {
		first_token(v, tok, sizeof(tok));
		if (strcasecmp(tok, "bulk") == 0 || strcasecmp(tok, "list") == 0 ||
		    strcasecmp(tok, "junk") == 0)
			return "precedence";
	}
	if (secm_notify_header(raw, len, "List-Id", v, sizeof(v)))
		return "list-mail";
	return NULL;
}

/* clean - s with control characters and non-ASCII made '?' (addresses and
 * ids in the text: bytes from the envelope) */
static const char *clean(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)(s ? s : "");
	     *p != '\0' && o + 1 < len; p++)
		buf[o++] = (*p <= 0x20 || *p >= 0x7f || *p == '<' || *p == '>') ? '?' : (char)*p;
	buf[o] = '\0';
	return buf;
}

/* b64 - RFC 2047 "B" encoding of s (UTF-8) onto out */
static int b64_word(secm_buf *out, const char *s)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int rc = secm_buf_append_str(out, "=?UTF-8?B?");

	for (size_t i = 0; rc == SECM_OK && i < n; i += 3) {
		unsigned int v = (unsigned int)p[i] << 16;
		char q[4];

		if (i + 1 < n)
			v |= (unsigned int)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = tab[(v >> 18) & 63];
		q[1] = tab[(v >> 12) & 63];
		q[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? tab[v & 63] : '=';
		rc = secm_buf_append(out, q, 4);
	}
	return rc == SECM_OK ? secm_buf_append_str(out, "?=") : rc;
}

/* rfc5322_date - "Thu, 26 Nov 2026 02:50:00 +0000", locale-free */
static void rfc5322_date(time_t when, char *buf, size_t len)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	if (gmtime_r(&when, &tm) == NULL) {
		snprintf(buf, len, "Thu, 01 Jan 1970 00:00:00 +0000");
		return;
	}
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
		 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
}

/* the words of one language */
typedef struct notice_text {
	const char *subject[3];		/* reject, quarantine, redact */
	const char *intro;		/* %s = host */
	const char *what[3];
	const char *labels[6];		/* reference, queue id, action, recipients, found, part */
	const char *action_word[3];
	const char *next_title;
	const char *next[3];
	const char *kept;		/* redact with the original kept: %s = ref */
	const char *not_kept;
	const char *contact;		/* %s = from */
	const char *never;
} notice_text;

static const notice_text text_en = {
	{ "Message not delivered: it contained credentials",
	  "Message held for review: it contained credentials",
	  "Message delivered with credentials removed" },
	"This is an automatic notice from the mail filter at %s (secret-milter).\n",
	{ "Your message was NOT delivered: it contained what looks like a credential\n"
	  "(a password, key or access token).\n",
	  "Your message is HELD for review: it contained what looks like a credential\n"
	  "(a password, key or access token).  It has not been delivered yet.\n",
	  "Your message was delivered, but what looks like a credential (a password,\n"
	  "key or access token) was replaced by [REDACTED:rule-id] first: the\n"
	  "recipients did not receive the value.\n" },
	{ "Reference", "Queue id", "Action", "Recipients", "Found", "in part" },
	{ "rejected", "held for review", "delivered redacted" },
	"What to do next:",
	{ "  - Remove the credential and send the message again.  Share credentials\n"
	  "    through your password manager or secret store, never by email.\n"
	  "  - If the credential is real, consider it exposed and rotate it.\n",
	  "  - The security team will review the message: it is delivered if they\n"
	  "    release it and deleted otherwise.  Do not send it again meanwhile.\n"
	  "  - If the credential is real, consider it exposed and rotate it.\n",
	  "  - If the recipients need the credential, share it through your password\n"
	  "    manager or secret store, never by email.\n"
	  "  - If the credential is real, consider it exposed and rotate it.\n" },
	"  - If this was a false alarm, ask the mail administrators to release the\n"
	"    original, quoting the reference %s.\n",
	"  - The original was not kept: if this was a false alarm, send it again\n"
	"    after talking to the mail administrators.\n",
	"Questions: %s, quoting the reference above.\n",
	"This notice never repeats the credential itself.\n",
};

static const notice_text text_ja = {
	{ "資格情報を含むため、メールは配送されませんでした",
	  "資格情報を含むため、メールは確認のため保留されました",
	  "資格情報を削除してメールを配送しました" },
	"これはメールフィルター (%s の secret-milter) からの自動通知です。\n",
	{ "あなたのメールは配送されませんでした。資格情報 (パスワード、鍵、\n"
	  "アクセストークンなど) と思われるものが含まれていました。\n",
	  "あなたのメールは確認のため保留されています。資格情報 (パスワード、鍵、\n"
	  "アクセストークンなど) と思われるものが含まれていました。まだ配送されていません。\n",
	  "あなたのメールは配送されましたが、資格情報 (パスワード、鍵、アクセス\n"
	  "トークンなど) と思われる部分は [REDACTED:ルールID] に置き換えられました。\n"
	  "受信者はその値を受け取っていません。\n" },
	{ "参照番号", "キューID", "処理", "宛先", "検出", "パート" },
	{ "拒否", "保留 (確認待ち)", "削除して配送" },
	"次にすること:",
	{ "  - 資格情報を取り除いて、もう一度送ってください。資格情報はメールでは\n"
	  "    なく、パスワードマネージャーやシークレットストアで共有してください。\n"
	  "  - 本物の資格情報であれば、漏えいしたものとして変更 (ローテーション) してください。\n",
	  "  - セキュリティ担当者が確認し、解放されれば配送、そうでなければ削除されます。\n"
	  "    それまで同じメールを送り直さないでください。\n"
	  "  - 本物の資格情報であれば、漏えいしたものとして変更 (ローテーション) してください。\n",
	  "  - 受信者が資格情報を必要とする場合は、メールではなくパスワードマネージャーや\n"
	  "    シークレットストアで共有してください。\n"
	  "  - 本物の資格情報であれば、漏えいしたものとして変更 (ローテーション) してください。\n" },
	"  - 誤検知の場合は、参照番号 %s を添えてメール管理者に元のメールの解放を\n"
	"    依頼してください。\n",
	"  - 元のメールは保存されていません。誤検知の場合は、メール管理者に相談の上、\n"
	"    もう一度送ってください。\n",
	"お問い合わせ: %s (参照番号を添えてください)\n",
	"この通知に資格情報そのものは含まれていません。\n",
};

/* action_index - 0 reject, 1 quarantine, 2 redact, -1 otherwise */
static int action_index(secm_action a)
{
	switch (a) {
	case SECM_ACT_REJECT: return 0;
	case SECM_ACT_QUARANTINE: return 1;
	case SECM_ACT_REDACT: return 2;
	default: return -1;
	}
}

/* put_sub - template t with its one "%s" replaced by v (the templates are
 * data, so no printf on them) */
static int put_sub(secm_buf *out, const char *t, const char *v)
{
	const char *at = strstr(t, "%s");

	if (at == NULL)
		return secm_buf_append_str(out, t);
	if (secm_buf_append(out, t, (size_t)(at - t)) != SECM_OK ||
	    secm_buf_append_str(out, v) != SECM_OK)
		return SECM_ENOMEM;
	return secm_buf_append_str(out, at + 2);
}

/* body - one language's text of the notice onto out */
static int body(const secm_notice *n, const notice_text *t, int ai, secm_buf *out)
{
	const secm_envelope *env = n->env;
	char a[300], b[300];
	size_t listed = 0;
	int rc = 0;

	rc |= put_sub(out, t->intro, clean(n->hostname, a, sizeof(a)));
	rc |= secm_buf_append_str(out, "\n");
	rc |= secm_buf_append_str(out, t->what[ai]);
	rc |= secm_buf_append_str(out, "\n");
	rc |= secm_buf_printf(out, "  %s: %s\n", t->labels[0], clean(n->reference, a, sizeof(a)));
	rc |= secm_buf_printf(out, "  %s: %s\n", t->labels[1],
			      clean(env != NULL && env->queue_id ? env->queue_id : "NOQUEUE",
				    a, sizeof(a)));
	rc |= secm_buf_printf(out, "  %s: %s\n", t->labels[2], t->action_word[ai]);
	if (env != NULL && env->nrcpts > 0) {
		rc |= secm_buf_printf(out, "  %s:", t->labels[3]);
		for (size_t i = 0; i < env->nrcpts && i < MAX_LISTED; i++)
			rc |= secm_buf_printf(out, "%s %s", i ? "," : "",
					      clean(env->rcpts[i], a, sizeof(a)));
		if (env->nrcpts > MAX_LISTED)
			rc |= secm_buf_printf(out, ", ... (%zu)", env->nrcpts);
		rc |= secm_buf_append_str(out, "\n");
	}
	rc |= secm_buf_printf(out, "  %s:\n", t->labels[4]);
	for (size_t i = 0; i < n->nfindings && listed < MAX_LISTED; i++) {
		const secm_finding *f = &n->findings[i];
		int dup = 0;

		/* one line per rule and part */
		for (size_t j = 0; j < i && !dup; j++)
			dup = strcmp(n->findings[j].rule_id, f->rule_id) == 0 &&
			      strcmp(n->findings[j].part, f->part) == 0;
		if (dup)
			continue;
		rc |= secm_buf_printf(out, "    - %s (%s), %s %s\n",
				      clean(f->rule_id, a, sizeof(a)),
				      secm_severity_name(f->severity), t->labels[5],
				      clean(f->part, b, sizeof(b)));
		listed++;
	}
	if (n->nfindings == 0)
		rc |= secm_buf_append_str(out, "    - (policy)\n");
	rc |= secm_buf_printf(out, "\n%s\n", t->next_title);
	rc |= secm_buf_append_str(out, t->next[ai]);
	if (ai == 2 && n->original_kept)
		rc |= put_sub(out, t->kept, clean(n->reference, a, sizeof(a)));
	else if (ai == 2)
		rc |= secm_buf_append_str(out, t->not_kept);
	rc |= secm_buf_append_str(out, "\n");
	rc |= put_sub(out, t->contact, clean(n->from, a, sizeof(a)));
	rc |= secm_buf_append_str(out, t->never);
	return rc != 0 ? SECM_ENOMEM : SECM_OK;
}

/* secm_notify_build - header and body of the notice */
int secm_notify_build(const secm_notice *n, secm_buf *out)
{
	const int ja = n->language != NULL && strcmp(n->language, "ja") == 0;
	const notice_text *t = ja ? &text_ja : &text_en;
	int ai = action_index(n->action);
	unsigned char rnd[8] = { 0 };
	char date[64], a[300], host[256];
	int rc = 0;

	if (ai < 0 || n->from == NULL || n->to == NULL)
		return SECM_EINTERNAL;
	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
		memcpy(rnd, &n->when, sizeof(rnd) < sizeof(n->when) ? sizeof(rnd) : sizeof(n->when));
	rfc5322_date(n->when, date, sizeof(date));
	clean(n->hostname != NULL && n->hostname[0] ? n->hostname : "localhost", host, sizeof(host));
	rc |= secm_buf_printf(out, "From: secret-milter <%s>\n", clean(n->from, a, sizeof(a)));
	rc |= secm_buf_printf(out, "To: <%s>\n", clean(n->to, a, sizeof(a)));
	rc |= secm_buf_append_str(out, "Subject: ");
	rc |= ja ? b64_word(out, t->subject[ai]) : secm_buf_append_str(out, t->subject[ai]);
	rc |= secm_buf_printf(out, "\nDate: %s\n", date);
	rc |= secm_buf_printf(out, "Message-ID: <%lld.%02x%02x%02x%02x%02x%02x%02x%02x.notice@%s>\n",
			      (long long)n->when, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
			      rnd[5], rnd[6], rnd[7], host);
	rc |= secm_buf_append_str(out,
		"MIME-Version: 1.0\n"
		"Content-Type: text/plain; charset=UTF-8\n"
		"Content-Transfer-Encoding: 8bit\n"
		"Auto-Submitted: auto-generated\n"
		"X-Auto-Response-Suppress: All\n"
		SECM_NOTICE_HEADER ": yes\n\n");
	if (rc != 0)
		return SECM_ENOMEM;
	rc = body(n, t, ai, out);
	if (rc == SECM_OK && ja) {
		/* Japanese first, then the same in English for everyone else */
		rc |= secm_buf_append_str(out, "\n---- English ----\n\n");
		rc |= body(n, &text_en, ai, out);
	}
	return rc != 0 ? SECM_ENOMEM : SECM_OK;
}

/* one notice on its way: everything owned by the job */
typedef struct notify_job {
	char *argv[MAX_ARGS + 8];	/* into words, plus rcpts (strdup'd) */
	char *words;			/* the command, split in place */
	size_t nargs_fixed;		/* argv entries pointing into words or literals */
	unsigned char *msg;
	size_t len;
	char queue_id[64];
} notify_job;

/* job_free - everything of a job; NULL is fine */
static void job_free(notify_job *j)
{
	if (j == NULL)
		return;
	for (size_t i = j->nargs_fixed; j->argv[i] != NULL; i++)
		free(j->argv[i]);
	free(j->words);
	free(j->msg);
	free(j);
}

/* send_all - write the notice to the child's stdin socket */
static int send_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* run_job - spawn sendmail, feed it, wait (bounded); logs the outcome */
static void run_job(notify_job *j)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dflt;
	int sv[2] = { -1, -1 }, status = 0, rc, waited = 0, werr;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		secm_log(LOG_ERR, j->queue_id, "notice not sent: socketpair: %s", strerror(errno));
		return;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	sigaddset(&dflt, SIGCHLD);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&pid, j->argv[0], &fa, &attr, j->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(sv[1]);
	if (rc != 0) {
		close(sv[0]);
		secm_log(LOG_ERR, j->queue_id, "notice not sent: cannot run %s: %s",
			 j->argv[0], strerror(rc));
		return;
	}
	werr = send_all(sv[0], j->msg, j->len);
	shutdown(sv[0], SHUT_WR);
	close(sv[0]);
	/* bounded wait: a hung sendmail is killed, never waited for forever */
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			status = -1;
			break;
		}
		if (waited >= SECM_NOTIFY_TIMEOUT * 20) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			secm_log(LOG_ERR, j->queue_id, "notice not sent: %s ran longer than %d s",
				 j->argv[0], SECM_NOTIFY_TIMEOUT);
			return;
		}
		nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
		waited++;
	}
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && werr == 0)
		secm_log(LOG_INFO, j->queue_id, "notice sent (%zu bytes)", j->len);
	else
		secm_log(LOG_ERR, j->queue_id, "notice not sent: %s %s %d", j->argv[0],
			 status != -1 && WIFSIGNALED(status) ? "signal" : "exit",
			 status == -1 ? -1 : WIFSIGNALED(status) ? WTERMSIG(status) :
			 WEXITSTATUS(status));
}

/* job_thread - a detached sender */
static void *job_thread(void *arg)
{
	run_job(arg);
	job_free(arg);
	atomic_fetch_sub(&inflight, 1);
	return NULL;
}

/* secm_notify_send - build the argv, hand the job to a detached thread */
int secm_notify_send(const char *command, const char *const *rcpts, size_t nrcpts,
		     const unsigned char *msg, size_t len, const char *queue_id,
		     char *why, size_t whylen)
{
	notify_job *j = NULL;
	pthread_attr_t ta;
	pthread_t tid;
	char *save = NULL;
	size_t n = 0;

	if (command == NULL || command[0] != '/' || nrcpts == 0 || msg == NULL) {
		snprintf(why, whylen, "no command or no recipient");
		return -1;
	}
	j = calloc(1, sizeof(*j));
	if (j == NULL || (j->words = strdup(command)) == NULL ||
	    (j->msg = malloc(len > 0 ? len : 1)) == NULL)
		goto nomem;
	memcpy(j->msg, msg, len);
	j->len = len;
	snprintf(j->queue_id, sizeof(j->queue_id), "%s", queue_id ? queue_id : "NOQUEUE");
	for (char *w = strtok_r(j->words, " \t", &save); w != NULL && n < MAX_ARGS - 6;
	     w = strtok_r(NULL, " \t", &save))
		j->argv[n++] = w;
	j->argv[n++] = (char *)"-G";
	j->argv[n++] = (char *)"-i";
	j->argv[n++] = (char *)"-f";
	j->argv[n++] = (char *)"<>";
	j->argv[n++] = (char *)"--";
	j->nargs_fixed = n;
	for (size_t i = 0; i < nrcpts && n < MAX_ARGS + 7; i++) {
		if (rcpts[i] == NULL || rcpts[i][0] == '\0')
			continue;
		if ((j->argv[n] = strdup(rcpts[i])) == NULL)
			goto nomem;
		n++;
	}
	j->argv[n] = NULL;
	if (n == j->nargs_fixed) {
		snprintf(why, whylen, "no recipient");
		job_free(j);
		return -1;
	}
	if (atomic_fetch_add(&inflight, 1) >= SECM_NOTIFY_MAX_INFLIGHT) {
		atomic_fetch_sub(&inflight, 1);
		snprintf(why, whylen, "more than %d notices in flight", SECM_NOTIFY_MAX_INFLIGHT);
		job_free(j);
		return -1;
	}
	pthread_attr_init(&ta);
	pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&tid, &ta, job_thread, j) != 0) {
		pthread_attr_destroy(&ta);
		atomic_fetch_sub(&inflight, 1);
		snprintf(why, whylen, "cannot start a thread");
		job_free(j);
		return -1;
	}
	pthread_attr_destroy(&ta);
	return 0;
nomem:
	snprintf(why, whylen, "out of memory");
	job_free(j);
	return -1;
}

/* secm_notify_drain - wait (bounded) for notices in flight */
int secm_notify_drain(int secs)
{
	for (int i = 0; i < secs * 20 && atomic_load(&inflight) > 0; i++)
		nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
	return atomic_load(&inflight);
}

/* secm_notify_message - decide, build, send (see notify.h) */
int secm_notify_message(const secm_config *cfg, secm_action action,
			const secm_finding *f, size_t n, const secm_envelope *env,
			const unsigned char *raw, size_t len, const char *reference,
			int original_kept, char *what, size_t whatlen)
{
	const char *rcpts[2], *skip = "off";
	secm_buf msg = SECM_BUF_INIT;
	char host[256], from[320], why[128];
	size_t nr = 0;
	secm_notice nt;
	int rc = 0;

	what[0] = '\0';
	if ((!cfg->notify_sender && cfg->notify_security_copy == NULL) ||
	    !secm_notify_wanted(cfg->notify_on, action))
		return 0;
	if (secm_notify_is_notice(raw, len, env != NULL ? env->sender : NULL)) {
		snprintf(what, whatlen, "notice=none reason=own-notice");
		return 0;
	}
	if (cfg->notify_sender) {
		skip = secm_notify_skip_sender(raw, len, env != NULL ? env->sender : NULL);
		if (skip == NULL)
			rcpts[nr++] = env->sender;
	}
	if (cfg->notify_security_copy != NULL)
		rcpts[nr++] = cfg->notify_security_copy;
	if (nr == 0) {
		snprintf(what, whatlen, "notice=none reason=%s", skip);
		return 0;
	}
	if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0')
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	if (cfg->notify_from != NULL)
		snprintf(from, sizeof(from), "%s", cfg->notify_from);
	else
		snprintf(from, sizeof(from), "postmaster@%s", host);
	memset(&nt, 0, sizeof(nt));
	nt.action = action;
	nt.reference = reference != NULL && reference[0] ? reference :
		(env != NULL && env->queue_id ? env->queue_id : "NOQUEUE");
	nt.original_kept = original_kept;
	nt.env = env;
	nt.findings = f;
	nt.nfindings = n;
	nt.from = from;
	nt.to = rcpts[0];
	nt.language = cfg->notify_language;
	nt.hostname = host;
	nt.when = time(NULL);
	if (secm_notify_build(&nt, &msg) != SECM_OK) {
		snprintf(what, whatlen, "notice=failed reason=out-of-memory");
		rc = -1;
	} else if (secm_notify_send(cfg->sendmail_command, rcpts, nr, msg.data, msg.len,
				    env != NULL ? env->queue_id : NULL, why, sizeof(why)) != 0) {
		snprintf(what, whatlen, "notice=failed reason=\"%s\"", why);
		rc = -1;
	} else {
		snprintf(what, whatlen, "notice=queued to=%s%s%s%s",
			 skip == NULL ? "sender" : "",
			 skip == NULL && nr > 1 ? "," : "",
			 cfg->notify_security_copy != NULL ? "security" : "",
			 skip != NULL && strcmp(skip, "off") != 0 ? " sender-skipped=" : "");
		if (skip != NULL && strcmp(skip, "off") != 0) {
			size_t l = strlen(what);

			snprintf(what + l, whatlen - l, "%s", skip);
		}
	}
	secm_buf_free(&msg);
	return rc;
}
