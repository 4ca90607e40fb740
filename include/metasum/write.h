/* Writers: render msum_table values as CSV, TSV, Markdown, JSON, HTML or XLSX.
 *
 * One file per format in src/io/.  Numbers go through one formatter (msum_fmt_num), so digits and
 * NA are decided once.  Writers write to a FILE* they do not close; atomic file output (write to
 * a temporary name, rename into place) is msum_atomic_* below, and msum_write_file() combines
 * the two.  XLSX needs a file name (libxlsxwriter) and goes through msum_write_xlsx().
 *
 * What every format does with a table:
 *  - Metadata: the table's key/value pairs (scale, method, settings, ...) and "metasum_version"
 *    (= MSUM_VERSION, unless the table sets that key itself) appear in every format:
 *    CSV/TSV as leading records "# key,value" / "# key<TAB>value" (opts.meta): readers that
 *    skip comment lines (R read.csv(comment.char = "#"), pandas read_csv(comment="#")) skip
 *    them, a spreadsheet shows key and value in two cells; the value is one guarded field with
 *    line breaks turned into spaces.  Markdown as a list under
 *    the title, JSON as "meta", HTML as a <dl class="meta"> block, XLSX as a "metadata" sheet.
 *  - Missing values: "NA" in CSV/TSV/Markdown/HTML, null in JSON, an empty cell in XLSX.
 *  - Text is UTF-8 on output whatever came in: invalid bytes become U+FFFD in every format;
 *    C0 control characters (other than TAB/LF/CR) and DEL become U+FFFD, except in JSON, which
 *    escapes them as \u00XX.
 *  - Formula guard (CSV, TSV, XLSX; OWASP "CSV injection"): a text cell or header for which
 *    msum_formula_risky() holds gets a leading apostrophe, so "=cmd|' /C calc'!A0" is written
 *    as "'=cmd|' /C calc'!A0" and no spreadsheet evaluates it.  Numeric columns are never
 *    guarded.  opts.formula_guard = 0 turns the guard off (for machine consumers).  Every
 *    CSV/TSV/XLSX metasum writes (every command, the report) decides with that one function.
 *  - Markdown escapes \ ` * _ [ ] < > | ~ with a backslash and & as &amp;; a line break in a
 *    cell becomes <br>.  HTML escapes & < > " ' everywhere (text and attributes).
 */
#ifndef METASUM_WRITE_H
#define METASUM_WRITE_H

#include <stddef.h>
#include <stdio.h>

#include "metasum/table.h"

typedef enum {
    MSUM_FMT_CSV, MSUM_FMT_TSV, MSUM_FMT_MARKDOWN, MSUM_FMT_JSON, MSUM_FMT_HTML, MSUM_FMT_XLSX,
    MSUM_FMT_TEXT /* for a person at a terminal: msum_write_text */
} msum_format;

typedef struct {
    int digits;        /* significant digits for numbers (every format); 0 = shortest round trip;
                          text format: decimals, as metafor's digits (1 to 12, else 4) */
    int header;        /* write the header row (CSV/TSV) */
    int meta;          /* write the metadata (CSV/TSV: leading "# key,value" records; the
                          other formats always carry it) */
    int formula_guard; /* apostrophe before formula-like text in CSV/TSV/XLSX (see above) */
    int names;         /* CSV/TSV without meta: one "# table,NAME" record before the header,
                          so a stream of several tables says which is which (docs/tables.md) */
} msum_write_opts;

#define MSUM_WRITE_OPTS_DEFAULT {7, 1, 1, 1, 0}

/* Format a number: NaN -> "NA", +-Inf -> "Inf"/"-Inf", otherwise %.{digits}g in the C locale
 * (digits 0: the shortest text that reads back as the same double).  -0 prints as 0.
 * Integer columns (MSUM_COL_INT) are always printed with digits 0.
 * Returns the length written (buf always NUL-terminated when size > 0). */
int msum_fmt_num(double v, int digits, char *buf, size_t size);

/* The spreadsheet formula guard: 1 when a spreadsheet could read text s (len bytes, UTF-8) as
 * a formula, so a writer must put an apostrophe before it.  That is when s starts with TAB or
 * CR, or when its first character after leading whitespace (space, TAB, LF, VT, FF, CR,
 * U+00A0, U+3000) is = + - @ or a full-width form of one (U+FF1D, U+FF0B, U+FF0D, U+FF20),
 * unless the rest is a plain decimal number ("-0.5", " +1e-3"): a spreadsheet reads that as
 * the number, which runs nothing, and an apostrophe would turn a value into text. */
int msum_formula_risky(const char *s, size_t len);

/* An estimate with its interval for a person to read, "0.49 [0.34, 0.70]": each number with
 * `decimals` decimals (0 to 12) in the C locale, NaN or an infinity as "NA".  Returns the
 * length written (buf always NUL-terminated when size > 0). */
int msum_fmt_ci(double est, double lb, double ub, int decimals, char *buf, size_t size);

/* Format name <-> enum ("csv", "tsv", "md", "json", "html", "xlsx", "text"; "markdown" also
 * parses).
 * msum_format_parse returns 1 on success, 0 for an unknown name. */
const char *msum_format_name(msum_format f);
int msum_format_parse(const char *s, msum_format *out);

/* Write one table as CSV (RFC 4180, CRLF-free: lines end in LF) / TSV (no quoting; TAB, CR
 * and LF inside a text become spaces).  opts may be NULL (defaults).
 * Returns MSUM_OK or MSUM_EIO (the stream's error flag was set). */
int msum_write_csv(const msum_table *t, FILE *fp, const msum_write_opts *o);
int msum_write_tsv(const msum_table *t, FILE *fp, const msum_write_opts *o);

/* A sink (table.h: msum_sink) that writes CSV (f MSUM_FMT_CSV) or TSV (MSUM_FMT_TSV) to fp as
 * the rows come, in the text msum_write_csv/msum_write_tsv give (opts: digits, header is always
 * written, meta, formula_guard; NULL: defaults), in constant memory.  All rows or none: rows
 * that may still be dropped (begin's checked = 0) go straight into fp when it is a regular file
 * not in append mode (dropping cuts the file back to where the table began); to anything else
 * they are kept in memory up to `keep` bytes, past which the sink drops them and asks for them
 * again once they are checked (MSUM_SINK_AGAIN).  Text cells are written as the table writer
 * writes them (invalid UTF-8 and controls as U+FFFD; cells need not be NUL-terminated: a
 * sequence cut by a cell's length is invalid).  end() returns MSUM_EIO when a write failed.
 * Returns MSUM_OK, MSUM_EINVAL or MSUM_ENOMEM (*out zeroed).  msum_csv_sink_free accepts a
 * zeroed sink. */
int msum_csv_sink_new(FILE *fp, msum_format f, const msum_write_opts *o, size_t keep,
                      msum_sink *out);
void msum_csv_sink_free(msum_sink *sink);

/* Markdown (GitHub pipe table): "## title", the metadata as a "- key: value" list, then the
 * table; numeric columns right-aligned.  Returns MSUM_OK or MSUM_EIO. */
int msum_write_md(const msum_table *t, FILE *fp, const msum_write_opts *o);

/* JSON (RFC 8259): one object
 *   {"name": ..., "title": ..., "meta": {key: value, ...},
 *    "columns": [{"name": ..., "type": "text"|"number"|"integer", "description": ...|null}],
 *    "rows": [{column: value, ...}, ...]}
 * Numbers with opts.digits; NaN and +-Inf are null; NA text is null.  Strings escape " \ and
 * every control character, and also < > & and U+2028/U+2029 (safe to embed in a <script>).
 * Returns MSUM_OK or MSUM_EIO. */
int msum_write_json(const msum_table *t, FILE *fp, const msum_write_opts *o);

/* A self-contained HTML page (XHTML-compatible markup, parses as XML) holding one table. */
int msum_write_html(const msum_table *t, FILE *fp, const msum_write_opts *o);

/* Plain text for a person (write_text.c), in the words and digits of R metafor 3.8's print
 * methods (opts.digits = decimals, default 4; p-values below 10^-digits as "<.0001"):
 *  - a table named "pool" with the columns of `metasum pool` (estimate, se, stat, pval, ci_lb,
 *    ci_ub, tau2, QE, ...): one block per row, as print.rma.uni (model and estimator, k,
 *    tau^2 (SE), tau, I^2, H^2, the test for heterogeneity, the model results), then the
 *    estimate with its CI and prediction interval on the measure's scale and, where the table
 *    has them, back-transformed (exp_*, r_*, bt_* columns), then the Q-profile CIs of tau^2,
 *    tau, I^2 and H^2 (as confint.rma).  The group columns (those before "k") head each block.
 *    The pooled table of `metasum pool --method MH|PETO` (columns cmh, zval, ...) prints as
 *    print.rma.mh / print.rma.peto.
 *  - any other table: its title, its metadata (opts.meta) as "key: value" lines, and its
 *    columns aligned (numbers right-aligned with fixed decimals, p-value columns as above),
 *    split into column blocks at most 80 characters wide.
 * Text cells print their UTF-8 (invalid bytes as U+FFFD, control characters as spaces).
 * Returns MSUM_OK or MSUM_EIO. */
int msum_write_text(const msum_table *t, FILE *fp, const msum_write_opts *o);

/* Write one table in the given text format (not XLSX: MSUM_EINVAL). */
int msum_write_table(const msum_table *t, msum_format f, FILE *fp, const msum_write_opts *o);

/* Write n tables in one stream: CSV/TSV/Markdown/text one after the other, separated by a blank
 * line; JSON: one table as the object above, any other number as an array of them (a command
 * always writes the same number of tables, so its JSON has one shape); HTML as one page titled
 * after the first table (or "metasum" when n = 0).  XLSX: MSUM_EINVAL (use msum_write_xlsx). */
int msum_write_tables(const msum_table *const *ts, size_t n, msum_format f, FILE *fp,
                      const msum_write_opts *o);

/* ---- HTML pages built from items (for reports and index pages) ----
 *
 *     msum_html_item items[] = {
 *         {.kind = MSUM_HTML_HEADING, .text = "BCG vaccine", .level = 1},
 *         {.kind = MSUM_HTML_PARAGRAPH, .text = "Random-effects model (REML)."},
 *         {.kind = MSUM_HTML_SVG, .svg = forest_svg, .text = "Figure 1. Forest plot"},
 *         {.kind = MSUM_HTML_TABLE, .table = pooled},
 *         {.kind = MSUM_HTML_LINK, .href = "bcg/index.html", .text = "BCG analysis"},
 *     };
 *     msum_write_html_page(fp, "metasum report", items, 5, NULL);
 *
 * Every text is escaped.  .svg is inserted verbatim: pass markup from the msum_svg_* writers
 * (plot.h), which escape their own labels and carry no ids, so several can share a page.
 * Render a plot into a string with open_memstream(). */
typedef enum {
    MSUM_HTML_HEADING,   /* .text, .level 1-4 (0 means 2) */
    MSUM_HTML_PARAGRAPH, /* .text; line breaks are kept */
    MSUM_HTML_TABLE,     /* .table: title, metadata block, the table (numbers right-aligned);
                            .flags below; .href an optional ';'-separated list of files that
                            hold the table, linked under its title */
    MSUM_HTML_SVG,       /* .svg markup at its natural size, scrolling sideways inside its own
                            box when wider than the page; .text an optional caption */
    MSUM_HTML_LINK,      /* .href (relative or http(s); anything else becomes "#"), .text;
                            .note an optional line of text after the link */
    MSUM_HTML_FINDINGS   /* the findings block (class "findings"): .table a findings table
                            (metasum/findings.h: one sentence a row in column "finding"), or
                            .text when there is none; .level as for a heading */
} msum_html_kind;

/* Flags of a MSUM_HTML_TABLE item, then of a MSUM_HTML_SVG item. */
enum {
    MSUM_HTML_COMPACT = 1,  /* no metadata block; cells never wrap (a short key table) */
    MSUM_HTML_FOLDED = 2,   /* inside a closed <details>, its title the summary */
    MSUM_HTML_UNFOLDED = 4, /* inside an open <details> */
    MSUM_HTML_LEAD = 8,     /* a lead plot: consecutive lead plots stack on the left ... */
    MSUM_HTML_SIDE = 16     /* ... of this one, which ends them and fills the rest of the
                               width (class "lead"; the first screen of a summary page) */
};

typedef struct {
    msum_html_kind kind;
    const char *text;
    const msum_table *table;
    const char *svg;
    const char *href;
    int level;
    const char *note;
    unsigned flags;
} msum_html_item;

/* Text cells of a column named "doi" (or ending in "_doi") that hold a DOI ("10.xxxx/...",
 * optionally with a "doi:" or "https://doi.org/" prefix) are links to https://doi.org/DOI. */

/* Write a complete page: inline CSS, no scripts, no external assets, no timestamps; the footer
 * names the metasum version.  opts may be NULL.  Returns MSUM_OK, MSUM_EINVAL (NULL item
 * field the kind needs) or MSUM_EIO. */
int msum_write_html_page(FILE *fp, const char *title, const msum_html_item *items, size_t n,
                         const msum_write_opts *o);

/* ---- XLSX (libxlsxwriter) ----
 *
 * A sheet "summary" first, then one sheet per table, then a sheet "metadata" (table, sheet,
 * title, key, value rows and the column descriptions).
 *  - summary: the first table's title, then its main numbers.  A table of estimates (columns
 *    estimate, ci_lb, ci_ub; at most 16 rows: a pool result, per-group fits, coefficients) is
 *    turned round: one row per statistic (k, estimate, CI, back-transformed values, test, p,
 *    prediction interval, tau2, I2, Q, estimator), one column per row of the table, headed by
 *    its text cells (the group).  Any other table: its first 10 rows and 10 columns, with a
 *    note naming the sheet that holds it all.  A table named "between" (tests for subgroup
 *    differences) follows as a second block.
 *  - Sheet names come from the table names: characters Excel forbids ([ ] : * ? / \) become
 *    '_', leading/trailing apostrophes are dropped, at most 31 characters, unique ignoring case
 *    ("name~2" ...; "summary" and "metadata" are taken).
 *  - Header row bold and frozen, an autofilter over the table, column widths fitted to the
 *    content as shown (8 to 60 characters).
 *  - Print setup on every sheet: landscape, fitted to one page wide (as many pages down as
 *    needed), the header row repeated on every printed page.
 *  - Numbers are numeric cells holding the full double (16 significant digits; Excel keeps
 *    15) whatever opts.digits says; a display format rounds what is shown: integers "0",
 *    p-value columns (pval, QEp, *_p, *_pval) "0.0000" or "0.00E+00" below 0.0001, percents
 *    (I2, R2, weight) "0.0", proportions (prop_*) "0.0%", variances and standard errors
 *    "0.0000", anything else "0.000".  NA is an empty cell; +-Inf are the texts "Inf"/"-Inf".
 *  - A column named doi (any case) holds hyperlinks to https://doi.org/DOI (a cell that is no
 *    DOI stays text).  Text goes through the formula guard.
 * The file is written to a temporary name in the same folder and renamed into place.
 * Returns MSUM_OK, MSUM_EINVAL, MSUM_ENOMEM or MSUM_EIO (and then no file is left). */
int msum_write_xlsx(const char *path, const msum_table *const *ts, size_t n,
                    const msum_write_opts *o);

/* Write n tables to path in format f, atomically (msum_atomic_*); path "-" is stdout.
 * XLSX goes to msum_write_xlsx (not to stdout: MSUM_EINVAL).  On MSUM_EIO errno holds the
 * cause when the system reported one. */
int msum_write_file(const char *path, const msum_table *const *ts, size_t n, msum_format f,
                    const msum_write_opts *o);

/* A file-name stem from a table or analysis name, safe as one path component on any system:
 * ASCII letters, digits, '-' and '_' are kept, every other run of bytes (including '.', '/',
 * spaces, non-ASCII) becomes one '_', leading and trailing '_' are dropped, at most 64 bytes
 * (and size - 1); an empty result is "table".  "../../x" -> "x", "BCG (RR), REML" ->
 * "BCG_RR_REML".  Returns the length written. */
size_t msum_file_stem(const char *name, char *buf, size_t size);

/* ---- Atomic output ----
 *
 *     msum_atomic *a;
 *     if ((st = msum_atomic_open("out.csv", &a)) != MSUM_OK) return st;
 *     st = msum_write_csv(t, msum_atomic_fp(a), NULL);
 *     if (st != MSUM_OK) { msum_atomic_abort(a); return st; }
 *     return msum_atomic_commit(a);  // MSUM_OK: out.csv complete; otherwise out.csv untouched
 *
 * open creates ".NAME.tmp-PID-N" next to path (mode 0666 minus umask, O_EXCL); commit
 * flushes, checks the stream's error flag, fsyncs, closes and renames over path; on any failure
 * it removes the temporary file.  abort closes and removes it.  Both free the handle.
 * Special targets: "-" is stdout (commit flushes and checks it; it is not closed); an existing
 * path that is not a regular file (/dev/null, /dev/full, a FIFO) is written directly, since it
 * cannot be replaced — commit flushes and closes it and reports errors (ENOSPC on /dev/full is
 * MSUM_EIO).  Such a target is opened without waiting: a FIFO (or a link to one) that no
 * process reads is an error (ENXIO), not a hang.  The temporary file is created with O_EXCL and
 * O_NOFOLLOW, and rename replaces a symbolic link at path instead of following it.
 * On MSUM_EIO from open or commit, errno holds the cause (ENOSPC, EACCES, ENOENT, ...), for
 * messages that say "path: reason". */
typedef struct msum_atomic msum_atomic;

/* Returns MSUM_OK, MSUM_EINVAL (NULL/empty path), MSUM_ENOMEM or MSUM_EIO (cannot create). */
int msum_atomic_open(const char *path, msum_atomic **out);
FILE *msum_atomic_fp(msum_atomic *a);
/* The temporary name being written (the target itself for stdout and special files). */
const char *msum_atomic_tmpname(const msum_atomic *a);
/* Returns MSUM_OK or MSUM_EIO (write, flush, sync, close or rename failed; nothing left). */
int msum_atomic_commit(msum_atomic *a);
/* Discard everything written; accepts NULL; errno is left as it was. */
void msum_atomic_abort(msum_atomic *a);

/* ---- Whole folders: build beside, swap in ----
 *
 * A folder of outputs is built under a fresh name beside its target and then put in place with
 * msum_dir_replace, so readers see the previous folder or the complete new one.  On MSUM_EIO
 * errno holds the cause.
 *
 * msum_tree_remove: remove path and, when it is a folder, everything in it.  Symbolic links are
 * removed, never followed (sub-folders are opened with openat + O_NOFOLLOW).  A missing path is
 * MSUM_OK.  Returns MSUM_OK, MSUM_EINVAL or MSUM_EIO (what could be removed is removed).
 *
 * msum_dir_replace: put folder newdir in place of target.  When target exists (it must be a
 * folder, else ENOTDIR) it is renamed aside to "TARGET.old-PID", newdir is renamed to target and
 * the old folder removed; when the second rename fails the old folder is renamed back, so target
 * is either the previous folder or newdir, never a mix.  Both must be on one file system.
 * Returns MSUM_OK, MSUM_EINVAL, MSUM_ENOMEM or MSUM_EIO. */
int msum_tree_remove(const char *path);
int msum_dir_replace(const char *newdir, const char *target);

/* ---- Lock files ----
 *
 * msum_lock_take: take an exclusive lock on the file at path (created when missing, mode 0666
 * minus umask, never through a symbolic link) with fcntl(F_SETLK), and write the process id
 * into it.  The lock ends with the process, so a lock file left by a killed process is taken
 * over.  Returns MSUM_OK and *out; MSUM_EIO with errno EAGAIN when another process holds it
 * (its pid in *holder when known, else 0), or with the cause of an open failure (a path that is
 * not a regular file: EEXIST; a symbolic link: ELOOP); MSUM_EINVAL; MSUM_ENOMEM.  holder may be
 * NULL.  fcntl locks belong to the process: a second take in the same process succeeds.
 * msum_lock_release: remove the file and let go of the lock; accepts NULL. */
typedef struct msum_lock msum_lock;
int msum_lock_take(const char *path, msum_lock **out, long *holder);
void msum_lock_release(msum_lock *l);

#endif
