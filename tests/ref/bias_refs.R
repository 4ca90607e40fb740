#!/usr/bin/env Rscript
# Reference values from R's metafor for publication bias (regtest, ranktest, trimfill, fsn) and
# sensitivity (leave1out, cumul, influence, rstandard, rstudent).
#
# Run from the repository root:   Rscript tests/ref/bias_refs.R
# Reads the committed inputs (tests/ref/inputs/, tests/ref/metafor38/inputs/) and rewrites
# tests/ref/expected/bias.csv and tests/ref/expected/sensitivity.csv (columns case,quantity,value;
# value "%.15g"; NA = not defined).  Every fit uses control=list(threshold=1e-12, maxiter=1000,
# tol=1e-12).
# Calls metafor refuses are recorded as a row `<case>,refused,1`.

suppressMessages(library(metafor))

if (!dir.exists(file.path("tests", "ref"))) stop("run from the repository root")
EX <- file.path("tests", "ref", "expected")
CTRL <- list(threshold = 1e-12, maxiter = 1000, tol = 1e-12)

rows <- new.env()
rows$bias <- character(0)
rows$sens <- character(0)
fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.15g", v))
put <- function(file, case, q, v, vec = FALSE) {
    v <- as.numeric(v)
    if (length(v) == 0) v <- NA
    if (length(v) == 1 && !vec) {
        line <- paste(case, q, fmt(v), sep = ",")
    } else {
        line <- paste(case, sprintf("%s[%d]", q, seq_along(v)), fmt(v), sep = ",")
    }
    rows[[file]] <- c(rows[[file]], line)
}
refused <- function(file, case, e) {
    put(file, case, "refused", 1)
    message(case, ": refused: ", conditionMessage(e))
}

rd <- function(path) read.csv(path, stringsAsFactors = FALSE)
bcg <- rd("tests/ref/inputs/bcg_rr_yivi.csv")
bcg$ni <- bcg$tpos + bcg$tneg + bcg$cpos + bcg$cneg
hack <- rd("tests/ref/inputs/hackshaw1998.csv")
mol <- rd("tests/ref/inputs/molloy2014_zcor_yivi.csv")
nor <- rd("tests/ref/metafor38/inputs/normand1999_md_yivi.csv")
edge_k2 <- rd("tests/ref/inputs/edge_k2.csv")
edge_id <- rd("tests/ref/inputs/edge_identical.csv")
edge_bd <- rd("tests/ref/inputs/edge_boundary.csv")

# ---------------------------------------------------------------------------------------------
# publication bias

bias_cases <- function(name, d, method, test = "z", ni = NULL, trim = TRUE) {
    case <- paste(name, method, if (test != "z") test else NULL, sep = "_")
    case <- sub("_$", "", case)
    fit <- rma(yi, vi, data = d, method = method, test = test, control = CTRL)
    preds <- c("sei", "vi")
    if (!is.null(ni)) preds <- c(preds, "ni", "ninv", "sqrtninv")
    for (model in c("rma", "lm")) for (pr in preds) {
        cs <- paste(case, "regtest", model, pr, sep = "_")
        args <- list(fit, model = model, predictor = pr, ret.fit = TRUE)
        if (!is.null(ni)) args$ni <- ni
        r <- tryCatch(suppressWarnings(do.call(regtest, args)), error = function(e) e)
        if (inherits(r, "error")) { refused("bias", cs, r); next }
        put("bias", cs, "zval", r$zval)
        put("bias", cs, "pval", r$pval)
        put("bias", cs, "dfs", if (is.null(r$dfs)) NA else r$dfs)
        if (model == "rma") {
            put("bias", cs, "coef", r$fit$beta[2])
            put("bias", cs, "coef.se", r$fit$se[2])
            put("bias", cs, "tau2", r$fit$tau2)
        } else {
            cf <- coef(summary(r$fit))
            put("bias", cs, "coef", cf[2, 1])
            put("bias", cs, "coef.se", cf[2, 2])
        }
        put("bias", cs, "est", if (is.null(r$est)) NA else r$est)
        put("bias", cs, "ci.lb", if (is.null(r$ci.lb)) NA else r$ci.lb)
        put("bias", cs, "ci.ub", if (is.null(r$ci.ub)) NA else r$ci.ub)
    }
    if (!trim) return(invisible())
    for (est in c("L0", "R0", "Q0")) for (side in c("auto", "left", "right")) {
        cs <- paste(case, "trimfill", est, side, sep = "_")
        r <- tryCatch(suppressWarnings(
            if (side == "auto") trimfill(fit, estimator = est, control = CTRL)
            else trimfill(fit, estimator = est, side = side, control = CTRL)),
            error = function(e) e)
        if (inherits(r, "error")) { refused("bias", cs, r); next }
        put("bias", cs, "k0", r$k0)
        put("bias", cs, "se.k0", r$se.k0)
        put("bias", cs, "p.k0", r$p.k0)
        put("bias", cs, "side.right", as.integer(r$side == "right"))
        put("bias", cs, "k", r$k)
        put("bias", cs, "beta", r$beta[1])
        put("bias", cs, "se", r$se)
        put("bias", cs, "zval", r$zval)
        put("bias", cs, "pval", r$pval)
        put("bias", cs, "ci.lb", r$ci.lb)
        put("bias", cs, "ci.ub", r$ci.ub)
        put("bias", cs, "tau2", r$tau2)
        put("bias", cs, "QE", r$QE)
        put("bias", cs, "I2", r$I2)
        if (r$k0 > 0) {
            fill <- which(r$fill)
            put("bias", cs, "yi.fill", r$yi[fill], vec = TRUE)
            put("bias", cs, "vi.fill", r$vi[fill], vec = TRUE)
        }
    }
}

fsn_cases <- function(name, d) {
    put("bias", paste0(name, "_ranktest"), "tau", ranktest(d$yi, d$vi)$tau)
    put("bias", paste0(name, "_ranktest"), "pval", ranktest(d$yi, d$vi)$pval)
    r <- suppressWarnings(cor.test((d$yi - weighted.mean(d$yi, 1 / d$vi)) /
                                   sqrt(d$vi - 1 / sum(1 / d$vi)), d$vi,
                                   method = "kendall", exact = FALSE))
    put("bias", paste0(name, "_ranktest_normal"), "tau", r$estimate)
    put("bias", paste0(name, "_ranktest_normal"), "z", r$statistic)
    put("bias", paste0(name, "_ranktest_normal"), "pval", r$p.value)
    for (a in list(list("Rosenthal", NULL, FALSE), list("Orwin", NULL, FALSE),
                   list("Orwin", 0.05, FALSE), list("Orwin", NULL, TRUE),
                   list("Rosenberg", NULL, FALSE))) {
        cs <- paste(c(name, "fsn", a[[1]], if (!is.null(a[[2]])) "target",
                      if (a[[3]]) "weighted"), collapse = "_")
        r <- if (is.null(a[[2]])) fsn(d$yi, d$vi, type = a[[1]], weighted = a[[3]])
             else fsn(d$yi, d$vi, type = a[[1]], target = a[[2]], weighted = a[[3]])
        put("bias", cs, "fsnum", r$fsnum)
        put("bias", cs, "pval", r$pval)
        put("bias", cs, "meanes", r$meanes)
        put("bias", cs, "target", r$target)
    }
    r <- fsn(d$yi, d$vi, type = "Rosenthal", alpha = 0.1)
    put("bias", paste0(name, "_fsn_Rosenthal_a10"), "fsnum", r$fsnum)
}

bias_cases("bcg", bcg, "REML", ni = bcg$ni)
bias_cases("bcg", bcg, "DL", ni = bcg$ni)
bias_cases("bcg", bcg, "FE", ni = bcg$ni)
bias_cases("bcg", bcg, "REML", test = "knha", ni = bcg$ni, trim = FALSE)
bias_cases("hackshaw", hack, "REML")
bias_cases("hackshaw", hack, "DL")
bias_cases("molloy", mol, "REML", ni = mol$ni)
bias_cases("molloy", mol, "DL", ni = mol$ni)
bias_cases("normand", nor, "REML")
bias_cases("normand", nor, "DL")
bias_cases("boundary", edge_bd, "REML")
bias_cases("identical", edge_id, "REML")
tie <- bcg
tie$vi[2] <- tie$vi[1] # a tie in vi: cor.test falls back to the normal approximation
r <- suppressWarnings(ranktest(tie$yi, tie$vi))
put("bias", "bcgtie_ranktest", "tau", r$tau)
put("bias", "bcgtie_ranktest", "pval", r$pval)
fsn_cases("bcg", bcg)
fsn_cases("hackshaw", hack)
fsn_cases("molloy", mol)
fsn_cases("normand", nor)

# ---------------------------------------------------------------------------------------------
# sensitivity

sens_out <- function(cs, r, fe) {
    est <- r$estimate
    put("sens", cs, "estimate", est)
    put("sens", cs, "se", r$se)
    put("sens", cs, "zval", if (!is.null(r$zval)) r$zval else r$tval)
    put("sens", cs, "pval", r$pval)
    put("sens", cs, "ci.lb", r$ci.lb)
    put("sens", cs, "ci.ub", r$ci.ub)
    put("sens", cs, "Q", r$Q)
    put("sens", cs, "Qp", r$Qp)
    if (!fe) put("sens", cs, "tau2", r$tau2)
    put("sens", cs, "I2", r$I2)
    put("sens", cs, "H2", r$H2)
}

sens_cases <- function(name, d, method, test = "z", order = NULL) {
    case <- paste(name, method, if (test != "z") test else NULL, sep = "_")
    case <- sub("_$", "", case)
    fit <- rma(yi, vi, data = d, method = method, test = test, control = CTRL)
    fe <- method %in% c("FE", "EE", "CE")
    sens_out(paste0(case, "_leave1out"), leave1out(fit), fe)
    sens_out(paste0(case, "_cumul"), cumul(fit), fe)
    if (!is.null(order)) {
        d$ord <- order
        fit2 <- rma(yi, vi, data = d, method = method, test = test, control = CTRL)
        sens_out(paste0(case, "_cumul_ordered"), cumul(fit2, order = ord), fe)
    }
    inf <- influence(fit)
    cs <- paste0(case, "_influence")
    for (q in c("rstudent", "dffits", "cook.d", "cov.r", "tau2.del", "QE.del", "hat", "weight"))
        put("sens", cs, q, inf$inf[[q]])
    put("sens", cs, "dfbs", inf$dfbs$intrcpt)
    put("sens", cs, "inf", as.integer(inf$is.infl))
    rs <- rstandard(fit)
    put("sens", paste0(case, "_rstandard"), "resid", rs$resid)
    put("sens", paste0(case, "_rstandard"), "se", rs$se)
    put("sens", paste0(case, "_rstandard"), "z", rs$z)
    rs <- rstudent(fit)
    put("sens", paste0(case, "_rstudent"), "resid", rs$resid)
    put("sens", paste0(case, "_rstudent"), "se", rs$se)
    put("sens", paste0(case, "_rstudent"), "z", rs$z)
}

sens_cases("bcg", bcg, "REML", order = bcg$year)
sens_cases("bcg", bcg, "DL", order = bcg$year)
sens_cases("bcg", bcg, "FE")
sens_cases("bcg", bcg, "ML")
sens_cases("bcg", bcg, "HE")
sens_cases("bcg", bcg, "PM")
sens_cases("bcg", bcg, "SJ")
sens_cases("bcg", bcg, "REML", test = "knha")
sens_cases("bcg", bcg, "DL", test = "knha")
sens_cases("hackshaw", hack, "REML", order = hack$year)
sens_cases("hackshaw", hack, "DL")
sens_cases("molloy", mol, "REML", order = mol$ni)
sens_cases("molloy", mol, "DL")
sens_cases("normand", nor, "REML")
sens_cases("normand", nor, "DL")
sens_cases("k2", edge_k2, "REML")
sens_cases("k2", edge_k2, "DL")
sens_cases("identical", edge_id, "REML")
sens_cases("boundary", edge_bd, "REML")
sens_cases("boundary", edge_bd, "DL")

writeLines(c("case,quantity,value", rows$bias), file.path(EX, "bias.csv"))
writeLines(c("case,quantity,value", rows$sens), file.path(EX, "sensitivity.csv"))
