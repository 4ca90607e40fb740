#!/usr/bin/env Rscript
# Reference values from R's metafor for meta-regression parity and the numerical finish of the
# tau2 estimators (see tests/ref/PROVENANCE.md).
#
# Run from the repository root:   Rscript tests/ref/metareg_refs.R
# It (re)writes tests/ref/inputs/{cohen1981_zcor_yivi,gibson2002_rr_yivi,raudenbush1985,
# linde2005_rr_yivi}.csv and tests/ref/expected/{metareg_parity,numerical_finish}.csv
# (columns case,quantity,value; value "%.12g"; NA = not defined), with the conventions of
# tests/ref/metafor_refs.R, whose helper functions are repeated here.

suppressMessages(library(metafor))

IN <- file.path("tests", "ref", "inputs")
EX <- file.path("tests", "ref", "expected")
if (!dir.exists(file.path("tests", "ref"))) stop("run from the repository root")

TIGHT   <- list(threshold = 1e-12, tol = 1e-12, maxiter = 1000)
CITIGHT <- list(tol = 1e-12)
METHODS <- c("EE", "FE", "CE", "DL", "HE", "HS", "SJ", "ML", "REML", "PM", "EB")
FIXED   <- c("EE", "FE", "CE")

num_str <- function(x) {
    vapply(x, function(v) {
        if (is.na(v)) return("NA")
        for (d in 15:17) {
            s <- sprintf(paste0("%.", d, "g"), v)
            if (as.numeric(s) == v) return(s)
        }
        s
    }, "", USE.NAMES = FALSE)
}
fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.12g", v))

write_input <- function(df, name) {
    cols <- lapply(df, function(col) {
        if (is.factor(col)) col <- as.character(col)
        if (is.character(col)) {
            if (any(grepl("[,\"]", col))) stop("field needs quoting in ", name)
            ifelse(is.na(col), "NA", col)
        } else num_str(as.numeric(col))
    })
    lines <- c(paste(names(df), collapse = ","), do.call(paste, c(cols, sep = ",")))
    path <- file.path(IN, name)
    con <- file(path, "wb"); writeLines(lines, con, sep = "\n"); close(con)
    read.csv(path, stringsAsFactors = FALSE)
}

OUT <- new.env()
OUT$case <- character(0); OUT$q <- character(0); OUT$v <- character(0)
R <- function(case, q, v) {
    v <- as.numeric(v)
    if (length(v) != 1) stop("R(): ", case, " ", q, " has length ", length(v))
    OUT$case <- c(OUT$case, case); OUT$q <- c(OUT$q, q); OUT$v <- c(OUT$v, fmt(v))
}
flush_expected <- function(name) {
    lines <- c("case,quantity,value", paste(OUT$case, OUT$q, OUT$v, sep = ","))
    con <- file(file.path(EX, name), "wb"); writeLines(lines, con, sep = "\n"); close(con)
    OUT$case <- character(0); OUT$q <- character(0); OUT$v <- character(0)
}
safe <- function(label, expr) {
    tryCatch(suppressWarnings(suppressMessages(expr)), error = function(e) {
        message("refused: ", label, ": ", conditionMessage(e)); NULL })
}

# a fitted rma.uni model: coefficients by metafor name, heterogeneity, tests, fit statistics,
# weights (percent) and hat values by row, s2w, iterations
rec_fit <- function(case, f) {
    if (is.null(f)) return(invisible())
    tstat <- if (f$test == "z") "zval" else "tval"
    R(case, "k", f$k); R(case, "p", f$p)
    nm <- rownames(f$b)
    for (j in seq_along(nm)) {
        R(case, sprintf("estimate[%s]", nm[j]), f$b[j])
        R(case, sprintf("se[%s]", nm[j]), f$se[j])
        R(case, sprintf("%s[%s]", tstat, nm[j]), f$zval[j])
        R(case, sprintf("pval[%s]", nm[j]), f$pval[j])
        R(case, sprintf("ci.lb[%s]", nm[j]), f$ci.lb[j])
        R(case, sprintf("ci.ub[%s]", nm[j]), f$ci.ub[j])
    }
    if (f$test != "z") R(case, "df", f$ddf[1])
    R(case, "s2w", f$s2w)
    R(case, "tau2", f$tau2); R(case, "se.tau2", f$se.tau2); R(case, "tau", sqrt(f$tau2))
    R(case, "I2", f$I2); R(case, "H2", f$H2); R(case, "vt", f$vt)
    R(case, "R2", if (is.null(f$R2)) NA else f$R2)
    R(case, "QE", f$QE); R(case, "QEdf", f$k - f$p); R(case, "QEp", f$QEp)
    R(case, "QM", f$QM); R(case, "QMdf", f$QMdf[1])
    if (f$test != "z") R(case, "QMdf2", f$QMdf[2])
    R(case, "QMp", f$QMp)
    fs <- fitstats(f)
    for (q in c("logLik", "deviance", "AIC", "BIC", "AICc")) {
        row <- grep(paste0("^", q), rownames(fs))
        R(case, q, fs[row[1], 1])
    }
    w <- weights(f); h <- hatvalues(f)
    for (i in seq_along(w)) R(case, sprintf("weight[%d]", i), w[i])
    for (i in seq_along(h)) R(case, sprintf("hat[%d]", i), h[i])
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
rec_pred <- function(case, p) {
    if (is.null(p)) return(invisible())
    for (i in seq_along(p$pred))
        for (nm in c("pred", "se", "ci.lb", "ci.ub", "pi.lb", "pi.ub"))
            if (!is.null(p[[nm]])) R(case, sprintf("%s[%d]", nm, i), p[[nm]][i])
}

# =============================================================================================
# Meta-regression parity on the BCG log risk ratios (tests/ref/inputs/bcg_rr_yivi.csv, written
# by metafor_refs.R)

bcg_rr <- read.csv(file.path(IN, "bcg_rr_yivi.csv"), stringsAsFactors = FALSE)

fit_all <- function(prefix, mods, methods = METHODS, tests = c("z", "knha")) {
    for (m in methods) for (t in tests) {
        if (t != "z" && m %in% FIXED) next
        case <- paste0(prefix, "_", m, if (t == "z") "" else paste0("_", t))
        f <- safe(case, rma(yi, vi, mods = mods, data = bcg_rr, method = m, test = t,
                            control = TIGHT))
        rec_fit(case, f)
        if (!is.null(f) && t == "z" && !(m %in% FIXED))
            rec_confint(paste0(case, "_confint"), safe(case, confint(f, control = CITIGHT)))
    }
}
# every estimator: a model with two continuous moderators, and one with a factor
fit_all("bcg_mr_ablat_year", ~ ablat + year)
fit_all("bcg_mr_alloc", ~ factor(alloc))
# no intercept
fit_all("bcg_mr_noint_alloc", ~ factor(alloc) - 1, c("FE", "DL", "REML", "PM"))
fit_all("bcg_mr_noint_ablat", ~ ablat - 1, c("FE", "DL", "REML"))
# interactions
fit_all("bcg_mr_ablat_x_year", ~ ablat * year, c("FE", "DL", "REML"))
fit_all("bcg_mr_ablat_colon_alloc", ~ ablat:factor(alloc), c("DL", "REML"))
# scaled and centred moderators
fit_all("bcg_mr_scaled", ~ scale(ablat) + scale(year, scale = FALSE), c("DL", "REML"))

# predictions at new moderator values, default and Riley (pi.type = "riley") intervals
newx <- cbind(ablat = c(10, 30, 50), year = c(1950, 1970, 1980))
for (m in c("REML", "DL")) for (t in c("z", "knha")) {
    f <- rma(yi, vi, mods = ~ ablat + year, data = bcg_rr, method = m, test = t, control = TIGHT)
    case <- sprintf("bcg_mr_ablat_year_%s%s_predict", m, if (t == "z") "" else "_knha")
    rec_pred(case, predict(f, newmods = newx))
    rec_pred(paste0(case, "_riley"), predict(f, newmods = newx, pi.type = "riley"))
}
f <- rma(yi, vi, mods = ~ factor(alloc) - 1, data = bcg_rr, method = "REML", control = TIGHT)
rec_pred("bcg_mr_noint_alloc_REML_predict",
         predict(f, newmods = rbind(c(1, 0, 0), c(0, 1, 0), c(0, 0, 1))))
flush_expected("metareg_parity.csv")

# =============================================================================================
# Numerical finish: small tau2 under ML, tau2 on the 0 boundary, HE with moderators, and
# metafor's own (default and changed) convergence control

coh <- escalc("ZCOR", ri = ri, ni = ni, data = dat.cohen1981)
coh <- write_input(data.frame(study = seq_len(nrow(coh)), yi = as.numeric(coh$yi),
                              vi = as.numeric(coh$vi)), "cohen1981_zcor_yivi.csv")
gib <- escalc("RR", ai = ai, bi = bi, ci = ci, di = di, data = dat.gibson2002)
gib <- gib[!is.na(gib$yi), ]
gib <- write_input(data.frame(study = gib$author, yi = as.numeric(gib$yi),
                              vi = as.numeric(gib$vi)), "gibson2002_rr_yivi.csv")
rau <- write_input(data.frame(study = dat.raudenbush1985$study,
                              weeks = dat.raudenbush1985$weeks,
                              yi = dat.raudenbush1985$yi, vi = dat.raudenbush1985$vi,
                              setting = dat.raudenbush1985$setting),
                   "raudenbush1985.csv")
lin <- escalc("RR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.linde2005)
lin <- lin[!is.na(lin$yi) & !is.na(lin$duration), ]
lin <- write_input(data.frame(study = lin$id, duration = lin$duration,
                              yi = as.numeric(lin$yi), vi = as.numeric(lin$vi)),
                   "linde2005_rr_yivi.csv")

one <- function(case, dat, m, mods = NULL, control = TIGHT) {
    f <- if (is.null(mods)) rma(yi, vi, data = dat, method = m, control = control)
         else rma(yi, vi, mods = mods, data = dat, method = m, control = control)
    rec_fit(case, f)
}
one("cohen1981_ML_tight", coh, "ML")
one("cohen1981_ML_default", coh, "ML", control = list())
one("cohen1981_REML_tight", coh, "REML")
one("cohen1981_ML_ctl", coh, "ML", control = list(threshold = 1e-4, stepadj = 0.5, maxiter = 50))
one("gibson2002_REML_tight", gib, "REML")
one("gibson2002_REML_default", gib, "REML", control = list())
one("raudenbush1985_weeks2_REML_tight", rau[rau$weeks == 2, ], "REML")
one("raudenbush1985_weeks17_REML_tight", rau[rau$weeks == 17, ], "REML")
one("raudenbush1985_mods_weeks_REML_tight", rau, "REML", ~ weeks)
one("raudenbush1985_mods_weeks_REML_ctl", rau, "REML", ~ weeks,
    control = list(threshold = 1e-4, stepadj = 0.5, maxiter = 50))
# meta-regressions whose (restricted) likelihood is maximal on the boundary
one("raudenbush1985_mods_weeks_gt1_REML_tight", rau, "REML", ~ I(weeks > 1))
one("raudenbush1985_mods_weeks_setting_ML_tight", rau, "ML", ~ weeks + factor(setting))
one("linde2005_mods_duration_HE", lin, "HE", ~ duration)
one("linde2005_HE", lin, "HE")
flush_expected("numerical_finish.csv")
