/*
 * glue.c - libmilter callbacks: turn MTA events into one secm_inspect()
 * call per message and map its verdict to smfi_* edits and SMFIS_* codes.
 * No policy lives here; the engine decides, the glue carries it out.
 *
 * Design:
 *  - negotiate asks only for the steps we use (connect, MAIL, RCPT, headers,
 *    end of headers, body, end of message), no replies where the MTA allows
 *    it, and header values with their leading space (SMFIP_HDR_LEADSPC) so
 *    the raw header block can be rebuilt byte for byte: "Name:" + value with
 *    its folds turned back into CRLF + CRLF, then a blank CRLF line.
 *  - the raw message is kept in memory up to SpoolThreshold, then in an
 *    unlinked 0600 temp file in TemporaryDirectory, mapped back at eom.
 *  - every edit happens at eom, headers first, the body last (Postfix
 *    refuses body replacement interleaved with header edits).
 *  - errors while collecting are remembered and turned into OnFailure at
 *    eom: no mail passes unscanned and none is lost.
 *  - reject, quarantine and redact may send a notice (notify.h): built at
 *    eom, handed to a detached thread that runs sendmail(1), so eom never
 *    waits for it.  With KeepRedactedOriginal a redacted message's original
 *    goes to the store first and the header names the item (item=ID).
 *  - from GLUE_PROGRESS_MIN bytes on, smfi_progress before the scan, the
 *    quarantine copy and the body replacement keeps the MTA's reply timer
 *    (Sendmail's T=R, 10 s by default) from firing during long work.
 *
 * Threading: libmilter runs one connection's callbacks on any worker
 * thread, one at a time; all state hangs off smfi_setpriv.  The only shared
 * state is the current snapshot pointer, guarded by snap_lock.
 * Ownership: the per-connection record is freed at close; message state is
 * reset at MAIL FROM and released at eom/abort/close, its buffers wiped.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "buf.h"
#include "glue.h"
#include "inspect.h"
#include "log.h"
#include "notify.h"
#include "quarantine.h"

#define GLUE_ACTIONS (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_QUARANTINE)
#define GLUE_MAXDATA ((1024 * 1024) - 1)	/* libmilter's MILTER_MDS_1M */
#define GLUE_BODY_CHUNK 65535			/* MILTER_CHUNK_SIZE */
#define GLUE_REPLY_MAX 900			/* below the 980-char line limit */
#define GLUE_QREASON_MAX 99			/* Postfix cuts the hold reason there */
#define GLUE_PROGRESS_MIN (256 * 1024)		/* smfi_progress from this size on */

static pthread_mutex_t snap_lock = PTHREAD_MUTEX_INITIALIZER;
static secm_snapshot *snap_current;	/* guarded by snap_lock */

typedef struct glue_msg {
	secm_snapshot *snap;	/* reference taken at MAIL FROM */
	char *queue_id;
	char *sender;
	char **rcpts;
	size_t nrcpts, rcap;
	secm_buf mem;		/* raw message while below the threshold */
	int fd;			/* spill file (unlinked), or -1 */
	size_t size;		/* raw bytes collected */
	unsigned int forged;	/* incoming HeaderName fields (sender's own) */
	const char *failed;	/* first collection failure, or NULL */
} glue_msg;

typedef struct glue_conn {
	unsigned long pflags;	/* protocol flags agreed with the MTA */
	char client_addr[INET6_ADDRSTRLEN];
	char *client_name;
	const char *mta;	/* "postfix", "sendmail" or NULL (static) */
	int active;		/* a message is open (MAIL FROM seen) */
	glue_msg msg;
} glue_conn;

/* current_ref - a new reference to the current snapshot */
static secm_snapshot *current_ref(void)
{
	secm_snapshot *s;

	pthread_mutex_lock(&snap_lock);
	s = secm_snapshot_ref(snap_current);
	pthread_mutex_unlock(&snap_lock);
	return s;
}

/* current_swap - make s current, drop the old one's daemon reference */
static void current_swap(secm_snapshot *s)
{
	secm_snapshot *old;

	pthread_mutex_lock(&snap_lock);
	old = snap_current;
	snap_current = s;
	pthread_mutex_unlock(&snap_lock);
	secm_snapshot_unref(old);
}

/* noreply - the right "continue" for a step: NOREPLY when negotiated */
static sfsistat noreply(const glue_conn *c, unsigned long nr_bit)
{
	return c != NULL && (c->pflags & nr_bit) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* qid - the queue id for logs */
static const char *qid(const glue_conn *c)
{
	return c != NULL && c->msg.queue_id != NULL ? c->msg.queue_id : "NOQUEUE";
}

/* msg_release - free one message's state, wiping what held mail */
static void msg_release(glue_msg *m)
{
	secm_snapshot_unref(m->snap);
	free(m->queue_id);
	free(m->sender);
	for (size_t i = 0; i < m->nrcpts; i++)
		free(m->rcpts[i]);
	free(m->rcpts);
	secm_buf_free(&m->mem);
	if (m->fd >= 0) {
		/* the file is unlinked; truncating frees its blocks at once */
		if (ftruncate(m->fd, 0) != 0) {
			/* nothing more to do: close releases it anyway */
		}
		close(m->fd);
	}
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

/* conn_get - the connection record, created on first use */
static glue_conn *conn_get(SMFICTX *ctx)
{
	glue_conn *c = smfi_getpriv(ctx);

	if (c != NULL)
		return c;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->msg.fd = -1;
	if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
		free(c);
		return NULL;
	}
	return c;
}

/* fail_collect - remember the first failure of this message */
static void fail_collect(glue_conn *c, const char *what)
{
	if (c != NULL && c->active && c->msg.failed == NULL)
		c->msg.failed = what;
}

/* set_queue_id - take the "i" macro when the MTA has it by now */
static void set_queue_id(SMFICTX *ctx, glue_conn *c)
{
	static char macro_i[] = "i";
	const char *v;
	char *dup;

	v = smfi_getsymval(ctx, macro_i);
	if (v == NULL || *v == '\0')
		return;
	if (c->msg.queue_id != NULL && strcmp(c->msg.queue_id, v) == 0)
		return;
	dup = strdup(v);
	if (dup == NULL)
		return;		/* keep the old one: only a log label */
	free(c->msg.queue_id);
	c->msg.queue_id = dup;
}

/* strip_angle - "<a@b>" -> "a@b" (copy); NULL on allocation failure */
static char *strip_angle(const char *s)
{
	size_t n;

	if (s == NULL)
		return strdup("");
	n = strlen(s);
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
		return strndup(s + 1, n - 2);
	return strdup(s);
}

/* spill - move the in-memory bytes to an unlinked private temp file */
static int spill(glue_msg *m)
{
	const char *dir = m->snap->config.temp_dir;
	char path[4096];
	size_t off = 0;
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/secret-milter.XXXXXX", dir)
	    >= sizeof(path))
		return -1;
	fd = mkostemp(path, O_CLOEXEC);	/* mode 0600 */
	if (fd < 0)
		return -1;
	unlink(path);
	while (off < m->mem.len) {
		ssize_t w = write(fd, m->mem.data + off, m->mem.len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	secm_buf_free(&m->mem);
	m->fd = fd;
	return 0;
}

/* collect - append raw bytes to the message (memory, then spill file) */
static int collect(glue_msg *m, const void *p, size_t len)
{
	const unsigned char *b = p;

	if (m->fd < 0 && m->mem.len + len > m->snap->config.spool_threshold) {
		if (spill(m) != 0)
			return -1;
	}
	if (m->fd < 0) {
		if (secm_buf_append(&m->mem, p, len) != SECM_OK)
			return -1;
		m->size += len;
		return 0;
	}
	while (len > 0) {
		ssize_t w = write(m->fd, b, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		len -= (size_t)w;
		m->size += (size_t)w;
	}
	return 0;
}

/* collect_value - append a header value with bare LF folds made CRLF */
static int collect_value(glue_msg *m, const char *v)
{
	const char *p = v, *nl;

	while ((nl = strchr(p, '\n')) != NULL) {
		size_t seg = (size_t)(nl - p);

		if (seg > 0 && nl[-1] == '\r')
			seg--;	/* already CRLF: keep it as it is */
		if (collect(m, p, seg) != 0 || collect(m, "\r\n", 2) != 0)
			return -1;
		p = nl + 1;
	}
	return collect(m, p, strlen(p));
}

/* mlfi_negotiate - agree on actions and steps with the MTA */
static sfsistat mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
			       unsigned long f2, unsigned long f3,
			       unsigned long *pf0, unsigned long *pf1,
			       unsigned long *pf2, unsigned long *pf3)
{
	const unsigned long want = SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA |
		SMFIP_HDR_LEADSPC | SMFIP_NR_CONN | SMFIP_NR_MAIL | SMFIP_NR_RCPT |
		SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY;
	glue_conn *c;

	c = conn_get(ctx);
	if (c == NULL)
		return SMFIS_REJECT;	/* the MTA applies its failure action */
	*pf0 = GLUE_ACTIONS & f0;
	*pf1 = want & f1;
	*pf2 = 0;
	*pf3 = 0;
	c->pflags = *pf1;
	if ((f0 & GLUE_ACTIONS) != GLUE_ACTIONS)
		secm_log(LOG_WARNING, "NOQUEUE", "MTA does not offer every edit "
			 "we need (offered 0x%lx, need 0x%lx)", f0,
			 (unsigned long)GLUE_ACTIONS);
	return SMFIS_CONTINUE;
}

/* mta_of - which MTA talks to us, from its macros: Postfix sends
 * v = "Postfix 3.7.11" with its connect macros; Sendmail sends j but no
 * v by default (or v = "8.17.1.9" when configured to) */
static const char *mta_of(SMFICTX *ctx)
{
	static char macro_v[] = "v", macro_j[] = "j";
	const char *v = smfi_getsymval(ctx, macro_v);

	if (v != NULL && strncasecmp(v, "Postfix", 7) == 0)
		return "postfix";
	if ((v != NULL && v[0] >= '0' && v[0] <= '9') || smfi_getsymval(ctx, macro_j) != NULL)
		return "sendmail";
	return NULL;
}

/* mlfi_connect - remember the client address and name */
static sfsistat mlfi_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *sa)
{
	glue_conn *c = conn_get(ctx);

	if (c == NULL)
		return SMFIS_CONTINUE;	/* eom will tempfail: no record */
	free(c->client_name);
	c->client_name = hostname != NULL ? strdup(hostname) : NULL;
	c->mta = mta_of(ctx);
	c->client_addr[0] = '\0';
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)sa)->sin_addr,
			  c->client_addr, sizeof(c->client_addr));
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)sa)->sin6_addr,
			  c->client_addr, sizeof(c->client_addr));
	return noreply(c, SMFIP_NR_CONN);
}

/* mlfi_envfrom - a new message: reset state, pin the current snapshot */
static sfsistat mlfi_envfrom(SMFICTX *ctx, char **argv)
{
	glue_conn *c = conn_get(ctx);

	if (c == NULL)
		return SMFIS_CONTINUE;
	msg_release(&c->msg);
	c->active = 1;
	c->msg.snap = current_ref();
	if (c->msg.snap == NULL) {
		fail_collect(c, "no-configuration");
		return noreply(c, SMFIP_NR_MAIL);
	}
	set_queue_id(ctx, c);
	c->msg.sender = strip_angle(argv != NULL ? argv[0] : NULL);
	if (c->msg.sender == NULL)
		fail_collect(c, "out-of-memory");
	return noreply(c, SMFIP_NR_MAIL);
}

/* mlfi_envrcpt - add one recipient */
static sfsistat mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
	glue_conn *c = smfi_getpriv(ctx);
	glue_msg *m;
	char *r;

	if (c == NULL || !c->active)
		return noreply(c, SMFIP_NR_RCPT);
	m = &c->msg;
	set_queue_id(ctx, c);
	if (m->nrcpts == m->rcap) {
		size_t ncap = m->rcap ? m->rcap * 2 : 8;
		char **nv = realloc(m->rcpts, ncap * sizeof(*nv));

		if (nv == NULL) {
			fail_collect(c, "out-of-memory");
			return noreply(c, SMFIP_NR_RCPT);
		}
		m->rcpts = nv;
		m->rcap = ncap;
	}
	r = strip_angle(argv != NULL ? argv[0] : NULL);
	if (r == NULL)
		fail_collect(c, "out-of-memory");
	else
		m->rcpts[m->nrcpts++] = r;
	return noreply(c, SMFIP_NR_RCPT);
}

/* mlfi_header - rebuild one header field byte for byte */
static sfsistat mlfi_header(SMFICTX *ctx, char *namep, char *valuep)
{
	glue_conn *c = smfi_getpriv(ctx);
	const char *name = namep != NULL ? namep : "";
	const char *value = valuep != NULL ? valuep : "";
	glue_msg *m;
	const char *sep;

	if (c == NULL || !c->active || c->msg.failed != NULL)
		return noreply(c, SMFIP_NR_HDR);
	m = &c->msg;
	if (strcasecmp(name, m->snap->config.header_name) == 0)
		m->forged++;
	/* with LEADSPC the value carries its own space after the colon */
	sep = (c->pflags & SMFIP_HDR_LEADSPC) ? ":" : ": ";
	if (collect(m, name, strlen(name)) != 0 || collect(m, sep, strlen(sep)) != 0 ||
	    collect_value(m, value) != 0 || collect(m, "\r\n", 2) != 0)
		fail_collect(c, "spool-failed");
	return noreply(c, SMFIP_NR_HDR);
}

/* mlfi_eoh - the blank line between header and body */
static sfsistat mlfi_eoh(SMFICTX *ctx)
{
	glue_conn *c = smfi_getpriv(ctx);

	if (c != NULL && c->active && c->msg.failed == NULL &&
	    collect(&c->msg, "\r\n", 2) != 0)
		fail_collect(c, "spool-failed");
	return noreply(c, SMFIP_NR_EOH);
}

/* mlfi_body - one body chunk (any size up to 64 KiB, split anywhere) */
static sfsistat mlfi_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	glue_conn *c = smfi_getpriv(ctx);

	if (c != NULL && c->active && c->msg.failed == NULL &&
	    collect(&c->msg, chunk, len) != 0)
		fail_collect(c, "spool-failed");
	return noreply(c, SMFIP_NR_BODY);
}

/* reply_text - "%" doubled, control characters blanked, length capped */
static void reply_text(const char *in, char *out, size_t outlen)
{
	size_t o = 0;

	for (const char *p = in; *p != '\0' && o + 3 < outlen && o < GLUE_REPLY_MAX; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '%')
			out[o++] = '%';
		out[o++] = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
	}
	out[o] = '\0';
}

/* header_value - value as the MTA wants it: LEADSPC-aware, LF folds */
static char *header_value(const glue_conn *c, const char *v)
{
	size_t n = strlen(v), o = 0;
	char *out = malloc(n + 2);

	if (out == NULL)
		return NULL;
	if ((c->pflags & SMFIP_HDR_LEADSPC) && v[0] != ' ' && v[0] != '\t')
		out[o++] = ' ';
	else if (!(c->pflags & SMFIP_HDR_LEADSPC) && v[0] == ' ')
		v++;
	for (; *v != '\0'; v++) {
		if (v[0] == '\r' && v[1] == '\n')
			continue;	/* MTAs fold header values with bare LF */
		out[o++] = *v;
	}
	out[o] = '\0';
	return out;
}

/* set_reply - smfi_setreply with a cleaned text (failure is not fatal:
 * the MTA then uses its own default text for the same code class) */
static void set_reply(SMFICTX *ctx, const char *rcode, const char *xcode,
		      const char *text, const char *fallback)
{
	char buf[GLUE_REPLY_MAX + 8];

	reply_text(text != NULL && *text != '\0' ? text : fallback, buf, sizeof(buf));
	smfi_setreply(ctx, (char *)rcode, (char *)xcode, buf);
}

/* edit_headers - drop the sender's own X-Secret-Milter fields, change the
 * Subject when given, add ours; 0 or -1 when the MTA refused an edit */
static int edit_headers(SMFICTX *ctx, glue_conn *c, const char *subject,
			const char *header)
{
	static char subject_name[] = "Subject";
	char *name = c->msg.snap->config.header_name;
	char *v;
	int rc = 0;

	/* from the last to the first, so indexes stay valid on every MTA */
	for (unsigned int i = c->msg.forged; i >= 1 && rc == 0; i--)
		if (smfi_chgheader(ctx, name, (int)i, NULL) != MI_SUCCESS)
			rc = -1;
	if (rc == 0 && subject != NULL) {
		v = header_value(c, subject);
		if (v == NULL || smfi_chgheader(ctx, subject_name, 1, v) != MI_SUCCESS)
			rc = -1;
		free(v);
	}
	if (rc == 0) {
		v = header_value(c, header != NULL && *header ? header : "checked");
		if (v == NULL || smfi_addheader(ctx, name, v) != MI_SUCCESS)
			rc = -1;
		free(v);
	}
	return rc;
}

/* keep_alive - smfi_progress before long work on a big message: resets the
 * MTA's reply timer (Sendmail's T=R, 10 s by default); best effort */
static void keep_alive(SMFICTX *ctx, size_t size)
{
	if (size >= GLUE_PROGRESS_MIN)
		(void)smfi_progress(ctx);
}

/* replace_body - the new body in chunks, after every header edit */
static int replace_body(SMFICTX *ctx, const secm_buf *body)
{
	size_t off = 0;

	if (body->len == 0)
		return smfi_replacebody(ctx, (unsigned char *)"", 0) == MI_SUCCESS ? 0 : -1;
	while (off < body->len) {
		size_t n = body->len - off;

		if (n > GLUE_BODY_CHUNK)
			n = GLUE_BODY_CHUNK;
		if (smfi_replacebody(ctx, body->data + off, n) != MI_SUCCESS)
			return -1;
		off += n;
	}
	return 0;
}

/* list_add - append word to a comma list unless it is already there */
static void list_add(char *buf, size_t len, const char *word)
{
	size_t used = strlen(buf), wl = strlen(word);

	for (const char *p = buf; (p = strstr(p, word)) != NULL; p += wl)
		if ((p == buf || p[-1] == ',') && (p[wl] == ',' || p[wl] == '\0'))
			return;
	if (wl == 0 || used + wl + 2 > len)
		return;		/* full: the line keeps what fits */
	if (used > 0)
		buf[used++] = ',';
	memcpy(buf + used, word, wl + 1);
}

/* log_result - one line per message: action, rule ids, part paths, size;
 * metadata only, never a value, Subject, sender or recipient */
static void log_result(const glue_conn *c, const secm_result *res, size_t size,
		       const char *extra)
{
	char rules[400] = "", parts[200] = "";
	const secm_config *cfg = &c->msg.snap->config;

	if (res->action == SECM_ACT_ACCEPT && res->nfindings == 0 &&
	    res->status == SECM_OK && !cfg->log_clean && extra == NULL)
		return;
	for (size_t i = 0; i < res->nfindings; i++) {
		list_add(rules, sizeof(rules), res->findings[i].rule_id);
		list_add(parts, sizeof(parts), res->findings[i].part);
	}
	secm_log(res->status == SECM_OK ? LOG_INFO : LOG_WARNING, qid(c),
		 "action=%s rules=%s parts=%s size=%zu%s%s%s%s",
		 secm_action_name(res->action), rules[0] ? rules : "-",
		 parts[0] ? parts : "-", size,
		 res->status != SECM_OK ? " status=" : "",
		 res->status != SECM_OK ? secm_strerror(res->status) : "",
		 extra != NULL ? " " : "", extra != NULL ? extra : "");
}

/* fail_verdict - OnFailure for a failure the engine never saw */
static sfsistat fail_verdict(SMFICTX *ctx, glue_conn *c, const char *why)
{
	secm_action a = SECM_ACT_TEMPFAIL;
	char text[200];

	if (c != NULL && c->msg.snap != NULL)
		a = c->msg.snap->config.on_failure;
	secm_log(LOG_WARNING, qid(c), "action=%s reason=%s",
		 secm_action_name(a == SECM_ACT_REJECT || a == SECM_ACT_ACCEPT ||
				  a == SECM_ACT_TAG ? a : SECM_ACT_TEMPFAIL), why);
	switch (a) {
	case SECM_ACT_ACCEPT:
	case SECM_ACT_TAG:
		/* the admin chose to let failures through: say so in the header
		 * (best effort: the message goes on either way) */
		snprintf(text, sizeof(text), "unscanned; reason=%s (%s %s)", why,
			 PACKAGE_NAME, PACKAGE_VERSION);
		edit_headers(ctx, c, NULL, text);
		return SMFIS_CONTINUE;
	case SECM_ACT_REJECT:
		snprintf(text, sizeof(text), "Message could not be checked for credentials (%s)", why);
		set_reply(ctx, "550", "5.7.1", text, text);
		return SMFIS_REJECT;
	default:
		snprintf(text, sizeof(text),
			 "Message could not be checked for credentials (%s); try again later", why);
		set_reply(ctx, "451", "4.7.1", text, text);
		return SMFIS_TEMPFAIL;
	}
}

/* quarantine_reason - "secret-milter: rule,rule" cut to what Postfix
 * keeps, ending at a whole rule id */
static void quarantine_reason(const secm_result *res, char *out, size_t outlen)
{
	static const char prefix[] = "secret-milter: ";
	char ids[GLUE_QREASON_MAX + 1] = "";

	for (size_t i = 0; i < res->nfindings; i++)
		list_add(ids, sizeof(ids) - (sizeof(prefix) - 1),
			 res->findings[i].rule_id);
	if (ids[0] == '\0')
		snprintf(ids, sizeof(ids) - (sizeof(prefix) - 1), "%.60s",
			 res->reason[0] ? res->reason : "held for review");
	snprintf(out, outlen, "%s%s", prefix, ids);
	for (char *p = out; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

/* with_item - the header value with "; item=ID" before the version note */
static void with_item(const char *header, const char *item, char *out, size_t outlen)
{
	const char *v = strrchr(header, '(');
	size_t head = v != NULL && v > header && v[-1] == ' ' ? (size_t)(v - header - 1)
							      : strlen(header);

	snprintf(out, outlen, "%.*s; item=%s%s", (int)head, header, item, header + head);
}

/* store - the original into our store; 0, or -1 logged (the caller
 * tempfails: an item that was asked for must exist) */
static int store(SMFICTX *ctx, glue_conn *c, const secm_result *res,
		 const unsigned char *raw, size_t len, const secm_envelope *env,
		 char *item, size_t itemlen)
{
	secm_error err;
	char ebuf[700];

	secm_error_clear(&err);
	keep_alive(ctx, len);	/* the store writes and syncs a copy */
	if (secm_quarantine_store(c->msg.snap->config.quarantine_dir, raw, len,
				  env, res->action, res->reason, res->findings,
				  res->nfindings, time(NULL), item, itemlen,
				  &err) == SECM_OK)
		return 0;
	log_result(c, res, len, "store=failed");
	secm_log(LOG_ERR, qid(c), "quarantine store: %s",
		 secm_error_format(&err, ebuf, sizeof(ebuf)));
	return -1;
}

/* notify - the notice to the sender and the security copy (notify.h):
 * built here, sent by a detached thread; what gets the log words */
static void notify(const glue_conn *c, const secm_result *res,
		   const unsigned char *raw, size_t len, const secm_envelope *env,
		   const char *item, char *what, size_t whatlen)
{
	secm_notify_message(&c->msg.snap->config, res->action, res->findings,
			    res->nfindings, env, raw, len, item,
			    res->action == SECM_ACT_REDACT && item != NULL, what, whatlen);
}

/* apply - carry out the verdict in res */
static sfsistat apply(SMFICTX *ctx, glue_conn *c, const secm_result *res,
		      const unsigned char *raw, size_t len, const secm_envelope *env)
{
	char qreason[GLUE_QREASON_MAX + 16], item[64] = "", extra[300], hdr[700];
	char what[160];

	switch (res->action) {
	case SECM_ACT_ACCEPT:
	case SECM_ACT_TAG:
		log_result(c, res, len, NULL);
		if (edit_headers(ctx, c, NULL, res->header) != 0)
			return fail_verdict(ctx, c, "mta-edit-failed");
		return SMFIS_CONTINUE;
	case SECM_ACT_REDACT:
		/* KeepRedactedOriginal: the way back for a false positive */
		if (c->msg.snap->config.keep_redacted_original &&
		    store(ctx, c, res, raw, len, env, item, sizeof(item)) != 0) {
			set_reply(ctx, "451", "4.7.1", NULL,
				  "Message could not be stored before redaction; try again later");
			return SMFIS_TEMPFAIL;
		}
		if (item[0] != '\0')
			with_item(res->header, item, hdr, sizeof(hdr));
		else
			snprintf(hdr, sizeof(hdr), "%s", res->header);
		notify(c, res, raw, len, env, item[0] ? item : NULL, what, sizeof(what));
		snprintf(extra, sizeof(extra), "%s%s%s%s", item[0] ? "item=" : "", item,
			 item[0] && what[0] ? " " : "", what);
		log_result(c, res, len, extra[0] ? extra : NULL);
		if (edit_headers(ctx, c, res->redaction.subject, hdr) != 0)
			return fail_verdict(ctx, c, "mta-edit-failed");
		if (res->redaction.body_changed) {
			keep_alive(ctx, res->redaction.body.len);
			if (replace_body(ctx, &res->redaction.body) != 0)
				return fail_verdict(ctx, c, "mta-edit-failed");
		}
		return SMFIS_CONTINUE;
	case SECM_ACT_QUARANTINE:
		if (store(ctx, c, res, raw, len, env, item, sizeof(item)) != 0) {
			set_reply(ctx, "451", "4.7.1", NULL,
				  "Message held for review could not be stored; try again later");
			return SMFIS_TEMPFAIL;
		}
		quarantine_reason(res, qreason, sizeof(qreason));
		if (smfi_quarantine(ctx, qreason) != MI_SUCCESS)
			return fail_verdict(ctx, c, "mta-hold-failed");
		with_item(res->header, item, hdr, sizeof(hdr));
		if (edit_headers(ctx, c, NULL, hdr) != 0)
			return fail_verdict(ctx, c, "mta-edit-failed");
		notify(c, res, raw, len, env, item, what, sizeof(what));
		snprintf(extra, sizeof(extra), "item=%s%s%s", item, what[0] ? " " : "", what);
		log_result(c, res, len, extra);
		return SMFIS_CONTINUE;
	case SECM_ACT_REJECT:
		notify(c, res, raw, len, env, NULL, what, sizeof(what));
		log_result(c, res, len, what[0] ? what : NULL);
		set_reply(ctx, "550", "5.7.1", res->reply,
			  "Message contains credentials; remove them and send again");
		return SMFIS_REJECT;
	case SECM_ACT_TEMPFAIL:
	default:
		log_result(c, res, len, NULL);
		set_reply(ctx, "451", "4.7.1", res->reply,
			  "Message could not be checked for credentials; try again later");
		return SMFIS_TEMPFAIL;
	}
}

/* mlfi_eom - inspect the whole message and apply the verdict */
static sfsistat mlfi_eom(SMFICTX *ctx)
{
	glue_conn *c = smfi_getpriv(ctx);
	glue_msg *m;
	const unsigned char *raw;
	void *map = NULL;
	secm_envelope env;
	secm_result res;
	sfsistat rc;

	if (c == NULL || !c->active)
		return fail_verdict(ctx, c, "no-state");
	m = &c->msg;
	set_queue_id(ctx, c);
	if (m->failed != NULL) {
		rc = fail_verdict(ctx, c, m->failed);
		goto done;
	}
	if (m->fd >= 0) {
		map = mmap(NULL, m->size, PROT_READ, MAP_PRIVATE, m->fd, 0);
		if (map == MAP_FAILED) {
			map = NULL;
			rc = fail_verdict(ctx, c, "spool-failed");
			goto done;
		}
		raw = map;
	} else {
		raw = m->mem.data != NULL ? m->mem.data : (const unsigned char *)"";
	}
	memset(&env, 0, sizeof(env));
	env.queue_id = qid(c);
	env.sender = m->sender;
	env.rcpts = (const char *const *)m->rcpts;
	env.nrcpts = m->nrcpts;
	env.client_addr = c->client_addr[0] ? c->client_addr : NULL;
	env.client_name = c->client_name;
	env.mta = c->mta;	/* the store records which MTA holds the copy */
	memset(&res, 0, sizeof(res));
	keep_alive(ctx, m->size);
	secm_inspect(m->snap, raw, m->size, &env, 0, &res);
	rc = apply(ctx, c, &res, raw, m->size, &env);
	secm_result_free(&res);
done:
	if (map != NULL)
		munmap(map, m->size);
	msg_release(m);
	c->active = 0;
	return rc;
}

/* mlfi_abort - the message ended without eom */
static sfsistat mlfi_abort(SMFICTX *ctx)
{
	glue_conn *c = smfi_getpriv(ctx);

	if (c != NULL) {
		msg_release(&c->msg);
		c->active = 0;
	}
	return SMFIS_CONTINUE;
}

/* mlfi_close - the connection is gone (may be the only callback) */
static sfsistat mlfi_close(SMFICTX *ctx)
{
	glue_conn *c = smfi_getpriv(ctx);

	if (c == NULL)
		return SMFIS_CONTINUE;
	msg_release(&c->msg);
	free(c->client_name);
	free(c);
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

static char glue_name[] = "secret-milter";

static struct smfiDesc glue_desc = {
	.xxfi_name = glue_name,
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = GLUE_ACTIONS,
	.xxfi_connect = mlfi_connect,
	.xxfi_helo = NULL,
	.xxfi_envfrom = mlfi_envfrom,
	.xxfi_envrcpt = mlfi_envrcpt,
	.xxfi_header = mlfi_header,
	.xxfi_eoh = mlfi_eoh,
	.xxfi_body = mlfi_body,
	.xxfi_eom = mlfi_eom,
	.xxfi_abort = mlfi_abort,
	.xxfi_close = mlfi_close,
	.xxfi_unknown = NULL,
	.xxfi_data = NULL,
	.xxfi_negotiate = mlfi_negotiate,
};

/* secm_glue_register - register callbacks, take over the snapshot */
int secm_glue_register(secm_snapshot *snap)
{
	if (smfi_register(glue_desc) == MI_FAILURE)
		return -1;
	/* a long folded header is one milter command: 64 KiB is too little */
	smfi_setmaxdatasize(GLUE_MAXDATA);
	current_swap(snap);
	return 0;
}

/* secm_glue_reload - rebuild the snapshot, keep the old one on failure */
void secm_glue_reload(void *arg)
{
	const secm_glue_source *src = arg;
	secm_snapshot *s = NULL;
	secm_error err;
	char ebuf[1024];

	secm_error_clear(&err);
	if (secm_snapshot_build(src->config_path, src->pattern_dir, &s, &err) != SECM_OK) {
		secm_log(LOG_ERR, "NOQUEUE", "reload failed, keeping the old "
			 "configuration: %s", secm_error_format(&err, ebuf, sizeof(ebuf)));
		return;
	}
	current_swap(s);
	secm_log(LOG_INFO, "NOQUEUE", "reloaded: %zu rules (Socket, UserID and "
		 "PidFile changes need a restart)", secm_ruleset_count(s->rules));
}

/* secm_glue_shutdown - drop the daemon's reference */
void secm_glue_shutdown(void)
{
	int left = secm_notify_drain(5);

	if (left > 0)
		secm_log(LOG_WARNING, "NOQUEUE", "stopping with %d notices still being sent", left);
	current_swap(NULL);
}
