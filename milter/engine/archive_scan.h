/*
 * archive_scan.h - open archive and document attachments (zip, tar, gzip and
 * whatever else libarchive reads; Office Open XML docx/xlsx/pptx) and turn
 * their text members into scan units.
 *
 * The MIME walk calls secm_archive_part for a leaf that secm_archive_wanted
 * accepts.  Each text member becomes a unit of kind SECM_UNIT_MEMBER:
 *   path     "<part>/<member>", nested archives add "/<member>" again
 *            ("2/conf.zip/app/.env"), cut to fit secm_unit.path; control
 *            bytes in member names read '?'
 *   filename the member name (cut to fit)
 *   raw_start, raw_end  the attachment's encoded content in the message
 * A member unit cannot be rewritten in place: redaction never splices it
 * (inspect.c turns a redact verdict on such a finding into quarantine).
 *
 * Members: regular files only.  A member is scanned when its first 64 KiB
 * hold no NUL and are valid UTF-8, or (OOXML) when it is one of the text
 * parts: word/document.xml, headers, footers, footnotes, endnotes,
 * comments; xl/sharedStrings.xml and xl/worksheets/sheet*.xml;
 * ppt/slides/slide*.xml and the notes slides.  Their XML tags are
 * stripped (paragraph, row and break ends become line ends, cells and tabs
 * tabs) and entities decoded, so text split over runs is joined.  Members
 * that are archives themselves (by name or magic) are opened in turn.
 *
 * Limits (config keys in brackets, passed in secm_walk_limits; these
 * defaults apply when the walk gets no limits; 0 = no bound):
 *   depth   [MaximumArchiveDepth 3]     archives inside archives: the
 *           attachment is level 1, a member archive level 2 ...
 *   members [MaximumArchiveMembers 1000] members seen per message
 *   ratio   [MaximumArchiveRatio 100]   extracted bytes of one archive
 *           over its compressed size, checked once it has given 1 MiB
 *   bytes   [MaximumArchiveBytes 64M]   extracted bytes per message
 * Members are streamed in 64 KiB chunks, so a bomb stops at the first
 * chunk over a bound; w->limit_hit = SECM_LIMIT_ARCHIVE (the first bound
 * hit in the message) and reading of that archive stops; the message gets
 * OnArchiveLimit.
 * Encrypted members and unreadable (corrupt) archives or members are
 * counted in w->archive_encrypted / w->archive_corrupt and w->unscannable.
 *
 * Threading: no shared state; one libarchive reader per archive level.
 */
#ifndef SECM_ARCHIVE_SCAN_H
#define SECM_ARCHIVE_SCAN_H

#include <stddef.h>
#include "buf.h"
#include "mime_walk.h"

#define SECM_ARCHIVE_DEFAULT_DEPTH 3
#define SECM_ARCHIVE_DEFAULT_MEMBERS 1000
#define SECM_ARCHIVE_DEFAULT_RATIO 100
#define SECM_ARCHIVE_DEFAULT_BYTES ((size_t)64 << 20)
#define SECM_ARCHIVE_RATIO_FLOOR ((size_t)1 << 20)

typedef struct secm_archive_limits {
	unsigned int max_depth;	/* 0 = no bound */
	unsigned int max_members;
	unsigned int max_ratio;
	size_t max_bytes;
} secm_archive_limits;

/* secm_archive_wanted - is a leaf of this lower-case type and file name an
 * archive or OOXML document (application/zip, application/x-tar, gzip,
 * application/vnd.openxmlformats-officedocument.*, ... or .zip .tar .tgz
 * .tar.gz .gz .docx .xlsx .pptx ...)?  1 or 0. */
int secm_archive_wanted(const char *type, const char *filename);

/* secm_archive_part - decode raw[start, end) with cte and append a unit to
 * w for every text member (see above); path is the MIME part path.  lim
 * NULL = defaults.  An unreadable archive is counted, not an error.
 * Returns 0 or SECM_ENOMEM. */
int secm_archive_part(secm_walk *w, const char *path, const char *type,
		      const char *filename, secm_cte cte,
		      const unsigned char *raw, size_t start, size_t end,
		      const secm_archive_limits *lim);

/* secm_archive_units - the same for already decoded bytes (tests) */
int secm_archive_units(secm_walk *w, const char *path, const char *type,
		       const char *filename, const unsigned char *data,
		       size_t len, size_t raw_start, size_t raw_end,
		       const secm_archive_limits *lim);

/* secm_xml_text - append the text of XML p[0..len) to out (tags removed,
 * entities decoded, block ends as line ends).  0 or SECM_ENOMEM. */
int secm_xml_text(const char *p, size_t len, secm_buf *out);

/* secm_member_path - "prefix/name" into out (outlen bytes), control bytes
 * as '?', cut at a UTF-8 character boundary to fit */
void secm_member_path(char *out, size_t outlen, const char *prefix,
		      const char *name);

#endif
