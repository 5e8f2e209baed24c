/*
 * redact.h - rebuild a message with secrets replaced by [REDACTED:<rule-id>].
 *
 * Works by byte range: each touched unit's source text gets its ranges
 * replaced (HTML units via the offset map), is converted back to the part's
 * charset, re-encoded with the part's transfer encoding and line ends, and
 * spliced over [raw_start, raw_end).  Every other byte is copied unchanged.
 * A redacted Subject is re-encoded as RFC 2047 (UTF-8) where needed.
 *
 * Details (added by the redaction's author):
 * - overlapping spans of one unit merge into one placeholder named after
 *   the rule of the earliest span; a NULL/empty rule_id reads "secret";
 * - HTML: a span across tags replaces the whole source range it maps to,
 *   and the complete tags inside that range are kept after the placeholder
 *   ("<b>AKIA</b>IOSF..." -> "<b>[REDACTED:x]</b>");
 * - format=flowed units map like HTML (without tags): a span across a soft
 *   line break replaces the whole source range, the break with it;
 * - a uuencoded block inside a text part (unit with uu_parent) is put back
 *   through its parent: its redacted text is uuencoded again (begin line,
 *   "`" and "end" lines kept, the block's line ends) and replaces the block
 *   in the parent's source, which is then spliced like any edit; an edit of
 *   the parent's own text overlapping the block is dropped (the block is
 *   rewritten whole).  secm_rewrite_units does the same for a new source of
 *   such a unit;
 * - base64 is re-encoded at 76 columns, QP with GMime's encoder, both with
 *   the part's line ends; uuencode keeps the begin and end lines;
 * - a part whose text cannot go back to its charset keeps the label and
 *   gets UTF-8 bytes (does not happen for charsets iconv can open);
 * - out->subject: the value for smfi_chgheader(ctx, "Subject", 1, value):
 *   leading space kept, folded below 78 columns with continuation lines
 *   joined by "\n " (bare LF + the folding space, the form libmilter hands
 *   to a milter and Postfix accepts back), no final line end.  The Subject
 *   field in out->message is the same text with the message's line ends.
 * - out->body is the bytes after the header's empty line of out->message,
 *   for smfi_replacebody; body_changed is 0 when only the Subject changed.
 */
#ifndef SECM_REDACT_H
#define SECM_REDACT_H

#include <stddef.h>
#include "buf.h"
#include "error.h"
#include "mime_walk.h"

typedef struct secm_span {
	size_t unit;		/* index into walk->units */
	size_t start, end;	/* range in units[unit].text */
	const char *rule_id;	/* for the placeholder text */
} secm_span;

typedef struct secm_redaction {
	secm_buf message;	/* whole new message (headers + body) */
	secm_buf body;		/* new body only (bytes after the blank line) */
	int body_changed;	/* body differs from the original */
	char *subject;		/* new Subject value (folded, leading space kept) for
				   smfi_chgheader, or NULL when unchanged */
} secm_redaction;

/* secm_redact - spans may be in any order and overlap (merged per unit). */
int secm_redact(const unsigned char *raw, size_t len, const secm_walk *w,
		const secm_span *spans, size_t nspans, secm_redaction *out,
		secm_error *err);

/* secm_redact_flags - secm_redact with flags:
 * SECM_REDACT_REMOVE: a no_redact unit (archive member, TNEF text) with a
 *   known part_start is not rewritten to placeholders; its whole MIME part
 *   [part_start, raw_end) becomes a note instead:
 *     Content-Type: text/plain; charset=us-ascii
 *     Content-Disposition: attachment; filename="<attachment>.removed.txt"
 *     Content-Transfer-Encoding: 7bit
 *   and a few lines naming the attachment and the rule ids of its spans
 *   (never a matched value).  Other headers of that part are dropped. */
#define SECM_REDACT_REMOVE 1u
int secm_redact_flags(const unsigned char *raw, size_t len, const secm_walk *w,
		      const secm_span *spans, size_t nspans, unsigned int flags,
		      secm_redaction *out, secm_error *err);

/* one unit's new decoded source for secm_rewrite_units */
typedef struct secm_unit_edit {
	size_t unit;		/* index into walk->units */
	const char *source;	/* new UTF-8 source (HTML source for HTML units) */
	size_t source_len;
} secm_unit_edit;

/* secm_rewrite_units - replace the whole decoded source of each edited unit
 * and re-encode it exactly as secm_redact does (charset, transfer encoding,
 * line ends; a Subject becomes a new folded field and out->subject): the
 * reverse of redaction, used to plant text in a message (tests, fuzzers).
 * Each unit at most once; bytes outside the edited units are copied. */
int secm_rewrite_units(const unsigned char *raw, size_t len, const secm_walk *w,
		       const secm_unit_edit *edits, size_t nedits,
		       secm_redaction *out, secm_error *err);

/* secm_rewrite_unit - secm_rewrite_units for one unit */
int secm_rewrite_unit(const unsigned char *raw, size_t len, const secm_walk *w,
		      size_t unit, const char *source, size_t source_len,
		      secm_redaction *out, secm_error *err);

/* secm_redaction_free - NULL is fine */
void secm_redaction_free(secm_redaction *r);

#endif
