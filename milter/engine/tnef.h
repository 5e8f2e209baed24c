/*
 * tnef.h - read a TNEF stream (application/ms-tnef, winmail.dat) and turn
 * the text it carries into scan units.
 *
 * The MIME walk decodes the part and calls secm_tnef_units.  The stream
 * is parsed strictly (signature 0x223E9F78, legacy key, then attributes:
 * level byte 1 = message or 2 = attachment, 32-bit id, 32-bit length,
 * data, 16-bit checksum = sum of the data bytes mod 65536, verified), and
 * these become units of kind SECM_UNIT_MEMBER, no_redact set, raw range =
 * the whole MIME part (so a finding gets the archive fallback: quarantine,
 * or with ArchiveFallback remove the part is replaced):
 *   "<part>/<tnef name>/body"       plain body: PR_BODY (PT_STRING8 or
 *                                    PT_UNICODE) in attMAPIProps, else
 *                                    attBody; attBody as "body.legacy"
 *                                    too when both are 8-bit and differ
 *   "<part>/<tnef name>/body.rtf"   PR_RTF_COMPRESSED: LZFu or MELA
 *                                    decompressed, RTF control words
 *                                    stripped (CRC not checked)
 *   "<part>/<tnef name>/body.html"  PR_HTML (0x1013), tags rendered
 *   "<part>/<tnef name>/<file>"     an attachment (attAttachRendData starts
 *                                    one): name from PR_ATTACH_LONG_FILENAME,
 *                                    else attAttachTitle, else
 *                                    "attachment<n>"; content from
 *                                    attAttachData, else PR_ATTACH_DATA_BIN.
 *                                    Scanned when text_like says so; archives
 *                                    (secm_archive_wanted) are opened with
 *                                    secm_archive_units; others are counted
 *                                    in w->unscannable.
 * <tnef name> is the MIME part's file name, "winmail.dat" when it has none.
 * 8-bit strings use the stream's attOemCodepage (CP<n>), else the walk's
 * default (UTF-8, Latin-1 fallback).  Embedded messages (PT_OBJECT
 * attachment data) are not opened: each counts in w->unscannable.
 *
 * Hostile input: every length is checked against the bytes left; at most
 * SECM_TNEF_MAX_ATTRS attributes, SECM_TNEF_MAX_ATTACH attachments,
 * SECM_TNEF_MAX_PROPS properties per MAPI block and values per property;
 * decompressed RTF at most SECM_TNEF_MAX_RTF bytes.
 * A stream that breaks any rule (bad signature, a length past the end, a
 * wrong checksum, unknown level or MAPI type, a bound exceeded) is not
 * trusted at all: no unit comes from its parse; instead the part is counted
 * in w->unscannable and its text runs (8 or more bytes without control
 * characters, one per line) become one no_redact unit of kind
 * SECM_UNIT_BODY with the part's own path, so nothing passes unscanned.
 *
 * Threading: no shared state.  Units own copies; data is borrowed.
 */
#ifndef SECM_TNEF_H
#define SECM_TNEF_H

#include <stddef.h>
#include "archive_scan.h"
#include "mime_walk.h"

#define SECM_TNEF_SIGNATURE 0x223E9F78u
#define SECM_TNEF_MAX_ATTRS 10000
#define SECM_TNEF_MAX_ATTACH 1000
#define SECM_TNEF_MAX_PROPS 10000
#define SECM_TNEF_MAX_RTF ((size_t)16 << 20)

/* is an attachment inside the stream text (file name, content)?  1 or 0 */
typedef int (*secm_tnef_text_fn)(const char *name, const unsigned char *p,
				 size_t len);

/* where the TNEF part sits in the message */
typedef struct secm_tnef_part {
	const char *path;	/* MIME part path, "2" */
	const char *type;	/* lower-case content type (for the fallback unit) */
	const char *filename;	/* MIME file name, "winmail.dat"; NULL or "" ok */
	secm_cte cte;		/* the part's transfer encoding */
	int crlf;		/* its line ends */
	int in_signed;		/* under a multipart/signed */
	size_t raw_start, raw_end; /* its encoded content in the message */
	secm_tnef_text_fn text_like; /* NULL: no NUL and UTF-8 in 64 KiB */
	const secm_archive_limits *alim; /* for archives inside; NULL = defaults */
} secm_tnef_part;

/* secm_tnef_units - append the units of the decoded TNEF data[0..len) to
 * w (see above).  Returns SECM_OK (also for a stream that could not be
 * parsed: it got the fallback) or SECM_ENOMEM. */
int secm_tnef_units(secm_walk *w, const secm_tnef_part *part,
		    const unsigned char *data, size_t len);

/* secm_tnef_rtf_decompress - MS-RTFCOMPRESSED ("LZFu" or "MELA") in
 * p[0..len) to the RTF bytes, appended to out (at most max bytes).
 * 0, 1 when the data is not a compressed RTF stream, or SECM_ENOMEM. */
int secm_tnef_rtf_decompress(const unsigned char *p, size_t len, size_t max,
			     secm_buf *out);

/* secm_tnef_rtf_text - the text of RTF p[0..len) as UTF-8 appended to out:
 * control words dropped (\par, \line as line ends, \tab, \'hh as
 * Windows-1252, \uN), destinations such as \fonttbl and {\*...} skipped,
 * \htmlrtf spans skipped.  0 or SECM_ENOMEM. */
int secm_tnef_rtf_text(const unsigned char *p, size_t len, secm_buf *out);

#endif
