/*
 * mime_walk.h - parse a raw message with GMime and turn every scannable
 * place into a "unit": UTF-8 text to scan plus what is needed to put a
 * redacted version back (where the encoded bytes sit in the raw message,
 * the transfer encoding, the charset, and for HTML an offset map).
 *
 * The raw message is parsed with persist-stream on, so each leaf part's
 * content is a substream of the raw bytes: [raw_start, raw_end) is exact.
 * Nested message/rfc822 parts are walked (their offsets stay absolute).
 * Part paths are IMAP-style: "1", "1.2", "2.1.1"; the Subject is "subject".
 *
 * Other carriers (added by "carriers"): header fields where people paste
 * text (Subject, Comments, Keywords, Thread-Topic, X-* except machine
 * headers, see secm_header_scanned) of the message and of every attached
 * message are units of kind SECM_UNIT_HEADER ("comments", "x-note",
 * "3.subject"); lines of a header block that are not header fields (GMime
 * drops them) are text units "header-text" / "3.header-text"; multipart
 * preambles and epilogues are text units "preamble" / "2.epilogue" (a
 * multipart without a boundary is all preamble).  A text/plain part with
 * format=flowed (RFC 3676) is scanned with its soft line breaks joined
 * (text != source, map/map_end lead back as for HTML); uuencoded blocks
 * in a text/plain body become units of their own (uu_parent).  Encrypted (PGP/MIME,
 * S/MIME enveloped or opaque-signed), message/partial and TNEF parts are
 * counted so that the policy can apply its own action; units inside a
 * multipart/signed are marked in_signed.  Units are in raw order and do
 * not overlap, except archive and TNEF members, which share the range of
 * their attachment.
 *
 * Bounds (depth, part count, decoded bytes) are checked during the walk;
 * when one is exceeded the walk stops and reports which one in limit_hit.
 */
#ifndef SECM_MIME_WALK_H
#define SECM_MIME_WALK_H

#include <stddef.h>
#include "error.h"

typedef enum secm_unit_kind {
	SECM_UNIT_BODY = 0,	/* content of a leaf MIME part */
	SECM_UNIT_SUBJECT = 1,	/* the decoded top-level Subject header */
	SECM_UNIT_HEADER = 2,	/* another scanned header field (decoded value;
				   raw range = the whole field, as for Subject) */
	SECM_UNIT_MEMBER = 3	/* text of an archive member (archive_scan.h) or of a
				   TNEF body or attachment (tnef.h):
				   raw range = the attachment; no_redact set */
} secm_unit_kind;

typedef enum secm_limit_kind {
	SECM_LIMIT_NONE = 0,
	SECM_LIMIT_DEPTH,	/* MIME nesting deeper than max_depth */
	SECM_LIMIT_PARTS,	/* more than max_parts parts */
	SECM_LIMIT_DECODED,	/* more than max_decoded decoded bytes in total */
	SECM_LIMIT_ARCHIVE	/* an archive bound (archive_scan.h): depth, members,
				   expansion ratio or extracted bytes */
} secm_limit_kind;

typedef struct secm_walk_limits {
	unsigned int max_depth;	/* e.g. 20 */
	unsigned int max_parts;	/* e.g. 500 */
	size_t max_decoded;	/* e.g. 64 MiB */
	/* archive bounds (archive_scan.h), added by carriers2; 0 = no bound */
	unsigned int max_archive_depth;	  /* MaximumArchiveDepth, e.g. 3 */
	unsigned int max_archive_members; /* MaximumArchiveMembers, e.g. 1000 */
	unsigned int max_archive_ratio;	  /* MaximumArchiveRatio, e.g. 100 */
	size_t max_archive_bytes;	  /* MaximumArchiveBytes, e.g. 64 MiB */
} secm_walk_limits;

#define SECM_WALK_DEFAULT_DEPTH 20
#define SECM_WALK_DEFAULT_PARTS 500
#define SECM_WALK_DEFAULT_DECODED ((size_t)64 << 20)

typedef enum secm_cte {
	SECM_CTE_7BIT = 0,	/* also 8bit, binary, unknown: identity */
	SECM_CTE_BASE64,
	SECM_CTE_QP,
	SECM_CTE_UUENCODE
} secm_cte;

typedef struct secm_unit {
	secm_unit_kind kind;
	char path[64];		/* "1.2", "subject" */
	char content_type[96];	/* "text/plain"; "" for the subject */
	char filename[128];	/* attachment file name, "" if none */
	char charset[48];	/* declared charset used to decode, "" = us-ascii/utf-8 */
	secm_cte cte;		/* transfer encoding of the part */
	int crlf;		/* 1 when the raw content uses CRLF line ends */
	int is_html;		/* text was rendered from HTML */
	size_t raw_start;	/* encoded content (body) or whole header field */
	size_t raw_end;		/*   (name through final line end) in the raw message */
	char *source;		/* decoded UTF-8 content before HTML rendering */
	size_t source_len;
	char *text;		/* UTF-8 text that is scanned (== source unless HTML) */
	size_t text_len;
	size_t *map;		/* NULL, or text_len+1 entries: text offset -> source offset */
	/* added by the walk's author (mime): */
	size_t *map_end;	/* NULL, or text_len+1 entries: text byte i came from
				   source [map[i], map_end[i]) (see html_text.h) */
	char decode_charset[48]; /* charset actually used: "" = UTF-8, else an iconv
				   name ("ISO-8859-1" for the Latin-1 fallback) */
	int charset_fallback;	/* secm_cs_fallback: 0 exact, 1 bad bytes became
				   U+FFFD, 2 unknown label read as UTF-8, 3 as Latin-1 */
	/* added for splicing (splice): body units only, else NULL/0 */
	size_t *seg_src;	/* nseg+1 source offsets of safe line starts */
	size_t *seg_dec;	/* the same points in the transfer-decoded bytes
				   (see secm_charset_to_utf8_map) */
	size_t nseg;
	/* added for other carriers (carriers): */
	int in_signed;		/* inside a multipart/signed: changing it breaks
				   the signature */
	int no_redact;		/* the text cannot be put back in place (TNEF
				   strings): a finding here needs the fallback */
	/* added for the remove fallback (carriers2): no_redact units of a
	 * MIME leaf (archive members, TNEF text) */
	size_t part_start;	/* start of the leaf's header block in raw (the
				   part is [part_start, raw_end)); 0 = unknown or
				   the message header (cannot be removed) */
	char attachment[128];	/* file name of that MIME attachment, "" if none */
	/* uuencoded blocks inside a text/plain body (carriers2): the decoded
	 * file (text-like only) is a unit of its own, path "<part>.uu<n>",
	 * filename from the begin line, cte SECM_CTE_UUENCODE, placed right
	 * after its parent with an empty raw range at the parent's raw_end.
	 * Redaction re-encodes the block and splices it over
	 * parent source [uu_start, uu_end) (redact.h) */
	size_t uu_parent;	/* 0, or 1 + index of the text unit holding it */
	size_t uu_start, uu_end; /* the block in the parent's source: "begin"
				   line through the "end" line's line end */
} secm_unit;

typedef struct secm_walk {
	secm_unit *units;
	size_t n;
	size_t cap;
	size_t body_start;	/* offset of the first body byte in raw (after the blank line) */
	unsigned int parts;	/* MIME parts seen */
	unsigned int unscannable; /* leaves not scanned (binary attachments etc.) */
	secm_limit_kind limit_hit; /* first bound exceeded, or SECM_LIMIT_NONE */
	char limit_path[64];	/* part where it was hit */
	/* added by the walk's author (mime): */
	int parse_failed;	/* GMime could not read a message (no header),
				   or the header runs to the end of the input
				   and holds lines that are not header fields
				   (CR-only line ends, text without a colon):
				   the whole input is one text/plain unit "1" */
	/* added for other carriers (carriers); also counted in unscannable
	 * where the content itself is not scanned: */
	unsigned int encrypted;	/* multipart/encrypted, S/MIME enveloped-data
				   and opaque signed-data: content not readable */
	unsigned int signed_parts; /* multipart/signed containers */
	unsigned int partial;	/* message/partial fragments (scanned as text,
				   but the whole message is never seen) */
	unsigned int tnef;	/* application/ms-tnef (winmail.dat) parts: parsed by
				   tnef.c (body, RTF body, attachments); a stream
				   that does not parse falls back to its text runs */
	/* added for archives (archives, see archive_scan.h): */
	unsigned int archive_members;	/* archive members seen */
	unsigned int archive_encrypted;	/* encrypted members (not scanned) */
	unsigned int archive_corrupt;	/* unreadable archives or members */
	size_t archive_bytes;		/* bytes extracted from archives */
} secm_walk;

/* secm_mime_init - call g_mime_init once, before threads start */
void secm_mime_init(void);

/* secm_mime_walk - fill w (zeroed by the caller) from raw[0..len).
 * lim NULL = SECM_WALK_DEFAULT_* (and SECM_ARCHIVE_DEFAULT_* for the
 * archive fields); a 0 field = no bound on that count.
 * Depth: the top-level body is depth 1, each multipart child and each
 * message/rfc822 body one more.  Header units come first, in raw order.
 * text == source (same pointer) except for HTML and format=flowed units.
 * Returns 0 (check w->limit_hit), SECM_ENOMEM, or SECM_ELIMIT for input
 * over 4 GiB.  Input GMime cannot read as a message at all is not an error:
 * it becomes one text unit over all bytes and w->parse_failed is set. raw must outlive nothing: units
 * own copies of their text. */
int secm_mime_walk(const unsigned char *raw, size_t len,
		   const secm_walk_limits *lim, secm_walk *w, secm_error *err);

/* secm_header_scanned - is a header field with this name (n bytes, any
 * case) scanned: Subject, Comments, Keywords, Thread-Topic, and X-* fields
 * other than well-known machine headers (X-Mailer, X-Spam-*, X-Google-*,
 * X-MS-*, ...); never Received, DKIM-Signature, ARC-*, Authentication-Results */
int secm_header_scanned(const char *name, size_t n);

/* secm_walk_free - free units (wiping text); w itself is caller's */
void secm_walk_free(secm_walk *w);

#endif
