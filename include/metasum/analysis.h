/* The analysis layer: a spec (what to compute, on which file, how) and a dataset in, a result
 * (tables and plots) out.  No argv, no stderr, no exit codes: problems go to an msum_diags and
 * the return value is an MSUM_* status.
 *
 *     CSV/XLSX -reader-> dataset -analysis(spec)-> result {tables, plots} -writer(format)-> files
 *                                      ^
 *          CLI argv -> spec -----------+      manifest row -> spec (report)      C caller -> spec
 *
 * One table of fields (msum_settings) names every setting once: its manifest column, its
 * command-line option (--NAME, and a short form where it has one), which kinds take it, its
 * default and its help line.  The CLI's option parser, `metasum help options`, every command's
 * --help and the report's manifest reader all walk that table, so a setting is spelled, parsed,
 * defaulted and explained the same everywhere.  docs/ARCHITECTURE.md draws the layout. */
#ifndef METASUM_ANALYSIS_H
#define METASUM_ANALYSIS_H

#include <stddef.h>

#include "metasum/metasum.h"
#include "metasum/reader.h"
#include "metasum/table.h"

/* ---- kinds ------------------------------------------------------------------------------- */

typedef enum {
    MSUM_KIND_EFFECTS = 0, /* escalc per row */
    MSUM_KIND_POOL,        /* rma.uni / rma.mh / rma.peto, one fit per --by group */
    MSUM_KIND_COMPARE,     /* subgroups, tests for subgroup differences, meta-regression */
    MSUM_KIND_SUMMARIZE,   /* synthesis without meta-analysis (vote counts, evidence map) */
    MSUM_KIND_BIAS,        /* regtest, ranktest, trimfill, fsn */
    MSUM_KIND_SENSITIVITY, /* leave1out, cumul, influence */
    MSUM_KIND_TABLE,       /* the CSV itself as a table (dictionaries, references) */
    MSUM_NKINDS
} msum_kind;

/* Bits of msum_setting.kinds: the analysis kinds, then the two commands that are not kinds. */
#define MSUM_KBIT(k) (1u << (k))
#define MSUM_CMD_VALIDATE (1u << MSUM_NKINDS)
#define MSUM_CMD_REPORT (1u << (MSUM_NKINDS + 1))

/* "pool" -> MSUM_KIND_POOL; returns 1, or 0 for an unknown name. */
int msum_kind_parse(const char *name, msum_kind *out);
const char *msum_kind_name(msum_kind k);

/* ---- the spec ---------------------------------------------------------------------------- */

/* What to compute.  Text fields: NULL or "" = not given (the kind's default).  Lists are
 * comma-separated (the manifest's ';' is turned into ',' by msum_spec_set).  Numbers: NaN =
 * not given; integers: -1 = not given; flags 0/1.  Set fields directly from C, or by name with
 * msum_spec_set(), which checks the value as the CLI and the manifest do. */
typedef struct msum_spec {
    msum_kind kind;
    const char *id, *title;   /* report: folder name and page heading */
    const char *dataset;      /* the data file (path as given; tables name it so) */
    const char *basedir;      /* a relative dataset is read from this folder (NULL: as is) */
    const char *origin;       /* where the spec came from, for messages: the manifest file */
    long line;                /* ... and its line (0: the command line) */

    /* which rows, and how they are read */
    const char *filter; /* "COL=VAL;COL2=VAL2": rows where every COL equals its VAL */
    const char *by;     /* "COL,COL": one result per distinct combination */
    msum_read_opts read; /* --col (read.columns), --delim, --decimal, --sheet, --missing */
    int missing_set;     /* --missing was given */

    /* the model */
    const char *measure;  /* MD, SMD, RR, ...; effects: a list, one per family */
    const char *method;   /* tau2 estimator (REML ...), or MH / PETO for pool */
    const char *test;     /* z, t, knha, adhoc */
    double level;         /* confidence level in (0, 1) */
    double threshold;     /* Fisher scoring stopping rule (metafor control threshold) */
    int maxiter;
    double step_adj;
    const char *pi_type;  /* default, riley */
    int no_fallback;

    /* effects */
    double add;           /* continuity correction */
    const char *to;       /* only0, all, if0all, none */
    double ci_level;      /* level of the CIs generic rows report */

    /* pool */
    int weights;          /* per-study weights table instead of pooled rows */
    int ci_text;          /* an "0.49 [0.34, 0.70]" column */
    double mh_add;        /* MH/Peto cell correction */
    const char *mh_to;
    int no_drop00, mh_drop00, no_correct;

    /* compare */
    const char *mods, *newmods, *ref_level, *pairs;
    const char *table;    /* which tables (compare, summarize) */

    /* summarize */
    const char *outcomes; /* outcome dictionary; NULL: outcomes.csv beside the dataset */
    int per_row;
    int gaps;             /* evidence map: keep the cells without evidence */

    /* bias */
    const char *model, *predictor, *estimator, *side;
    double alpha, target;

    /* sensitivity */
    const char *analysis; /* leave1out, cumul, influence */
    const char *order;    /* cumul: the ordering column */
    int decreasing;

    /* plots */
    const char *plots;    /* plot names, "forest,funnel" (the CLI: NAME=FILE entries) */
    const char *favours;  /* "LEFT,RIGHT" */
    const char *sort;     /* forest rows: input, effect, weight */

    /* output (the writers' settings; the analysis records them in table metadata) */
    const char *formats;  /* csv, tsv, md, json, html, text, xlsx (the manifest: a list) */
    const char *output;
    int digits;
    int meta;             /* CSV/TSV: leading '# key,value' lines */

    /* validate and report */
    const char *refs, *sources, *preparations, *source_text;
    int quiet, allow_outside;

    void *owned_; /* strings msum_spec_set copied (freed by msum_spec_clear) */
} msum_spec;

/* Every field "not given"; kind MSUM_KIND_EFFECTS. */
void msum_spec_init(msum_spec *s);
/* Free what msum_spec_set copied; the spec is then as after msum_spec_init. */
void msum_spec_clear(msum_spec *s);

/* ---- the field table --------------------------------------------------------------------- */

typedef enum {
    MSUM_SETTING_TEXT,    /* any text */
    MSUM_SETTING_WORD,    /* one of `words` */
    MSUM_SETTING_WORDS,   /* comma list of `words` */
    MSUM_SETTING_LIST,    /* comma list of anything (repeatable: appended) */
    MSUM_SETTING_NUMBER,  /* a finite number in [lo, hi] */
    MSUM_SETTING_INT,     /* an integer in [lo, hi] */
    MSUM_SETTING_LEVEL,   /* 0.95 or 95 */
    MSUM_SETTING_FLAG,    /* 1 when given (manifest: 1, yes, true) */
    MSUM_SETTING_MEASURE, /* a measure name (or a list for effects) */
    MSUM_SETTING_METHOD,  /* a tau2 estimator, or MH / PETO */
    MSUM_SETTING_TEST,    /* z, t, knha, adhoc */
    MSUM_SETTING_COLUMNS, /* FIELD=COLUMN mappings (repeatable) */
    MSUM_SETTING_DELIM,   /* , ; tab */
    MSUM_SETTING_DECIMAL, /* . , */
    MSUM_SETTING_MISSING  /* omit, error */
} msum_setting_type;

typedef struct {
    const char *name;    /* spec field and manifest column: "level" */
    const char *option;  /* command-line option: "--level" */
    char shrt;           /* short option letter, or 0 */
    const char *metavar; /* "L"; NULL for flags */
    msum_setting_type type;
    unsigned kinds;      /* MSUM_KBIT(kind) | MSUM_CMD_* that take it */
    const char *words;   /* WORD, WORDS: "z,t,knha,adhoc" */
    double lo, hi;       /* NUMBER, INT */
    const char *dflt;    /* the default as the help shows it, or NULL */
    const char *help;    /* what it does; '\n' starts a continuation line */
    const char *group;   /* help section: "Data", "Model", "Output", ... */
    size_t offset;       /* of the member in msum_spec (read options: in read) */
} msum_setting;

extern const msum_setting msum_settings[];
extern const size_t msum_nsettings;

/* The field named `name` (spec/manifest name, or option without dashes: "col"/"columns"),
 * NULL when there is none. */
const msum_setting *msum_setting_find(const char *name);
/* The field whose option is `opt` ("--level", "-l"); NULL when there is none. */
const msum_setting *msum_setting_option(const char *opt);

/* Set field f of s from the text `value` (a copy is kept), checked as its type says.  A list
 * field given again is appended to.  On a bad value returns MSUM_EINVAL and writes "found
 * '...', expected ..." into err (the caller puts the option or manifest column in front). */
int msum_spec_set(msum_spec *s, const msum_setting *f, const char *value, char *err,
                  size_t errsize);

/* ---- the result -------------------------------------------------------------------------- */

typedef struct {
    msum_table **tables;
    size_t ntables;
    char **plot_names; /* name of each plot: "forest", "funnel", ... */
    char **plots;      /* its SVG markup */
    size_t nplots;
    size_t k_skipped;  /* rows left out (no variance, or a missing value with --missing omit) */
} msum_result;

/* Take ownership of t (or svg); MSUM_ENOMEM (t or svg freed) when it cannot be added or is
 * NULL. */
int msum_result_add_table(msum_result *r, msum_table *t);
int msum_result_add_plot(msum_result *r, const char *name, char *svg_owned);
/* The table (plot) with this name, or NULL. */
const msum_table *msum_result_table(const msum_result *r, const char *name);
const char *msum_result_plot(const msum_result *r, const char *name);
void msum_result_free(msum_result *r);

/* ---- running ----------------------------------------------------------------------------- */

/* Run the analysis s->kind on s->dataset.  Problems (data errors, unknown columns, a filter
 * that matches no row, an unknown plot name) go to diags, positioned at the file (data) or at
 * s->origin:s->line naming the manifest column (spec); warnings too.
 *
 * One rule for every kind: a bad setting is MSUM_EINVAL, bad data is MSUM_EDATA (the CLI exits
 * 2, usage, and 1, data).  A bad setting is one whose diagnostic names the setting (its
 * `column` is the setting's name): an unknown or malformed value, settings that exclude each
 * other, a plot the kind does not draw, a column named by a setting (by, order, mods) that the
 * file lacks, rows whose form needs a measure the spec does not give or cannot apply, no
 * dataset.  Bad data is the file's content (a value, a missing required column, nothing left
 * to analyse, a plot the data cannot give), positioned at the file.  When both occur the
 * setting's status wins (the settings are checked first).
 *
 * Returns MSUM_OK, MSUM_EINVAL (a setting), MSUM_EDATA (the data), MSUM_EIO, MSUM_ENOCONV /
 * MSUM_EDOM (numerical), MSUM_ENOMEM.  On failure *out holds what was built so far (free it
 * either way). */
int msum_analysis_run(const msum_spec *s, msum_result *out, msum_diags *diags);

/* Add the result's findings: a table "findings" (one text column `finding`, a sentence per
 * row) generated from its tables (metasum/findings.h), unless the kind made its own.  The
 * report shows them first on each page; the commands do not add them.  MSUM_OK when there is
 * nothing to say. */
int msum_analysis_findings(const msum_spec *s, msum_result *out);

/* Run the analysis s->kind on s->dataset, handing its table to `sink` row by row instead of
 * building it (table.h: msum_sink), so memory does not grow with the rows: kind effects (one
 * row per input row).  All rows or none: every row is checked, and when a problem turns up
 * after rows were handed over, the sink's end() is called with that status (the sink drops
 * them).  A second pass over the file hands the rows again with checked = 1 when --to if0all
 * needs every zero cell first, or when the sink asks (MSUM_SINK_AGAIN); a file that changes
 * between the passes is an error after the fact ("the output is incomplete").  Standard input
 * ("-") is read into memory when it must be read twice.  *skipped (may be NULL): the rows left
 * out (na.omit).  Returns as msum_analysis_run (MSUM_EINVAL for a setting: an unknown or
 * doubled measure, rows that need a measure none was given for), and MSUM_EINVAL for a kind
 * that does not stream. */
int msum_analysis_stream(const msum_spec *s, const msum_sink *sink, msum_diags *diags,
                         size_t *skipped);

/* Is kind k run by the library (msum_analysis_run)? */
int msum_analysis_has(msum_kind k);

#endif
