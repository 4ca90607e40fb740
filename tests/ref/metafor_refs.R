#!/usr/bin/env Rscript
# Reference values from R's metafor for the metasum test suite.
#
# Run from the repository root:   Rscript tests/ref/metafor_refs.R
# It (re)writes tests/ref/inputs/*.csv (the data every case is computed from, numbers written with
# the shortest decimal string that reads back as the identical double) and
# tests/ref/expected/*.csv (columns case,quantity,value; value "%.12g"; NA = not defined).
# Every expected value is computed from the input CSV *as read back*, so a C test reading the same
# file sees the same numbers.  Calls that metafor refuses (errors) are skipped and listed in
# tests/ref/expected/refused.txt; warnings are listed in tests/ref/expected/warnings.txt.
# Conventions (case and quantity names) follow the project's shared reference README; see the
# file list at the end of tests/ref/PROVENANCE.md.

suppressMessages(library(metafor))

IN <- file.path("tests", "ref", "inputs")
EX <- file.path("tests", "ref", "expected")
if (!dir.exists(file.path("tests", "ref"))) stop("run from the repository root")
dir.create(IN, showWarnings = FALSE, recursive = TRUE)
dir.create(EX, showWarnings = FALSE, recursive = TRUE)

TIGHT   <- list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)
CITIGHT <- list(tol = 1e-12)
METHODS <- c("EE", "FE", "CE", "DL", "HE", "HS", "SJ", "ML", "REML", "PM", "EB")
FIXED   <- c("EE", "FE", "CE")
ITER    <- c("ML", "REML", "PM", "EB")

refused <- character(0)
warned  <- character(0)

# ---------------------------------------------------------------------------------------------
# number formatting and input files

# shortest of %.15g/%.16g/%.17g that reads back as the identical double
num_str <- function(x) {
    vapply(x, function(v) {
        if (is.na(v)) return("NA")
        if (!is.finite(v)) return(if (v > 0) "Inf" else "-Inf")
        for (d in 15:17) {
            s <- sprintf(paste0("%.", d, "g"), v)
            if (as.numeric(s) == v) return(s)
        }
        s
    }, "", USE.NAMES = FALSE)
}

fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.12g", v))

# write a data frame as plain CSV (no quoting: fields must not contain commas or quotes),
# then read it back and return what was read
write_input <- function(df, name) {
    cols <- lapply(df, function(col) {
        if (is.factor(col)) col <- as.character(col)
        if (is.character(col)) {
            if (any(grepl("[,\"]", col))) stop("field needs quoting in ", name)
            ifelse(is.na(col), "NA", col)
        } else if (is.logical(col)) {
            ifelse(is.na(col), "NA", as.character(as.integer(col)))
        } else {
            num_str(as.numeric(col))
        }
    })
    lines <- c(paste(names(df), collapse = ","), do.call(paste, c(cols, sep = ",")))
    path <- file.path(IN, name)
    con <- file(path, "wb")
    writeLines(lines, con, sep = "\n")
    close(con)
    read.csv(path, stringsAsFactors = FALSE)
}

# ---------------------------------------------------------------------------------------------
# recording expected values

OUT <- new.env()
OUT$case <- character(0); OUT$q <- character(0); OUT$v <- character(0)

R <- function(case, q, v) {
    v <- as.numeric(v)
    if (length(v) != 1) stop("R(): ", case, " ", q, " has length ", length(v))
    OUT$case <- c(OUT$case, case); OUT$q <- c(OUT$q, q); OUT$v <- c(OUT$v, fmt(v))
}

flush_expected <- function(name) {
    lines <- c("case,quantity,value", paste(OUT$case, OUT$q, OUT$v, sep = ","))
    con <- file(file.path(EX, name), "wb")
    writeLines(lines, con, sep = "\n")
    close(con)
    OUT$case <- character(0); OUT$q <- character(0); OUT$v <- character(0)
}

# evaluate expr; on error record it as refused and return NULL; collect warnings
safe <- function(label, expr) {
    withCallingHandlers(
        tryCatch(suppressMessages(expr), error = function(e) {
            refused <<- c(refused, paste0(label, ": ", conditionMessage(e)))
            NULL
        }),
        warning = function(w) {
            warned <<- c(warned, paste0(label, ": ", conditionMessage(w)))
            invokeRestart("muffleWarning")
        })
}

rec_escalc <- function(case, d) {
    R(case, "k", nrow(d))
    for (i in seq_len(nrow(d))) R(case, sprintf("yi[%d]", i), d$yi[i])
    for (i in seq_len(nrow(d))) R(case, sprintf("vi[%d]", i), d$vi[i])
}

# everything a fitted rma.uni model reports (see the README for the names)
rec_fit <- function(case, f) {
    if (is.null(f)) return(invisible())
    tstat <- if (f$test == "z") "zval" else "tval"
    R(case, "k", f$k)
    if (f$int.only) {
        R(case, "estimate", f$b[1]); R(case, "se", f$se[1]); R(case, tstat, f$zval[1])
        R(case, "pval", f$pval[1]); R(case, "ci.lb", f$ci.lb[1]); R(case, "ci.ub", f$ci.ub[1])
    } else {
        nm <- rownames(f$b)
        for (j in seq_along(nm)) {
            R(case, sprintf("estimate[%s]", nm[j]), f$b[j])
            R(case, sprintf("se[%s]", nm[j]), f$se[j])
            R(case, sprintf("%s[%s]", tstat, nm[j]), f$zval[j])
            R(case, sprintf("pval[%s]", nm[j]), f$pval[j])
            R(case, sprintf("ci.lb[%s]", nm[j]), f$ci.lb[j])
            R(case, sprintf("ci.ub[%s]", nm[j]), f$ci.ub[j])
        }
    }
    if (f$test != "z") { R(case, "df", f$ddf[1]); R(case, "s2w", f$s2w) }
    R(case, "tau2", f$tau2); R(case, "se.tau2", f$se.tau2); R(case, "tau", sqrt(f$tau2))
    R(case, "I2", f$I2); R(case, "H2", f$H2); R(case, "vt", f$vt)
    if (!f$int.only) R(case, "R2", if (is.null(f$R2)) NA else f$R2)
    R(case, "QE", f$QE); R(case, "QEdf", f$k - f$p); R(case, "QEp", f$QEp)
    if (!f$int.only) {
        R(case, "QM", f$QM); R(case, "QMdf", f$QMdf[1])
        if (f$test != "z") R(case, "QMdf2", f$QMdf[2])
        R(case, "QMp", f$QMp)
    }
    fs <- safe(paste0(case, " fitstats"), fitstats(f))
    if (!is.null(fs)) {
        for (q in c("logLik", "deviance", "AIC", "BIC", "AICc")) {
            row <- grep(paste0("^", q), rownames(fs))
            R(case, q, fs[row[1], 1])
        }
    }
    w <- safe(paste0(case, " weights"), weights(f))
    if (!is.null(w)) {
        idx <- suppressWarnings(as.integer(names(w)))
        if (is.null(names(w)) || anyNA(idx)) idx <- seq_along(w)
        for (i in seq_along(w)) R(case, sprintf("weight[%d]", idx[i]), w[i])
    }
}

# predict(): pred, pred.se, ci.lb, ci.ub, pi.lb, pi.ub; with a transformation the names carry
# a prefix ("exp.", "r.") and pred.se is left out (metafor does not transform it)
rec_pred <- function(case, p, prefix = "") {
    if (is.null(p)) return(invisible())
    for (nm in c("pred", "se", "ci.lb", "ci.ub", "pi.lb", "pi.ub")) {
        if (is.null(p[[nm]])) next
        if (nm == "se" && prefix != "") next
        q <- if (nm == "se") "pred.se" else nm
        R(case, paste0(prefix, q), p[[nm]][1])
    }
}

sign_code <- function(s) if (s == "<") -1 else if (s == ">") 1 else 0

rec_confint <- function(case, ci) {
    if (is.null(ci)) return(invisible())
    map <- c("tau^2" = "tau2", "tau" = "tau", "I^2(%)" = "I2", "H^2" = "H2")
    for (rn in rownames(ci$random)) {
        q <- map[[rn]]
        R(case, q, ci$random[rn, "estimate"])
        R(case, paste0(q, ".ci.lb"), ci$random[rn, "ci.lb"])
        R(case, paste0(q, ".ci.ub"), ci$random[rn, "ci.ub"])
    }
    R(case, "ci.null", as.integer(isTRUE(ci$ci.null)))
    R(case, "lb.sign", sign_code(ci$lb.sign))
    R(case, "ub.sign", sign_code(ci$ub.sign))
}

# one estimator on an intercept-only yi/vi data set: the fit, its prediction (plus a
# back-transformed one), Q-profile CI for random-effects methods, and the tight variants
pool_one <- function(prefix, dat, m, test = "z", transf = NULL, tname = NULL,
                     confint = TRUE) {
    suffix <- if (test == "z") "" else paste0("_", test)
    case <- paste0(prefix, "_", m, suffix)
    f <- safe(case, rma(yi, vi, data = dat, method = m, test = test))
    if (is.null(f)) return(invisible(NULL))
    rec_fit(case, f)
    rec_pred(paste0(case, "_predict"), safe(paste0(case, " predict"), predict(f)))
    if (!is.null(transf))
        rec_pred(paste0(case, "_", tname), safe(paste0(case, " predict transf"),
                                               predict(f, transf = transf)), paste0(tname, "."))
    random <- !(m %in% FIXED)
    if (confint && random && test == "z")
        rec_confint(paste0(case, "_confint"), safe(paste0(case, " confint"), confint(f)))
    if (m %in% ITER) {
        tcase <- paste0(case, "_tight")
        ft <- safe(tcase, rma(yi, vi, data = dat, method = m, test = test, control = TIGHT))
        if (!is.null(ft)) {
            rec_fit(tcase, ft)
            rec_pred(paste0(tcase, "_predict"), safe(paste0(tcase, " predict"), predict(ft)))
            if (!is.null(transf))
                rec_pred(paste0(tcase, "_", tname),
                         safe(paste0(tcase, " predict transf"), predict(ft, transf = transf)),
                         paste0(tname, "."))
            if (confint && test == "z")
                rec_confint(paste0(case, "_confint_tight"),
                            safe(paste0(case, " confint tight"), confint(ft, control = CITIGHT)))
        }
    }
    invisible(f)
}

pool_all <- function(prefix, dat, methods = METHODS, tests = "z", ...) {
    for (m in methods) for (t in tests) pool_one(prefix, dat, m, test = t, ...)
}

# =============================================================================================
# Stage 1a: pooling edge cases on generic yi/vi

edge <- list(
    # a single study
    edge_k1 = data.frame(study = 1, yi = 0.4, vi = 0.05),
    # two heterogeneous studies (QE = 4.92 on 1 df)
    edge_k2 = data.frame(study = 1:2, yi = c(0.1, 0.9), vi = c(0.04, 0.09)),
    # all effects identical: QE = 0, every estimator at tau2 = 0, Q-profile CI the null set
    edge_identical = data.frame(study = 1:5, yi = rep(0.25, 5),
                                vi = c(0.01, 0.02, 0.04, 0.08, 0.05)),
    # QE = 4.84 < k-1 = 5: tau2 on the 0 boundary for most estimators; Q-profile CI [0, ub]
    edge_boundary = data.frame(study = 1:6, yi = c(0.10, 0.35, -0.05, 0.32, 0.08, 0.31),
                               vi = c(0.02, 0.03, 0.025, 0.04, 0.015, 0.035)),
    # QE = 11.6 on 5 df: tau2 > 0 but below the Q-profile critical value, lower CI bound at 0
    edge_lb0 = data.frame(study = 1:6, yi = c(0.10, 0.45, -0.15, 0.42, 0.02, 0.41),
                          vi = c(0.02, 0.03, 0.025, 0.04, 0.015, 0.035)),
    # QE = 0.0226 < chi2(0.025; 5): both Q-profile bounds below 0 (null set)
    edge_qnull = data.frame(study = 1:6, yi = c(0.30, 0.32, 0.29, 0.31, 0.30, 0.33),
                            vi = c(0.05, 0.04, 0.06, 0.05, 0.07, 0.04)),
    # one study with a huge variance (weight ~ 0) among heterogeneous ones
    edge_hugevar = data.frame(study = 1:6, yi = c(-0.3, 0.5, 0.1, 0.9, 0.2, 2.0),
                              vi = c(0.04, 0.06, 0.05, 0.03, 0.07, 1e6))
)
for (nm in names(edge)) {
    d <- write_input(edge[[nm]], paste0(nm, ".csv"))
    tests <- if (nm %in% c("edge_boundary", "edge_k2", "edge_lb0")) c("z", "knha", "adhoc") else "z"
    pool_all(nm, d, tests = tests)
    flush_expected(paste0(nm, ".csv"))
}

# =============================================================================================
# Stage 1b: data sets

# --- BCG (Colditz et al. 1994): raw counts, log RR yi/vi, knha/adhoc on log RR, OR and RD ---
bcg_raw <- dat.bcg[, c("trial", "author", "year", "tpos", "tneg", "cpos", "cneg", "ablat", "alloc")]
bcg <- write_input(bcg_raw, "bcg.csv")
rr <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = bcg)
bcg_rr <- write_input(data.frame(study = bcg$trial, author = bcg$author, year = bcg$year,
                                 ablat = bcg$ablat, alloc = bcg$alloc, tpos = bcg$tpos,
                                 tneg = bcg$tneg, cpos = bcg$cpos, cneg = bcg$cneg,
                                 yi = as.numeric(rr$yi), vi = rr$vi), "bcg_rr_yivi.csv")

pool_all("bcg_rr", bcg_rr, tests = c("knha", "adhoc"), transf = exp, tname = "exp")
flush_expected("bcg_rr_knha.csv")

for (ms in c("OR", "RD")) {
    es <- escalc(measure = ms, ai = tpos, bi = tneg, ci = cpos, di = cneg, data = bcg)
    lc <- tolower(ms)
    d <- write_input(data.frame(study = bcg$trial, yi = as.numeric(es$yi), vi = es$vi),
                     paste0("bcg_", lc, "_yivi.csv"))
    rec_escalc(paste0("bcg_", lc, "_escalc"), d)
    for (m in c("FE", "DL", "REML"))
        pool_one(paste0("bcg_", lc), d, m, transf = if (ms == "OR") exp else NULL,
                 tname = if (ms == "OR") "exp" else NULL)
}
flush_expected("bcg_or_rd.csv")

# --- zero cells: one single-zero study, one double-zero study ---
zc <- write_input(data.frame(study = 1:4, ai = c(0, 0, 5, 8), bi = c(20, 15, 45, 92),
                             ci = c(3, 0, 10, 12), di = c(17, 15, 40, 88)), "zero_cells.csv")
for (ms in c("OR", "RR", "RD")) {
    for (to in c("only0", "all")) {
        prefix <- sprintf("zero_%s_%s", tolower(ms), to)
        es <- safe(prefix, escalc(measure = ms, ai = ai, bi = bi, ci = ci, di = di, data = zc,
                                  add = 1/2, to = to))
        if (is.null(es)) next
        rec_escalc(paste0(prefix, "_escalc"), es)
        d <- data.frame(yi = as.numeric(es$yi), vi = es$vi)
        for (m in c("FE", "DL", "REML")) pool_one(prefix, d, m)
    }
}
flush_expected("zero_cells.csv")

# --- correlations: Molloy et al. (2014), Fisher z ---
mo <- write_input(data.frame(study = seq_len(nrow(dat.molloy2014)),
                             authors = dat.molloy2014$authors, year = dat.molloy2014$year,
                             ni = dat.molloy2014$ni, ri = dat.molloy2014$ri), "molloy2014.csv")
mz <- escalc(measure = "ZCOR", ri = ri, ni = ni, data = mo)
rec_escalc("molloy_zcor_escalc", mz)
mzd <- write_input(data.frame(study = mo$study, ni = mo$ni, ri = mo$ri,
                              yi = as.numeric(mz$yi), vi = mz$vi), "molloy2014_zcor_yivi.csv")
for (m in c("FE", "DL", "REML"))
    pool_one("molloy_zcor", mzd, m, transf = transf.ztor, tname = "r")
flush_expected("molloy2014.csv")

# --- generic yi/vi: Hackshaw et al. (1998), log OR given ---
hk <- write_input(data.frame(study = dat.hackshaw1998$study, author = dat.hackshaw1998$author,
                             year = dat.hackshaw1998$year, yi = as.numeric(dat.hackshaw1998$yi),
                             vi = dat.hackshaw1998$vi), "hackshaw1998.csv")
for (m in c("FE", "DL", "REML")) {
    pool_one("hackshaw", hk, m, transf = exp, tname = "exp")
    pool_one("hackshaw", hk, m, test = "knha", transf = exp, tname = "exp")
}
flush_expected("hackshaw1998.csv")

# =============================================================================================
# Stage 2: subgroups and meta-regression on BCG log RR (yi/vi of inputs/bcg_rr_yivi.csv)

# --- per-group fits (alloc = random / alternate / systematic) ---
groups <- c("random", "alternate", "systematic")
grp_fit <- list(); grp_fit_tight <- list()
for (g in groups) {
    sub <- bcg_rr$alloc == g
    for (m in c("REML", "DL", "FE")) {
        case <- sprintf("bcg_rr_alloc_%s_%s", g, m)
        f <- safe(case, rma(yi, vi, data = bcg_rr, subset = sub, method = m))
        rec_fit(case, f)
        rec_pred(paste0(case, "_predict"), safe(case, predict(f)))
        if (m == "REML") grp_fit[[g]] <- f
        if (m == "DL") grp_fit[[paste0(g, "_DL")]] <- f
        if (m %in% ITER) {
            ft <- safe(paste0(case, "_tight"),
                       rma(yi, vi, data = bcg_rr, subset = sub, method = m, control = TIGHT))
            rec_fit(paste0(case, "_tight"), ft)
            rec_pred(paste0(case, "_tight_predict"), safe(case, predict(ft)))
            grp_fit_tight[[g]] <- ft
        }
        case_k <- paste0(case, "_knha")
        fk <- safe(case_k, rma(yi, vi, data = bcg_rr, subset = sub, method = m, test = "knha"))
        if (!(m %in% FIXED)) rec_fit(case_k, fk)
    }
}

# --- test for subgroup differences with a separate tau2 per group (as R's meta computes it):
# Q_between = QE of an FE model on the per-group estimates with their standard errors, G-1 df
between <- function(case, fits) {
    est <- vapply(fits, function(f) f$b[1], 0)
    se  <- vapply(fits, function(f) f$se[1], 0)
    for (i in seq_along(est)) {
        R(case, sprintf("group.estimate[%s]", names(fits)[i]), est[i])
        R(case, sprintf("group.se[%s]", names(fits)[i]), se[i])
    }
    fb <- safe(case, rma(yi = est, sei = se, method = "FE"))
    R(case, "Q", fb$QE); R(case, "df", fb$k - 1); R(case, "pval", fb$QEp)
    rec_fit(paste0(case, "_fit"), fb)
}
between("bcg_rr_subgroup_between", grp_fit[groups])
between("bcg_rr_subgroup_between_tight", grp_fit_tight[groups])
dl <- grp_fit[paste0(groups, "_DL")]; names(dl) <- groups
between("bcg_rr_subgroup_between_DL", dl)

# --- pairwise difference of two groups' pooled (REML) estimates: random minus systematic ---
pair_diff <- function(case, f1, f2) {
    d <- f1$b[1] - f2$b[1]
    se <- sqrt(f1$se[1]^2 + f2$se[1]^2)
    z <- d / se
    R(case, "diff", d); R(case, "se", se); R(case, "zval", z)
    R(case, "pval", 2 * pnorm(-abs(z)))
    R(case, "ci.lb", d - qnorm(0.975) * se); R(case, "ci.ub", d + qnorm(0.975) * se)
}
pair_diff("bcg_rr_subgroup_diff_random_systematic", grp_fit$random, grp_fit$systematic)
pair_diff("bcg_rr_subgroup_diff_random_systematic_tight", grp_fit_tight$random,
          grp_fit_tight$systematic)
flush_expected("bcg_rr_subgroups.csv")

# --- mixed-effects meta-regression ---
mreg <- function(prefix, mods, methods = c("REML", "ML", "DL", "FE")) {
    for (m in methods) {
        for (t in c("z", "knha")) {
            if (t == "knha" && m %in% FIXED) next
            case <- paste0(prefix, "_", m, if (t == "z") "" else "_knha")
            f <- safe(case, rma(yi, vi, mods = mods, data = bcg_rr, method = m, test = t))
            rec_fit(case, f)
            if (t == "z" && !(m %in% FIXED))
                rec_confint(paste0(case, "_confint"), safe(case, confint(f)))
            if (m %in% ITER) {
                tc <- paste0(case, "_tight")
                ft <- safe(tc, rma(yi, vi, mods = mods, data = bcg_rr, method = m, test = t,
                                   control = TIGHT))
                rec_fit(tc, ft)
                if (t == "z")
                    rec_confint(paste0(case, "_confint_tight"),
                                safe(tc, confint(ft, control = CITIGHT)))
            }
        }
    }
}
mreg("bcg_rr_mods_alloc", ~ factor(alloc))
mreg("bcg_rr_mods_ablat", ~ ablat)
mreg("bcg_rr_mods_ablat_alloc", ~ ablat + factor(alloc))

# predictions from the latitude model at given absolute latitudes (and exp back-transformed)
for (m in c("REML", "REML_tight", "REML_knha", "DL")) {
    meth <- sub("_.*", "", m)
    f <- rma(yi, vi, mods = ~ ablat, data = bcg_rr, method = meth,
             test = if (grepl("knha", m)) "knha" else "z",
             control = if (grepl("tight", m)) TIGHT else list())
    for (a in c(10, 30, 50)) {
        case <- sprintf("bcg_rr_mods_ablat_%s_predict_ablat%d", m, a)
        rec_pred(case, safe(case, predict(f, newmods = a)))
        rec_pred(paste0(case, "_exp"), safe(case, predict(f, newmods = a, transf = exp)), "exp.")
    }
}
flush_expected("bcg_rr_metareg.csv")

# =============================================================================================
# Stage 3: vote counting helpers (base R stats): Wilson score interval
# (prop.test(x, n, correct = FALSE)), Clopper-Pearson interval and exact sign test
# (binom.test(x, n, 0.5)), all two-sided at 95%

votes <- write_input(data.frame(x = c(5, 3, 0, 7, 1, 12), n = c(5, 4, 3, 10, 1, 20)),
                     "vote_counting.csv")
for (i in seq_len(nrow(votes))) {
    x <- votes$x[i]; n <- votes$n[i]
    case <- sprintf("vote_%d_%d", x, n)
    R(case, "x", x); R(case, "n", n); R(case, "prop", x / n)
    pt <- safe(case, prop.test(x, n, correct = FALSE))
    R(case, "wilson.lb", pt$conf.int[1]); R(case, "wilson.ub", pt$conf.int[2])
    bt <- binom.test(x, n, 0.5)
    R(case, "cp.lb", bt$conf.int[1]); R(case, "cp.ub", bt$conf.int[2])
    R(case, "sign.pval", bt$p.value)
}
flush_expected("vote_counting.csv")

# =============================================================================================
# refused calls and warnings

con <- file(file.path(EX, "refused.txt"), "wb")
writeLines(if (length(refused)) refused else "none", con, sep = "\n"); close(con)
con <- file(file.path(EX, "warnings.txt"), "wb")
writeLines(if (length(warned)) unique(warned) else "none", con, sep = "\n"); close(con)
cat("refused:", length(refused), " warnings:", length(unique(warned)), "\n")
