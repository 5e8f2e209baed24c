/*
 * html_text.h - render HTML (already UTF-8) to plain text for scanning,
 * with a map from every text byte back to the source bytes it came from.
 *
 * Tags are dropped; block tags (<br>, <p>, <div>, <tr>, <li>, headings...)
 * become line breaks and table cells a tab; inline tags (<b>, <span>...)
 * vanish, so "<b>AKIA</b>IOSF" reads "AKIAIOSF".  Named and numeric
 * entities are decoded.  <script> and <style> content is kept verbatim
 * (secrets hide in JavaScript), comments are kept as their own lines, and
 * the values of href/src/action/value/content/data-* attributes are
 * emitted on lines of their own (credentials hide in URLs).  Whitespace
 * right after a tag that broke the line is dropped, as a browser collapses
 * it ("a<br>\nb" reads "a\nb"), except inside <pre> and <textarea>; other
 * text, source newlines included, is kept as written.
 *
 * Map: text byte i came from source [map[i], map_end[i]); both arrays have
 * text_len + 1 entries, the last being source_len.  A text range [s, e)
 * covers source [map[s], map_end[e - 1]).  Offsets never go backwards.
 */
#ifndef SECM_HTML_TEXT_H
#define SECM_HTML_TEXT_H

#include <stddef.h>

/* secm_html_render - render src[0..len) into a new NUL-terminated *text
 * (caller frees after wiping) and new *map / *map_end arrays (caller
 * frees).  0 or SECM_ENOMEM (outputs NULL then). */
int secm_html_render(const char *src, size_t len, char **text,
		     size_t *text_len, size_t **map, size_t **map_end);

/* secm_html_source_range - map text range [s, e) to source [*ss, *se) */
void secm_html_source_range(const size_t *map, const size_t *map_end,
			    size_t text_len, size_t s, size_t e,
			    size_t *ss, size_t *se);

#endif
