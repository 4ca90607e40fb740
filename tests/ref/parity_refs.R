#!/usr/bin/env Rscript
# metafor 3.8 reference values for metasum compare's meta-regression details: scale() and
# center() over every row of the data (after --filter, i.e. R's data = dat[keep, ]), the
# coefficient order of R's model.matrix (main effects before interactions) with positional
# --newmods, and back-transformed predictions (transf.ztor, transf.ilogit, transf.iarcsin,
# transf.ipft.hm), escalc's add and to in compare, bias and sensitivity, and the coding of a
# categorical moderator's interaction with a continuous one (R's margin rule).
#
# Run from the repository root:   Rscript tests/ref/parity_refs.R
# It (re)writes, in the format of the sweep (tests/ref/sweep_refs.R, read by tests/test_sweep.c):
#   tests/ref/inputs/parity_<data>.csv   the columns as write.csv(row.names = FALSE) writes them,
#                                        read back before any value is computed;
#   tests/ref/expected/parity_cases.csv  case,kind,input,settings,tol;
#   tests/ref/expected/parity.csv        case,quantity,value (%.15g, NA).
# See tests/ref/PROVENANCE.md.

suppressMessages(library(metafor))

IN <- file.path("tests", "ref", "inputs")
EX <- file.path("tests", "ref", "expected")
if (!dir.exists(file.path("tests", "ref"))) stop("run from the repository root")

TIGHT <- list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)
vals <- list()
cases <- list()
R <- function(case, q, v) {
    vals[[length(vals) + 1]] <<- data.frame(case = case, quantity = q,
        value = ifelse(is.na(v), "NA", sprintf("%.15g", as.numeric(v))))
}
C <- function(case, input, settings, tol = 1e-8, kind = "compare") {
    cases[[length(cases) + 1]] <<- data.frame(case = case, kind = kind, input = input,
        settings = settings, tol = tol)
}
write_input <- function(df, name) {
    path <- file.path(IN, paste0("parity_", name, ".csv"))
    write.csv(df, path, row.names = FALSE)
    read.csv(path, stringsAsFactors = FALSE)
}

# coefficients (by position, metafor's order), k, tau2; predictions with their back-transform
# (prefix: metasum's column names, as the pool table's)
fit_case <- function(case, input, settings, fit, X = NULL, bt = NULL, pre = NULL, targs = NULL) {
    C(case, input, settings)
    for (j in seq_along(fit$b)) {
        R(case, sprintf("metareg.estimate[%d]", j), fit$b[j])
        R(case, sprintf("metareg.se[%d]", j), fit$se[j])
    }
    R(case, "model.k", fit$k); R(case, "model.tau2", fit$tau2); R(case, "model.QM", fit$QM)
    if (is.null(X)) return(invisible())
    pr <- predict(fit, newmods = X)
    pb <- if (!is.null(bt)) predict(fit, newmods = X, transf = bt, targs = targs)
    for (i in seq_len(nrow(X))) {
        P <- function(q, v) R(case, sprintf("predict.%s[%d]", q, i), v)
        P("pred", pr$pred[i]); P("ci_lb", pr$ci.lb[i]); P("ci_ub", pr$ci.ub[i])
        P("pi_lb", pr$pi.lb[i]); P("pi_ub", pr$pi.ub[i])
        if (!is.null(bt)) {
            P(paste0(pre, "pred"), pb$pred[i]); P(paste0(pre, "ci_lb"), pb$ci.lb[i])
            P(paste0(pre, "ci_ub"), pb$ci.ub[i]); P(paste0(pre, "pi_lb"), pb$pi.lb[i])
            P(paste0(pre, "pi_ub"), pb$pi.ub[i])
        }
    }
}

# ---- scale() / center(): over every row of the data, before rows with NA are dropped -------
# dat.bangertdrowns2004: length has 2 NA cells, feedback 1; yi of studies 4 and 20 set to NA
# (R still scales ni over those rows)
b <- dat.bangertdrowns2004[, c("id", "author", "grade", "length", "feedback", "ni", "yi", "vi")]
b$yi[c(4, 20)] <- NA
b <- write_input(b, "bangertdrowns2004")
IB <- "parity_bangertdrowns2004.csv"
fit <- rma(yi, vi, mods = ~ length + feedback + scale(ni) + length:feedback, data = b,
           method = "REML", control = TIGHT)
fit_case("bangert_scale_REML", IB,
         "mods=length;feedback;scale(ni);length:feedback|method=REML", fit)
fit <- rma(yi, vi, mods = ~ scale(ni, scale = FALSE) + feedback, data = b, method = "DL")
fit_case("bangert_center_DL", IB, "mods=center(ni);feedback|method=DL", fit)
# --filter grade=4 is R's data = b[b$grade == 4, ] (metafor's subset = grade == 4 would still
# scale over all 48 rows: it subsets after the model matrix is built)
b4 <- b[b$grade == 4, ]
fit <- rma(yi, vi, mods = ~ scale(ni) + length, data = b4, method = "REML", control = TIGHT)
fit_case("bangert_scale_filter_REML", IB, "filter=grade=4|mods=scale(ni);length|method=REML",
         fit)

# ---- coefficient order: main effects first (model.matrix), positional newmods --------------
X <- rbind(c(10, 1, 10), c(20, 0, 0))
fit <- rma(yi, vi, mods = ~ length:feedback + length + feedback, data = b, method = "REML",
           control = TIGHT)
stopifnot(identical(rownames(fit$b), c("intrcpt", "length", "feedback", "length:feedback")))
fit_case("bangert_order_REML", IB,
         "mods=length:feedback;length;feedback|method=REML|newmods=10,1,10;20,0,0", fit, X)
fit <- rma(yi, vi, mods = ~ length:feedback + grade + scale(ni), data = b, method = "DL")
stopifnot(identical(rownames(fit$b), c("intrcpt", "grade", "scale(ni)", "length:feedback")))
fit_case("bangert_order2_DL", IB, "mods=length:feedback;grade;scale(ni)|method=DL", fit)

# ---- back-transformed predictions ----------------------------------------------------------
# ZCOR: dat.molloy2014, moderator meanage
m <- write_input(dat.molloy2014[, c("authors", "year", "ni", "ri", "meanage", "quality")],
                 "molloy2014")
es <- escalc("ZCOR", ri = ri, ni = ni, data = m)
fit <- rma(yi, vi, mods = ~ meanage, data = es, method = "REML", control = TIGHT)
fit_case("molloy2014_ZCOR_REML", "parity_molloy2014.csv",
         "measure=ZCOR|mods=meanage|method=REML|newmods=20;50", fit, cbind(c(20, 50)),
         transf.ztor, "r_")
# proportions: dat.debruin2009 (xi of ni), moderator scq
d <- write_input(dat.debruin2009[, c("author", "year", "scq", "ni", "xi")], "debruin2009")
for (ms in list(list("PLO", transf.ilogit), list("PAS", transf.iarcsin),
                list("PFT", transf.ipft.hm))) {
    es <- escalc(ms[[1]], xi = xi, ni = ni, data = d)
    fit <- rma(yi, vi, mods = ~ scq, data = es, method = "REML", control = TIGHT)
    # PFT: the n behind each variance 1/(4n + 2), as pool's bt_* columns
    targs <- if (ms[[1]] == "PFT") list(ni = (1 / fit$vi - 2) / 4)
    fit_case(paste0("debruin2009_", ms[[1]], "_REML"), "parity_debruin2009.csv",
             paste0("measure=", ms[[1]], "|mods=scq|method=REML|newmods=15;25"), fit,
             cbind(c(15, 25)), ms[[2]], "bt_", targs)
}

# ---- --add / --to in compare, bias and sensitivity (escalc's add, to) -----------------------
# dat.nielweise2007: OR from 2x2 counts, 6 tables with a zero cell, moderator year
n <- write_input(dat.nielweise2007[, c("study", "author", "year", "ai", "n1i", "ci", "n2i")],
                 "nielweise2007")
IN7 <- "parity_nielweise2007.csv"
for (cc in list(list("toall", list(to = "all"), "to=all"),
                list("add025if0all", list(add = 0.25, to = "if0all"), "add=0.25|to=if0all"))) {
    es <- do.call(escalc, c(list(measure = "OR", ai = n$ai, n1i = n$n1i, ci = n$ci,
                                 n2i = n$n2i), cc[[2]]))
    es$year <- n$year
    fit <- rma(yi, vi, mods = ~ year, data = es, method = "REML", control = TIGHT)
    fit_case(paste0("nielweise2007_OR_", cc[[1]], "_mods_REML"), IN7,
             paste0("measure=OR|", cc[[3]], "|mods=year|method=REML"), fit)
    fit <- rma(yi, vi, data = es, method = "REML", control = TIGHT)
    case <- paste0("nielweise2007_OR_", cc[[1]], "_bias_REML")
    C(case, IN7, paste0("measure=OR|", cc[[3]], "|method=REML"), kind = "bias")
    rt <- regtest(fit)
    R(case, "bias.stat[1]", rt$zval); R(case, "bias.estimate[1]", rt$est)
    case <- paste0("nielweise2007_OR_", cc[[1]], "_leave1out_REML")
    C(case, IN7, paste0("measure=OR|", cc[[3]], "|method=REML|analysis=leave1out"),
      kind = "sensitivity")
    l1 <- leave1out(fit)
    for (i in seq_along(l1$estimate)) {
        R(case, sprintf("leave1out.estimate[%d]", i), l1$estimate[i])
        R(case, sprintf("leave1out.se[%d]", i), l1$se[i])
    }
}

# ---- a categorical moderator times a continuous one: R's margin rule ------------------------
# dat.bcg as log risk ratios: ~ alloc + alloc:ablat gives a slope per level (ablat has no main
# effect), ~ ablat + ablat:alloc slopes against the reference level
g <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
g <- write_input(data.frame(trial = g$trial, author = g$author, year = g$year, ablat = g$ablat,
                            alloc = g$alloc, yi = as.numeric(g$yi), vi = as.numeric(g$vi)), "bcg")
for (f in list(list("alloc_slopes", ~ alloc + alloc:ablat, "alloc;alloc:ablat", 6),
               list("ablat_contrasts", ~ ablat + ablat:alloc, "ablat;ablat:alloc", 4),
               list("slopes_year", ~ alloc:ablat + year, "alloc:ablat;year", 5))) {
    fit <- rma(yi, vi, mods = f[[2]], data = g, method = "REML", control = TIGHT)
    stopifnot(length(fit$b) == f[[4]])
    fit_case(paste0("bcg_", f[[1]], "_REML"), "parity_bcg.csv",
             paste0("mods=", f[[3]], "|method=REML"), fit)
}

write.csv(do.call(rbind, cases), file.path(EX, "parity_cases.csv"), row.names = FALSE,
          quote = FALSE)
write.csv(do.call(rbind, vals), file.path(EX, "parity.csv"), row.names = FALSE, quote = FALSE)
cat(length(cases), "cases,", length(vals), "values\n")
