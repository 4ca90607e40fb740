#!/usr/bin/env Rscript
# Reference values from R's metafor for Mantel-Haenszel and Peto pooling, and for the measures of
# proportions, incidence rates and raw correlations (tests/test_mh.c, tests/test_measures.c).
#
# Run from the repository root:   Rscript tests/ref/mh_refs.R
# It (re)writes tests/ref/inputs/mh_*.csv (the data, numbers with the shortest decimal string that
# reads back as the identical double) and tests/ref/expected/mh_*.csv (columns case,quantity,value;
# value "%.15g"; NA = not defined).  Every value is computed from the input CSV as read back.
# Iterative fits (REML) use control=list(threshold=1e-13 * mean(vi), maxiter=10000): metafor's
# threshold is absolute in tau2, and the rates here have tau2 near 1e-7, where a fixed 1e-12
# leaves I2 off by 5e-7; scaled by the variances every fit converges to ~1e-12 relative.

suppressMessages(library(metafor))

IN <- file.path("tests", "ref", "inputs")
EX <- file.path("tests", "ref", "expected")
if (!dir.exists(file.path("tests", "ref"))) stop("run from the repository root")



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
fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.15g", v))

write_input <- function(df, name) {
    path <- file.path(IN, paste0(name, ".csv"))
    cols <- lapply(df, function(col) if (is.numeric(col)) num_str(col) else as.character(col))
    lines <- c(paste(names(df), collapse = ","), do.call(paste, c(cols, sep = ",")))
    writeLines(lines, path)
    read.csv(path, stringsAsFactors = FALSE)
}

rows <- list()
put <- function(case, quantity, value) {
    rows[[length(rows) + 1]] <<- data.frame(case = case, quantity = quantity,
                                            value = fmt(as.numeric(value)))
}
flush_expected <- function(name) {
    out <- do.call(rbind, rows)
    write.csv(out, file.path(EX, paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
    rows <<- list()
}

# one rma.mh / rma.peto fit: every number its print method shows, plus CO (Cochran's test
# without the N-1) and the Breslow-Day statistic
put_fit <- function(case, r) {
    for (q in c("beta", "se", "zval", "pval", "ci.lb", "ci.ub", "QE", "QEp", "I2", "H2", "k",
                "k.yi", "k.pos", "MH", "MHp", "CO", "COp", "TA", "TAp", "BD", "BDp")) {
        v <- r[[q]]
        if (is.null(v)) next
        put(case, q, v)
    }
}

# ---------------------------------------------------------------------------------------------
# 2x2 tables: dat.bcg, dat.li2007 (single zero cells), dat.hahn2001 (double-zero tables)

bcg <- write_input(with(dat.bcg, data.frame(trial, ai = tpos, bi = tneg, ci = cpos, di = cneg)),
                   "mh_bcg")
li <- write_input(with(dat.li2007, data.frame(id, ai, n1i, ci, n2i)), "mh_li2007")
hahn <- write_input(with(dat.hahn2001, data.frame(id = seq_along(ai), ai, n1i, ci, n2i)),
                    "mh_hahn2001")

for (m in c("OR", "RR", "RD")) {
    put_fit(paste0("bcg_mh_", m), rma.mh(ai = ai, bi = bi, ci = ci, di = di, data = bcg,
                                         measure = m))
    put_fit(paste0("li2007_mh_", m), rma.mh(ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = li,
                                            measure = m))
    put_fit(paste0("hahn2001_mh_", m), rma.mh(ai = ai, n1i = n1i, ci = ci, n2i = n2i,
                                              data = hahn, measure = m))
}
put_fit("bcg_peto", rma.peto(ai = ai, bi = bi, ci = ci, di = di, data = bcg))
put_fit("li2007_peto", rma.peto(ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = li))
put_fit("hahn2001_peto", rma.peto(ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = hahn))

# zero-cell variants (sparse set): add / to / drop00 for Q, add[2] / to[2] for the MH sums,
# correct for the CMH test
hv <- list(
    nocorrect   = list(correct = FALSE),
    toall       = list(to = "all"),
    toif0all    = list(to = "if0all"),
    nodrop00    = list(drop00 = FALSE),
    add1        = list(add = 1),
    mhadd       = list(add = c(1/2, 1/2), to = c("only0", "only0")),
    mhaddall    = list(add = c(1/2, 1/2), to = c("only0", "all"), drop00 = c(TRUE, TRUE))
)
for (v in names(hv)) for (m in c("OR", "RR", "RD")) {
    args <- c(list(ai = hahn$ai, n1i = hahn$n1i, ci = hahn$ci, n2i = hahn$n2i, measure = m),
              hv[[v]])
    put_fit(paste0("hahn2001_mh_", m, "_", v), do.call(rma.mh, args))
}
for (v in c("toall", "nodrop00", "add1")) {
    args <- c(list(ai = hahn$ai, n1i = hahn$n1i, ci = hahn$ci, n2i = hahn$n2i), hv[[v]])
    put_fit(paste0("hahn2001_peto_", v), do.call(rma.peto, args))
}
for (v in c("toall", "nodrop00")) {
    args <- c(list(ai = li$ai, n1i = li$n1i, ci = li$ci, n2i = li$n2i), hv[[v]])
    put_fit(paste0("li2007_mh_OR_", v), do.call(rma.mh, c(args, list(measure = "OR"))))
}
put_fit("li2007_mh_OR_nocorrect", rma.mh(ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = li,
                                         correct = FALSE))
# level 90
put_fit("bcg_mh_OR_level90", rma.mh(ai = ai, bi = bi, ci = ci, di = di, data = bcg, level = 90))

# escalc PETO per study
e <- escalc("PETO", ai = ai, bi = bi, ci = ci, di = di, data = bcg)
for (i in seq_len(nrow(e))) { put("bcg_escalc_PETO", paste0("yi[", i, "]"), e$yi[i])
                              put("bcg_escalc_PETO", paste0("vi[", i, "]"), e$vi[i]) }
e <- escalc("PETO", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = li)
for (i in seq_len(nrow(e))) { put("li2007_escalc_PETO", paste0("yi[", i, "]"), e$yi[i])
                              put("li2007_escalc_PETO", paste0("vi[", i, "]"), e$vi[i]) }
# two-group incidence rates (dat.nielweise2008)
niel <- write_input(with(dat.nielweise2008, data.frame(study, x1i, t1i, x2i, t2i)),
                    "mh_nielweise2008")
for (m in c("IRR", "IRD"))
    put_fit(paste0("nielweise2008_mh_", m), rma.mh(x1i = x1i, t1i = t1i, x2i = x2i, t2i = t2i,
                                                   data = niel, measure = m))
flush_expected("mh_binary")

# ---------------------------------------------------------------------------------------------
# measures of one group and of rates: escalc per study, REML (tight), back-transformed predict

put_escalc <- function(case, e) {
    for (i in seq_len(nrow(e))) {
        put(case, paste0("yi[", i, "]"), e$yi[i])
        put(case, paste0("vi[", i, "]"), e$vi[i])
    }
}
put_reml <- function(case, e, transf, targs = NULL) {
    r <- rma(yi, vi, data = e, method = "REML",
             control = list(threshold = 1e-13 * mean(e$vi), maxiter = 10000))
    for (q in c("beta", "se", "ci.lb", "ci.ub", "tau2", "QE", "I2", "H2")) put(case, q, r[[q]])
    if (!is.null(transf)) {
        p <- predict(r, transf = transf, targs = targs)
        for (q in c("pred", "ci.lb", "ci.ub", "pi.lb", "pi.ub")) put(case, paste0("bt.", q), p[[q]])
    }
}

deb <- write_input(with(dat.debruin2009, data.frame(id = seq_along(xi), xi, ni)),
                   "mh_debruin2009")
pag <- write_input(with(dat.pagliaro1992, data.frame(id = seq_along(xi), xi, ni)),
                   "mh_pagliaro1992")
ptr <- list(PR = NULL, PLN = exp, PLO = transf.ilogit, PAS = transf.iarcsin,
            PFT = transf.ipft.hm)
for (m in names(ptr)) {
    e <- escalc(m, xi = xi, ni = ni, data = deb)
    put_escalc(paste0("debruin2009_", m), e)
    put_reml(paste0("debruin2009_", m), e, ptr[[m]],
             if (m == "PFT") list(ni = deb$ni) else NULL)
    put_escalc(paste0("pagliaro1992_", m), escalc(m, xi = xi, ni = ni, data = pag))
}
# study-level back-transform of PFT with each study's own n (transf.ipft)
e <- escalc("PFT", xi = xi, ni = ni, data = deb)
for (i in seq_len(nrow(e))) put("debruin2009_PFT", paste0("ipft[", i, "]"),
                                transf.ipft(e$yi[i], deb$ni[i]))

rtr <- list(IRR = exp, IRD = NULL, IRSD = NULL)
for (m in names(rtr)) {
    e <- escalc(m, x1i = x1i, t1i = t1i, x2i = x2i, t2i = t2i, data = niel)
    put_escalc(paste0("nielweise2008_", m), e)
    put_reml(paste0("nielweise2008_", m), e, rtr[[m]])
}
# one group: the treated arms of dat.nielweise2008
itr <- list(IR = NULL, IRLN = exp, IRS = transf.isqrt, IRFT = NULL)
for (m in names(itr)) {
    e <- escalc(m, xi = x1i, ti = t1i, data = niel)
    put_escalc(paste0("nielweise2008_", m), e)
    put_reml(paste0("nielweise2008_", m), e, itr[[m]])
}

# zero-event corrections: to = "all" / "if0all" and add on proportions; rates with zero events
put_escalc("pagliaro1992_PLO_toall", escalc("PLO", xi = xi, ni = ni, data = pag, to = "all"))
put_escalc("pagliaro1992_PR_if0all_add025",
           escalc("PR", xi = xi, ni = ni, data = pag, to = "if0all", add = 0.25))
put_escalc("pagliaro1992_PFT_add05", escalc("PFT", xi = xi, ni = ni, data = pag, add = 0.5))
rz <- write_input(data.frame(id = 1:5, x1i = c(0, 3, 5, 0, 12), t1i = c(100, 250, 300, 80, 900),
                             x2i = c(2, 0, 4, 0, 20), t2i = c(110, 240, 310, 90, 880)),
                  "mh_rates_zero")
for (m in c("IRR", "IRD", "IRSD"))
    put_escalc(paste0("rates_zero_", m), escalc(m, x1i = x1i, t1i = t1i, x2i = x2i, t2i = t2i,
                                                data = rz))
for (m in c("IR", "IRLN", "IRS", "IRFT"))
    put_escalc(paste0("rates_zero_", m), escalc(m, xi = x1i, ti = t1i, data = rz))
for (m in c("IRR", "IRD"))
    put_fit(paste0("rates_zero_mh_", m), rma.mh(x1i = x1i, t1i = t1i, x2i = x2i, t2i = t2i,
                                                data = rz, measure = m))

mol <- write_input(with(dat.molloy2014, data.frame(id = seq_along(ri), ri, ni)), "mh_molloy2014")
e <- escalc("COR", ri = ri, ni = ni, data = mol)
put_escalc("molloy2014_COR", e)
put_reml("molloy2014_COR", e, NULL)
flush_expected("mh_measures")
