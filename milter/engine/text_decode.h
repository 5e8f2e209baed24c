/*
 * text_decode.h - transfer decoding and encoding (base64, quoted-printable,
 * uuencode, identity), charset conversion to UTF-8 and back, line ends.
 *
 * Used by the MIME walk (raw bytes -> UTF-8 text to scan) and by redaction
 * (UTF-8 text -> bytes in the part's charset and transfer encoding).  The
 * step functions are GMime's; iconv descriptors come from GMime's helpers
 * and live only for one call, so everything here is thread-safe.
 */
#ifndef SECM_TEXT_DECODE_H
#define SECM_TEXT_DECODE_H

#include <stddef.h>
#include "buf.h"
#include "mime_walk.h"

/* how secm_charset_to_utf8 read the bytes (see secm_unit.charset_fallback) */
typedef enum secm_cs_fallback {
	SECM_CS_EXACT = 0,	/* declared (or default) charset, all bytes valid */
	SECM_CS_REPLACED = 1,	/* declared charset, invalid bytes became U+FFFD */
	SECM_CS_AS_UTF8 = 2,	/* unknown charset; the bytes were valid UTF-8 */
	SECM_CS_AS_LATIN1 = 3	/* unknown charset or undeclared 8-bit: Latin-1 */
} secm_cs_fallback;

/* secm_cte_parse - Content-Transfer-Encoding value (NULL ok) to secm_cte */
secm_cte secm_cte_parse(const char *value);

/* secm_cte_name - "base64", "quoted-printable", "x-uuencode", "7bit" */
const char *secm_cte_name(secm_cte cte);

/* secm_uu_bounds - find the data lines of a uuencoded block in in[0..len):
 * *data_start after the "begin" line (0 without one), *data_end at the
 * terminating "`"/" "/"end" line (len without one).  uu_name (may be NULL)
 * receives the file name from the begin line, "" if none. */
void secm_uu_bounds(const unsigned char *in, size_t len, size_t *data_start,
		    size_t *data_end, char *uu_name, size_t uu_name_len);

/* secm_cte_decode - append the decoded form of in[0..len) to out.
 * Malformed input is decoded as far as possible, never an error.
 * uu_name as for secm_uu_bounds (uuencode only).  0 or SECM_ENOMEM. */
int secm_cte_decode(secm_cte cte, const unsigned char *in, size_t len,
		    secm_buf *out, char *uu_name, size_t uu_name_len);

/* secm_cte_encode - append in[0..len) encoded with cte to out.
 * crlf: line ends to produce; final_eol: end with a line end (1) or not (0).
 * uuencode produces only the data lines and the "`" line: the caller keeps
 * the original begin and end lines.  0 or SECM_ENOMEM. */
int secm_cte_encode(secm_cte cte, const unsigned char *in, size_t len,
		    int crlf, int final_eol, secm_buf *out);

/* secm_charset_canon - charset label to an iconv name this system opens,
 * into name[namelen]; "" for UTF-8/US-ASCII; returns 0, or -1 if unknown. */
int secm_charset_canon(const char *label, char *name, size_t namelen);

/* secm_charset_to_utf8 - append in[0..len) converted to UTF-8 to out.
 * label: declared charset (NULL or "" = undeclared).  used[usedlen]
 * receives the charset actually used ("" = UTF-8, else an iconv name) so
 * that secm_charset_from_utf8(used) reverses it; *how says how.  Invalid
 * bytes never fail the call.  0 or SECM_ENOMEM. */
int secm_charset_to_utf8(const char *label, const unsigned char *in,
			 size_t len, secm_buf *out, char *used,
			 size_t usedlen, secm_cs_fallback *how);

/* secm_charset_to_utf8_map - secm_charset_to_utf8 that also records
 * where it is safe to splice: *seg_src and *seg_dec (malloc'd, *nseg + 1
 * entries each, both starting at 0 and ending at the output and input
 * lengths) are the UTF-8 and decoded-byte offsets of line starts at which
 * the conversion is in its initial state (every line for stateless
 * ASCII-compatible charsets; for ISO-2022-JP lines that end in ASCII; one
 * segment for charsets that cannot be split).  The text in out is the same
 * as secm_charset_to_utf8's.  0 or SECM_ENOMEM. */
int secm_charset_to_utf8_map(const char *label, const unsigned char *in,
			     size_t len, secm_buf *out, char *used,
			     size_t usedlen, secm_cs_fallback *how,
			     size_t **seg_src, size_t **seg_dec, size_t *nseg);

/* a point inside one segment where the decoded bytes can be cut */
typedef struct secm_cs_cut {
	size_t dec;		/* offset in the decoded bytes */
	size_t utf;		/* offset in the UTF-8 text */
	size_t st_off, st_len;	/* ISO-2022-JP: the designation in force at dec
				   (bytes of the decoded input); st_len 0 = ASCII */
} secm_cs_cut;

/* secm_charset_cuts - character boundaries of one segment: dec[0..dlen)
 * read with charset used ("" = UTF-8 with invalid bytes as U+FFFD) gives
 * exactly utf[0..ulen), starting in the initial state.  *cuts (malloc'd,
 * *ncuts entries, the first at 0/0, the last at dlen/ulen, zero-width
 * shift sequences giving two cuts with the same utf) lets a caller keep
 * the bytes around a replaced range verbatim.  0, SECM_ENOMEM, or
 * SECM_ECHARSET when the charset cannot be mapped this way (other stateful
 * charsets) or the characters do not reproduce utf. */
int secm_charset_cuts(const char *used, const unsigned char *dec, size_t dlen,
		      const unsigned char *utf, size_t ulen,
		      secm_cs_cut **cuts, size_t *ncuts);

/* secm_charset_is_jis - used names the ISO-2022-JP family */
int secm_charset_is_jis(const char *used);

/* secm_charset_from_utf8 - append UTF-8 in[0..len) converted to charset
 * used (from secm_charset_to_utf8; "" = UTF-8) to out; characters the
 * charset cannot hold become '?'.  0, SECM_ENOMEM or SECM_ECHARSET. */
int secm_charset_from_utf8(const char *used, const unsigned char *in,
			   size_t len, secm_buf *out);

/* secm_header_decode_tolerant - decode RFC 2047 encoded words in the
 * unfolded header value (NUL-terminated) one by one and append UTF-8 to
 * out: a malformed word stays as it is written and does not swallow the
 * next one (GMime's decoder can); adjacent words of one charset are joined
 * before conversion (a character split across words survives); text
 * outside words is read as UTF-8, else Latin-1.  0 or SECM_ENOMEM. */
int secm_header_decode_tolerant(const char *value, secm_buf *out);

/* secm_utf8_valid_prefix - length of the longest valid UTF-8 prefix
 * (NUL counts as valid) */
size_t secm_utf8_valid_prefix(const unsigned char *p, size_t len);

/* secm_flowed_unwrap - read text/plain; format=flowed (RFC 3676) src[0..len)
 * (UTF-8) as the reader sees it: a soft line break (a line ending in a
 * space, other than the signature separator "-- ", followed by a line of
 * the same quote depth) is joined, the next line's quote marks and
 * stuffing space dropped, and with delsp the trailing space too; a space
 * stuffed before a line that starts with a space, "From " or ">" is
 * dropped.  *text (NUL-terminated, caller frees) and *map / *map_end
 * (text_len + 1 entries, as in html_text.h: text byte i came from
 * src[map[i], map_end[i])) are set only when something changed; otherwise
 * all three stay NULL.  0 or SECM_ENOMEM. */
int secm_flowed_unwrap(const char *src, size_t len, int delsp, char **text,
		       size_t *text_len, size_t **map, size_t **map_end);

/* secm_lf_to_crlf - append in with every bare LF turned into CRLF */
int secm_lf_to_crlf(const unsigned char *in, size_t len, secm_buf *out);

/* secm_crlf_to_lf - append in with every CRLF turned into LF */
int secm_crlf_to_lf(const unsigned char *in, size_t len, secm_buf *out);

#endif
