/*
 * layers.h - decoding layers: extra texts derived from one unit's text that
 * are scanned in addition to it, each with a map back to the unit text so a
 * finding in a layer is reported (and redacted) as a range of the unit text.
 *
 * Layers (each built only when a cheap test says it can apply):
 *   nfkc     full-width and other compatibility characters (ｐａｓｓ１２,
 *            U+3000, ligatures, circled digits) NFKC-normalised, one
 *            character (with its combining marks) at a time;
 *   base64   runs of >= 40 base64 (or base64url) characters, folded over
 *            lines (indented or '>'-quoted) when each line but the last is
 *            >= 40 characters, that decode to printable UTF-8 text (at
 *            most 2% control characters; runs of hex digits are never
 *            decoded); the decoded blobs one after another, separated by
 *            a newline.  A finding maps to the 4-character quanta holding
 *            it: redaction replaces those (with the line breaks between
 *            them) and leaves the rest of the blob as it was;
 *   percent  %XX sequences decoded ('+' is left alone);
 *   json     JSON string escapes decoded (\n \" \/ \\ \t \r \b \f \uXXXX
 *            with surrogate pairs), so a PEM key in a service-account
 *            JSON reads as a PEM block;
 *   quote    reply lines with their '>' quote prefixes removed, so a PEM
 *            block or a folded token quoted in a reply reads whole; built
 *            only when a quoted line holds "BEGIN " or ends in a run of
 *            >= 20 token characters with another quoted line after it.
 *
 * The nfkc, percent, json and quote layers hold only the lines they change
 * (the plain scan has seen the others as they are), so a layer costs what
 * it decodes, not the size of the text.
 *
 * Map: a layer is a sequence of segments covering it.  A copy segment maps
 * byte for byte; an atom segment (one decoded escape or character) maps as
 * a whole to the source bytes it came from; a base64 segment maps whole
 * 4-character quanta (3 decoded bytes each) to the source characters that
 * hold them, so a redaction replaces only the quanta covering the secret
 * (never part of a quantum).  secm_layer_map turns a layer range into the
 * smallest unit-text range that produced it.
 *
 * Bounds: a layer is never longer than 3 x the text plus 16 bytes (NFKC
 * can grow a text; the others only shrink it); base64 decoding is bounded
 * per message by secm_layer_budget (blob count and decoded bytes).
 *
 * Threading: no shared state; layers and budgets belong to the caller.
 * Layer text holds mail and is wiped when freed.
 */
#ifndef SECM_LAYERS_H
#define SECM_LAYERS_H

#include <stddef.h>

typedef enum secm_layer_kind {
	SECM_LAYER_NFKC = 0,
	SECM_LAYER_BASE64,
	SECM_LAYER_PERCENT,
	SECM_LAYER_JSON,
	SECM_LAYER_QUOTE,
	SECM_LAYER_COUNT
} secm_layer_kind;

typedef enum secm_seg_kind {
	SECM_SEG_COPY = 0,	/* layer byte i <- source byte src + i */
	SECM_SEG_ATOM,		/* whole layer range <- whole source range */
	SECM_SEG_BASE64		/* decoded bytes of one blob, by 4-char quanta */
} secm_seg_kind;

typedef struct secm_layer_seg {
	size_t off, len;	/* range in the layer text */
	size_t src, src_len;	/* range in the unit text */
	secm_seg_kind kind;
} secm_layer_seg;

typedef struct secm_layer {
	secm_layer_kind kind;
	char *text;		/* the layer; NULL when the layer does not apply */
	size_t len;
	secm_layer_seg *segs;	/* sorted, contiguous, covering [0, len) */
	size_t nsegs, cap;
	const char *src;	/* borrowed unit text (base64 quanta are found in it) */
	size_t src_len;
} secm_layer;

/* per-message bounds on base64 decoding (see SECM_LAYER_MAX_*) */
typedef struct secm_layer_budget {
	unsigned int blobs;	/* text blobs that may still be kept and scanned */
	size_t b64_bytes;	/* bytes that may still be decoded (kept or not) */
} secm_layer_budget;

/* A message rarely holds more than a few pasted blobs; 64 text blobs and
 * 1 MiB of decoding per message keep the cost of a hostile message bounded
 * (the limits are constants, not configuration: they only bound extra
 * scanning, they never decide a verdict).  Runs of hex digits are never
 * decoded; other runs that decode to binary (PEM bodies, hashes in
 * base64) use up bytes but not blobs. */
#define SECM_LAYER_MAX_BLOBS 64u
#define SECM_LAYER_MAX_B64_BYTES ((size_t)1 << 20)
/* a run shorter than this is not treated as a base64 blob */
#define SECM_LAYER_MIN_B64 40

/* secm_layer_budget_init - a fresh per-message budget */
void secm_layer_budget_init(secm_layer_budget *b);

/* secm_layer_name - "nfkc", "base64", ... */
const char *secm_layer_name(secm_layer_kind k);

/* secm_layer_build - build layer kind of text[0..len) into out (zeroed by
 * the caller or freed before).  Returns 0 with out->text NULL when the
 * layer does not apply (nothing to decode, or nothing changed), 0 with the
 * layer, or SECM_ENOMEM.  budget may be NULL (no base64 bound beyond the
 * per-call constants).  text must outlive out. */
int secm_layer_build(secm_layer_kind kind, const char *text, size_t len,
		     secm_layer_budget *budget, secm_layer *out);

/* secm_layer_map - unit-text range [*ustart, *uend) that produced layer
 * range [start, end); 0, or SECM_EINTERNAL for an empty or outside range */
int secm_layer_map(const secm_layer *l, size_t start, size_t end,
		   size_t *ustart, size_t *uend);

/* secm_layer_free - wipe and free; NULL is fine; *l is zeroed */
void secm_layer_free(secm_layer *l);

#endif
