#!/usr/bin/env Rscript
# A sweep of metafor 3.8 over sixteen metadat data sets the other reference scripts do not use:
# 2x2 counts (OR, RR, RD, PETO; zero and double-zero cells), means (MD, SMD, ROM), correlations
# (COR, ZCOR), proportions (PR, PLN, PLO, PAS, PFT), rates (IRR, IRD, IRSD, IR, IRLN, IRS,
# IRFT) and generic yi/vi or yi/sei, each pooled with every estimator under z and Knapp-Hartung
# tests (DL, HE, REML, PM also t and adhoc, DL and REML also at level 90), with predictions
# (back-transformed), Q-profile CIs, weights, fit statistics; meta-regressions on the data set's
# own moderators (factors, NA cells); rma.mh / rma.peto; regtest (every model and predictor),
# ranktest, trimfill (every estimator and side), fsn, leave1out, cumul and influence.
#
# Run from the repository root:   Rscript tests/ref/sweep_refs.R
# It (re)writes
#   tests/ref/inputs/sweep_<data>.csv   the raw columns as R's write.csv(row.names = FALSE)
#                                       writes them (quoted text, NA cells), read back with
#                                       read.csv before any value is computed;
#   tests/ref/expected/sweep_cases.csv  case,kind,input,settings,tol: the metasum analysis that
#                                       reproduces each case (settings: metasum setting=value,
#                                       '|'-separated, lists with ';');
#   tests/ref/expected/sweep.csv        case,quantity,value (%.15g, NA): quantity is
#                                       TABLE.COLUMN[ROW] in metasum's table and column names
#                                       (docs/tables.md), ROW 1-based among the rows the table
#                                       has (rows metafor leaves out for NA are not counted);
#   tests/ref/expected/sweep_notes.txt  metafor's warnings and refusals, per case.
# See tests/ref/PROVENANCE.md for what each case is.

suppressMessages(library(metafor))

IN <- file.path("tests", "ref", "inputs")
EX <- file.path("tests", "ref", "expected")
if (!dir.exists(file.path("tests", "ref"))) stop("run from the repository root")

TIGHT   <- list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)
CITIGHT <- list(tol = 1e-12)
ALL     <- c("EE", "FE", "DL", "HE", "HS", "SJ", "ML", "REML", "PM", "EB")
FIXED   <- c("EE", "FE")
ITER    <- c("ML", "REML", "PM", "EB")

vals  <- list()
cases <- list()
notes <- character(0)

R <- function(case, q, v) {
    vals[[length(vals) + 1]] <<- data.frame(case = case, quantity = q,
        value = ifelse(is.na(v), "NA", sprintf("%.15g", as.numeric(v))))
}
C <- function(case, kind, input, settings, tol) {
    cases[[length(cases) + 1]] <<- data.frame(case = case, kind = kind, input = input,
        settings = settings, tol = tol)
}
# evaluate, recording warnings; NULL (and a note) when metafor refuses
W <- function(case, expr) {
    withCallingHandlers(
        tryCatch(expr, error = function(e) {
            notes <<- c(notes, paste0(case, ": refused: ", conditionMessage(e)))
            NULL
        }),
        warning = function(w) {
            notes <<- c(notes, paste0(case, ": warning: ", conditionMessage(w)))
            invokeRestart("muffleWarning")
        })
}

# write as a user's R session would, read back what was written
write_input <- function(df, name) {
    path <- file.path(IN, paste0("sweep_", name, ".csv"))
    write.csv(df, path, row.names = FALSE)
    back <- read.csv(path, stringsAsFactors = FALSE)
    back # write.csv keeps 15 significant digits: every value is computed from what was read
}

# back-transformation of predict() per measure, and metasum's column prefix for it
BT <- list(OR = "exp", RR = "exp", PETO = "exp", ROM = "exp", PLN = "exp", IRR = "exp",
           IRLN = "exp", ZCOR = "r", PLO = "bt", PAS = "bt", PFT = "bt", IRS = "bt")
bt_fun <- function(measure) switch(measure, ZCOR = transf.ztor, PLO = transf.ilogit,
                                   PAS = transf.iarcsin, PFT = transf.ipft.hm,
                                   IRS = transf.isqrt, exp)

fit_rows <- function(case, fit, measure, d, method, test, bt) {
    knha <- test != "z"
    P <- function(q, v) R(case, paste0("pool.", q), v)
    P("k", fit$k)
    P("estimate", fit$b[1]); P("se", fit$se); P("stat", fit$zval); P("pval", fit$pval)
    P("df", if (knha) fit$k - 1 else NA)
    P("ci_lb", fit$ci.lb); P("ci_ub", fit$ci.ub)
    P("tau2", fit$tau2); P("tau", sqrt(fit$tau2))
    if (!method %in% FIXED) P("se_tau2", fit$se.tau2)
    P("I2", fit$I2); P("H2", fit$H2)
    P("QE", fit$QE); P("QEdf", fit$k - 1); P("QEp", fit$QEp)
    if (!method %in% FIXED) P("vt", fit$vt)
    fs <- fitstats(fit)
    P("logLik", fs[1]); P("deviance", fs[2]); P("AIC", fs[3]); P("BIC", fs[4]); P("AICc", fs[5])
    pr <- predict(fit)
    if (!method %in% FIXED) { P("pi_lb", pr$pi.lb); P("pi_ub", pr$pi.ub) }
    if (!is.null(bt)) {
        tf <- bt_fun(measure)
        # PFT: the harmonic mean of the n behind each vi = 1/(4n + 2), as metasum documents
        # (docs/measures.md; ni itself unless add > 0 changed the variances)
        tp <- if (measure == "PFT") predict(fit, transf = tf,
                                            targs = list(ni = (1 / d$vi - 2) / 4))
              else predict(fit, transf = tf)
        P(paste0(bt, "_estimate"), tp$pred)
        P(paste0(bt, "_ci_lb"), tp$ci.lb); P(paste0(bt, "_ci_ub"), tp$ci.ub)
        if (!method %in% FIXED) {
            P(paste0(bt, "_pi_lb"), tp$pi.lb); P(paste0(bt, "_pi_ub"), tp$pi.ub)
        }
    }
    w <- weights(fit)
    for (j in seq_along(w)) R(case, sprintf("pool_weights.weight[%d]", j), w[j])
    if (!method %in% FIXED && !knha) {
        ci <- W(paste0(case, "_confint"), confint(fit, control = CITIGHT))
        if (!is.null(ci)) {
            r <- ci$random
            P("tau2_ci_lb", r["tau^2", "ci.lb"]); P("tau2_ci_ub", r["tau^2", "ci.ub"])
            P("tau_ci_lb", r["tau", "ci.lb"]); P("tau_ci_ub", r["tau", "ci.ub"])
            P("I2_ci_lb", r["I^2(%)", "ci.lb"]); P("I2_ci_ub", r["I^2(%)", "ci.ub"])
            P("H2_ci_lb", r["H^2", "ci.lb"]); P("H2_ci_ub", r["H^2", "ci.ub"])
        }
    }
}

# a control whose threshold is relative to the variances (rates: tau2 ~ 1e-7)
ctl_for <- function(vi) if (mean(vi, na.rm = TRUE) < 1e-3)
    list(threshold = 1e-13 * mean(vi, na.rm = TRUE), tol = 1e-12, maxiter = 10000) else TIGHT

tol_for <- function(method) if (method %in% ITER) 1e-8 else 1e-9

# pool every estimator (z and knha) on escalc(measure) of d
# extra: more escalc() arguments (add, to), named by sfx in the case names
pool_set <- function(tag, input, d, measure, escalc_args, settings, methods = ALL,
                     extra = list(), sfx = "") {
    es <- if (is.null(escalc_args)) d else do.call(escalc, c(list(measure = measure, data = d),
                                                             escalc_args, extra))
    base <- paste0(tag, "_", measure, sfx)
    ok <- !is.na(es$yi) & !is.na(es$vi)
    if (!is.null(escalc_args)) {
        C(paste0(base, "_effects"), "effects", input, settings, 1e-9)
        yi <- es$yi[ok]; vi <- es$vi[ok]
        for (j in seq_along(yi)) {
            R(paste0(base, "_effects"), sprintf("effects.yi[%d]", j), yi[j])
            R(paste0(base, "_effects"), sprintf("effects.vi[%d]", j), vi[j])
        }
    }
    ctl <- ctl_for(es$vi)
    bt <- BT[[measure]]
    runs <- expand.grid(test = c("z", "knha"), m = methods, level = 95,
                        stringsAsFactors = FALSE)
    more <- intersect(methods, c("DL", "HE", "REML", "PM"))
    if (length(more))
        runs <- rbind(runs, expand.grid(test = c("t", "adhoc"), m = more, level = 95,
                                        stringsAsFactors = FALSE),
                      expand.grid(test = c("z", "knha"), m = intersect(more, c("DL", "REML")),
                                  level = 90, stringsAsFactors = FALSE))
    for (r in seq_len(nrow(runs))) {
        m <- runs$m[r]; test <- runs$test[r]; level <- runs$level[r]
        case <- paste0(base, "_", m, if (test != "z") paste0("_", test) else "",
                       if (level != 95) paste0("_level", level) else "")
        fit <- W(case, rma(yi, vi, data = es, method = m, test = test, level = level,
                           control = ctl))
        if (is.null(fit)) next
        s <- paste0(settings, "|method=", m, "|test=", test, "|weights=1",
                    if (level != 95) paste0("|level=", level / 100) else "")
        C(case, "pool", input, s, tol_for(m))
        fit_rows(case, fit, measure, es[ok, ], m, test, bt)
    }
    invisible(es)
}

# meta-regression: rma(yi, vi, mods = formula) as metasum compare --mods
# newmods (metasum --newmods) and X (the same rows as metafor's newmods matrix): predictions
mods_set <- function(tag, input, es, measure, formula, mods, settings,
                     methods = c("FE", "DL", "REML", "ML"), name = "mods", newmods = NULL,
                     X = NULL) {
    ctl <- ctl_for(es$vi)
    for (m in methods) for (knha in c(FALSE, TRUE)) {
        case <- paste0(tag, "_", measure, "_", name, "_", m, if (knha) "_knha" else "")
        fit <- W(case, rma(yi, vi, mods = formula, data = es, method = m,
                           test = if (knha) "knha" else "z", control = ctl))
        if (is.null(fit)) next
        s <- paste0(settings, "|mods=", mods, "|method=", m, "|test=",
                    if (knha) "knha" else "z", if (!is.null(X)) paste0("|newmods=", newmods))
        C(case, "compare", input, s, tol_for(m))
        for (j in seq_along(fit$b)) {
            Q <- function(q, v) R(case, sprintf("metareg.%s[%d]", q, j), v)
            Q("estimate", fit$b[j]); Q("se", fit$se[j]); Q("stat", fit$zval[j])
            Q("pval", fit$pval[j]); Q("ci_lb", fit$ci.lb[j]); Q("ci_ub", fit$ci.ub[j])
            Q("df", if (knha) fit$dfs else NA)
        }
        M <- function(q, v) R(case, paste0("model.", q), v)
        M("k", fit$k); M("p", fit$p)
        M("tau2", fit$tau2)
        if (m != "FE") { M("se_tau2", fit$se.tau2); M("R2", fit$R2) }
        M("I2", fit$I2); M("H2", fit$H2)
        M("QE", fit$QE); M("QEdf", fit$k - fit$p); M("QEp", fit$QEp)
        M("QM", fit$QM); M("QMdf", fit$QMdf[1]); M("QMp", fit$QMp)
        if (knha) { M("QMdf2", fit$QMdf[2]); M("s2w", fit$s2w) }
        fs <- fitstats(fit)
        M("logLik", fs[1]); M("deviance", fs[2]); M("AIC", fs[3]); M("BIC", fs[4])
        M("AICc", fs[5])
        if (!is.null(X)) {
            pr <- predict(fit, newmods = X)
            for (i in seq_len(nrow(X))) {
                Pr <- function(q, v) R(case, sprintf("predict.%s[%d]", q, i), v)
                Pr("pred", pr$pred[i]); Pr("se", pr$se[i])
                Pr("ci_lb", pr$ci.lb[i]); Pr("ci_ub", pr$ci.ub[i])
                if (m != "FE") { Pr("pi_lb", pr$pi.lb[i]); Pr("pi_ub", pr$pi.ub[i]) }
                if (identical(BT[[measure]], "exp")) {
                    Pr("exp_pred", exp(pr$pred[i]))
                    Pr("exp_ci_lb", exp(pr$ci.lb[i])); Pr("exp_ci_ub", exp(pr$ci.ub[i]))
                }
            }
        }
        if (m %in% c("REML", "ML") && !knha) {
            ci <- W(paste0(case, "_confint"), confint(fit, control = CITIGHT))
            if (!is.null(ci)) {
                M("tau2_ci_lb", ci$random["tau^2", "ci.lb"])
                M("tau2_ci_ub", ci$random["tau^2", "ci.ub"])
            }
        }
    }
}

# subgroups (metasum compare --by): a fit per group (levels in byte order, as metasum's compare
# and R's factor(); NA groups left out), the separate-tau2 test (QE of an FE fit to the group
# estimates), the common-tau2 QM of rma(mods = ~ factor(by)), and every pairwise difference
# est_a - est_b (a before b)
by_set <- function(tag, input, es, measure, by, settings, methods = c("REML", "DL")) {
    es <- es[!is.na(es$yi) & !is.na(es$vi) & !is.na(es[[by]]), ]
    ctl <- ctl_for(es$vi)
    lev <- sort(unique(as.character(es[[by]])), method = "radix") # C-locale byte order
    bt <- BT[[measure]]
    for (m in methods) for (knha in c(FALSE, TRUE)) {
        test <- if (knha) "knha" else "z"
        case <- paste0(tag, "_", measure, "_by_", by, "_", m, if (knha) "_knha" else "")
        C(case, "compare", input, paste0(settings, "|by=", by, "|method=", m, "|test=", test),
          tol_for(m))
        est <- se <- numeric(0)
        for (g in seq_along(lev)) {
            f <- rma(yi, vi, data = es, subset = es[[by]] == lev[g], method = m, test = test,
                     control = ctl)
            G <- function(q, v) R(case, sprintf("groups.%s[%d]", q, g), v)
            pr <- predict(f)
            G("k", f$k); G("estimate", f$b[1]); G("se", f$se); G("stat", f$zval)
            G("pval", f$pval); G("ci_lb", f$ci.lb); G("ci_ub", f$ci.ub)
            G("pi_lb", pr$pi.lb); G("pi_ub", pr$pi.ub)
            if (identical(bt, "exp")) {
                G("exp_estimate", exp(f$b[1])); G("exp_ci_lb", exp(f$ci.lb))
                G("exp_ci_ub", exp(f$ci.ub))
            }
            G("tau2", f$tau2); G("I2", f$I2); G("H2", f$H2); G("QE", f$QE); G("QEp", f$QEp)
            est[g] <- f$b[1]; se[g] <- f$se
        }
        if (!knha) {
            fe <- rma(est, sei = se, method = "FE")
            R(case, "between.stat[1]", fe$QE); R(case, "between.df1[1]", length(lev) - 1)
            R(case, "between.pval[1]", fe$QEp)
            R(case, "between.estimate[1]", fe$b[1]); R(case, "between.se[1]", fe$se)
        }
        mr <- rma(yi, vi, mods = ~ factor(es[[by]], levels = lev), data = es, method = m,
                  test = test, control = ctl)
        R(case, "between.stat[2]", mr$QM); R(case, "between.pval[2]", mr$QMp)
        R(case, "between.tau2[2]", mr$tau2)
        if (!knha) {
            j <- 0
            for (a in seq_along(lev)) for (b in seq_along(lev)) if (a < b) {
                j <- j + 1
                d <- est[a] - est[b]; sd <- sqrt(se[a]^2 + se[b]^2)
                R(case, sprintf("pairs.diff[%d]", j), d); R(case, sprintf("pairs.se[%d]", j), sd)
                R(case, sprintf("pairs.stat[%d]", j), d / sd)
                R(case, sprintf("pairs.pval[%d]", j), 2 * pnorm(-abs(d / sd)))
                R(case, sprintf("pairs.ci_lb[%d]", j), d - qnorm(0.975) * sd)
                R(case, sprintf("pairs.ci_ub[%d]", j), d + qnorm(0.975) * sd)
            }
        }
    }
}

# regtest, ranktest, trimfill, fsn (metasum bias) and leave1out (metasum sensitivity)
bias_set <- function(tag, input, es, measure, settings, methods = c("REML", "DL")) {
    ni <- attr(es$yi, "ni")
    keep <- !is.na(es$yi) & !is.na(es$vi)
    es <- es[keep, ]
    if (!is.null(ni)) es$ni <- ni[keep]
    has_ni <- !is.null(es$ni)
    ctl <- ctl_for(es$vi)
    for (m in methods) {
        case <- paste0(tag, "_", measure, "_bias_", m)
        fit <- if (has_ni) rma(yi, vi, ni = ni, data = es, method = m, control = ctl)
               else rma(yi, vi, data = es, method = m, control = ctl)
        B <- function(q, row, v) R(case, sprintf("bias.%s[%d]", q, row), v)
        rt <- W(case, regtest(fit))
        B("stat", 1, rt$zval); B("pval", 1, rt$pval)
        B("estimate", 1, rt$est); B("ci_lb", 1, rt$ci.lb); B("ci_ub", 1, rt$ci.ub)
        rk <- W(case, ranktest(fit))
        B("estimate", 2, rk$tau); B("pval", 2, rk$pval)
        tf <- W(case, trimfill(fit, control = ctl))
        B("k", 3, tf$k); B("k0", 3, tf$k0); B("se_k0", 3, tf$se.k0)
        B("estimate", 3, tf$b[1]); B("stat", 3, tf$zval); B("pval", 3, tf$pval)
        B("ci_lb", 3, tf$ci.lb); B("ci_ub", 3, tf$ci.ub)
        fr <- fsn(yi, vi, data = es)
        B("fsnum", 4, fr$fsnum); B("pval", 4, fr$pval)
        fo <- fsn(yi, vi, data = es, type = "Orwin")
        B("fsnum", 5, fo$fsnum); B("estimate", 5, fo$meanes)
        fb <- fsn(yi, vi, data = es, type = "Rosenberg")
        B("fsnum", 6, fb$fsnum); B("pval", 6, fb$pval); B("estimate", 6, fb$meanes)
        C(case, "bias", input, paste0(settings, "|method=", m), tol_for(m))
        # regtest variants (row 1) and trimfill variants (row 3)
        preds <- c("sei", "vi", if (has_ni) c("ni", "ninv", "sqrtninv"))
        for (model in c("rma", "lm")) for (pred in preds) {
            if (model == "rma" && pred == "sei") next
            case <- paste0(tag, "_", measure, "_regtest_", model, "_", pred, "_", m)
            rt <- W(case, regtest(fit, model = model, predictor = pred))
            if (is.null(rt)) next
            C(case, "bias", input, paste0(settings, "|method=", m, "|model=", model,
                                          "|predictor=", pred), tol_for(m))
            R(case, "bias.stat[1]", rt$zval); R(case, "bias.pval[1]", rt$pval)
            R(case, "bias.df[1]", if (model == "lm") rt$dfs else NA)
            if (pred %in% c("sei", "vi")) {
                R(case, "bias.estimate[1]", rt$est)
                R(case, "bias.ci_lb[1]", rt$ci.lb); R(case, "bias.ci_ub[1]", rt$ci.ub)
            }
        }
        for (est in c("L0", "R0", "Q0")) for (side in c("auto", "left", "right")) {
            if (est == "L0" && side == "auto") next
            case <- paste0(tag, "_", measure, "_trimfill_", est, "_", side, "_", m)
            tf <- W(case, if (side == "auto") trimfill(fit, estimator = est, control = ctl)
                          else trimfill(fit, estimator = est, side = side, control = ctl))
            C(case, "bias", input, paste0(settings, "|method=", m, "|estimator=", est,
                                          "|side=", side), tol_for(m))
            T <- function(q, v) R(case, sprintf("bias.%s[3]", q), v)
            if (is.null(tf)) { # metafor stops (Q0's square root of a negative): metasum NA
                T("k0", NA); T("estimate", NA); T("pval", NA)
                next
            }
            T("k", tf$k); T("k0", tf$k0); T("se_k0", tf$se.k0)
            T("estimate", tf$b[1]); T("stat", tf$zval); T("pval", tf$pval)
            T("ci_lb", tf$ci.lb); T("ci_ub", tf$ci.ub)
        }
        case <- paste0(tag, "_", measure, "_leave1out_", m)
        l1 <- W(case, leave1out(fit))
        C(case, "sensitivity", input, paste0(settings, "|method=", m, "|analysis=leave1out"),
          tol_for(m))
        for (i in seq_along(l1$estimate)) {
            L <- function(q, v) R(case, sprintf("leave1out.%s[%d]", q, i), v)
            L("estimate", l1$estimate[i]); L("se", l1$se[i]); L("stat", l1$zval[i])
            L("pval", l1$pval[i]); L("ci_lb", l1$ci.lb[i]); L("ci_ub", l1$ci.ub[i])
            L("Q", l1$Q[i]); L("Q_p", l1$Qp[i]); L("tau2", l1$tau2[i])
            L("I2", l1$I2[i]); L("H2", l1$H2[i])
        }
        case <- paste0(tag, "_", measure, "_cumul_", m)
        cu <- W(case, cumul(fit))
        C(case, "sensitivity", input, paste0(settings, "|method=", m, "|analysis=cumul"),
          tol_for(m))
        for (i in seq_along(cu$estimate)) {
            L <- function(q, v) R(case, sprintf("cumul.%s[%d]", q, i), v)
            L("k", i)
            L("estimate", cu$estimate[i]); L("se", cu$se[i]); L("stat", cu$zval[i])
            L("pval", cu$pvals[i]); L("ci_lb", cu$ci.lb[i]); L("ci_ub", cu$ci.ub[i])
            L("Q", cu$Q[i]); L("Q_p", cu$Qp[i]); L("tau2", cu$tau2[i])
            L("I2", cu$I2[i]); L("H2", cu$H2[i])
        }
        case <- paste0(tag, "_", measure, "_influence_", m)
        inf <- W(case, influence(fit))
        rs <- rstandard(fit)
        ru <- W(case, rstudent(fit))
        C(case, "sensitivity", input, paste0(settings, "|method=", m, "|analysis=influence"),
          tol_for(m))
        for (i in seq_along(rs$resid)) {
            L <- function(q, v) R(case, sprintf("influence.%s[%d]", q, i), v)
            # metasum's resid, resid_se are rstudent()'s (the deleted residual and its SE)
            L("rstudent", ru$z[i]); L("resid", ru$resid[i]); L("resid_se", ru$se[i])
            L("rstandard", rs$z[i]); L("dffits", inf$inf$dffits[i])
            L("cook_d", inf$inf$cook.d[i]); L("cov_r", inf$inf$cov.r[i])
            L("tau2_del", inf$inf$tau2.del[i]); L("QE_del", inf$inf$QE.del[i])
            L("hat", inf$inf$hat[i]); L("weight", inf$inf$weight[i])
            L("dfbetas", inf$dfbs[[1]][i]); L("inf", as.numeric(inf$is.infl[i]))
        }
    }
}

# rma.mh (measure) or rma.peto (measure = "PETO") with metafor's defaults, as metasum pool
# --method MH / PETO; args name the data's columns (ai, n1i, ci, n2i or x1i, t1i, x2i, t2i)
mh_set <- function(tag, input, d, measure, args, settings) {
    peto <- measure == "PETO"
    case <- paste0(tag, if (peto) "_peto" else paste0("_mh_", measure))
    fit <- W(case, if (peto) do.call(rma.peto, c(list(data = d), args))
                   else do.call(rma.mh, c(list(data = d, measure = measure), args)))
    if (is.null(fit)) return(invisible())
    C(case, "pool", input, paste0(settings, if (peto) "|method=PETO" else
                                      paste0("|method=MH|measure=", measure)), 1e-9)
    P <- function(q, v) if (!is.null(v)) R(case, paste0("pool.", q), v)
    P("k", fit$k); P("k_yi", fit$k.yi)
    P("estimate", fit$beta); P("se", fit$se); P("zval", fit$zval); P("pval", fit$pval)
    P("ci_lb", fit$ci.lb); P("ci_ub", fit$ci.ub)
    if (measure %in% c("OR", "RR", "IRR", "PETO")) {
        P("exp_estimate", exp(fit$beta)); P("exp_ci_lb", exp(fit$ci.lb))
        P("exp_ci_ub", exp(fit$ci.ub))
    }
    P("QE", fit$QE); P("QEp", fit$QEp); P("I2", fit$I2); P("H2", fit$H2)
    P("cmh", fit$MH); P("cmh_p", fit$MHp); P("tarone", fit$TA); P("tarone_p", fit$TAp)
    P("breslow_day", fit$BD); P("breslow_day_p", fit$BDp)
    if (measure %in% c("OR", "PETO")) P("k_pos", fit$k.pos)
}

CTS <- list(ai = quote(ai), n1i = quote(n1i), ci = quote(ci), n2i = quote(n2i))
MHC <- list(ai = quote(ai), n1i = quote(n1i), ci = quote(ci), n2i = quote(n2i))

# ---- 2x2 counts ----------------------------------------------------------------------------

# Yusuf 1985, table 9 (beta blockers, mortality): 28 trials, 12 with a zero cell, 8 double-zero
d <- dat.yusuf1985[dat.yusuf1985$table == "9", c("trial", "id", "ai", "n1i", "ci", "n2i")]
d <- write_input(d, "yusuf1985")
pool_set("yusuf1985", "sweep_yusuf1985.csv", d, "OR", CTS, "measure=OR")
pool_set("yusuf1985", "sweep_yusuf1985.csv", d, "PETO", CTS, "measure=PETO",
         c("FE", "DL", "REML"))
pool_set("yusuf1985", "sweep_yusuf1985.csv", d, "RD", CTS, "measure=RD", c("FE", "DL", "REML"))
for (m in c("OR", "RR", "RD", "PETO")) mh_set("yusuf1985", "sweep_yusuf1985.csv", d, m, MHC, "")
# continuity corrections: to = "all", "if0all", add = 0.25 and add = 0 (double-zero tables then
# give no yi)
for (m in c("OR", "RR", "RD")) {
    pool_set("yusuf1985", "sweep_yusuf1985.csv", d, m, CTS, paste0("measure=", m, "|to=all"),
             c("DL", "REML"), list(to = "all"), "_toall")
    pool_set("yusuf1985", "sweep_yusuf1985.csv", d, m, CTS, paste0("measure=", m, "|to=if0all"),
             c("DL", "REML"), list(to = "if0all"), "_toif0all")
    pool_set("yusuf1985", "sweep_yusuf1985.csv", d, m, CTS, paste0("measure=", m, "|add=0.25"),
             c("DL", "REML"), list(add = 0.25), "_add025")
}

# Egger 2001 (magnesium, myocardial infarction): one zero cell; the funnel asymmetry example
d <- write_input(dat.egger2001, "egger2001")
es <- pool_set("egger2001", "sweep_egger2001.csv", d, "OR", CTS, "measure=OR")
pool_set("egger2001", "sweep_egger2001.csv", d, "RR", CTS, "measure=RR", c("FE", "DL", "REML"))
bias_set("egger2001", "sweep_egger2001.csv", es, "OR", "measure=OR")
for (m in c("OR", "RR", "RD", "PETO")) mh_set("egger2001", "sweep_egger2001.csv", d, m, MHC, "")

# Laopaiboon 2015 (azithromycin): RR with a factor moderator (age: adults/children)
d <- write_input(dat.laopaiboon2015, "laopaiboon2015")
es <- pool_set("laopaiboon2015", "sweep_laopaiboon2015.csv", d, "RR", CTS, "measure=RR")
mods_set("laopaiboon2015", "sweep_laopaiboon2015.csv", es, "RR", ~ factor(age), "age",
         "measure=RR")
bias_set("laopaiboon2015", "sweep_laopaiboon2015.csv", es, "RR", "measure=RR")
by_set("laopaiboon2015", "sweep_laopaiboon2015.csv", es, "RR", "age", "measure=RR")

# Hine 1989 (lidocaine): risk differences, k = 6
d <- write_input(dat.hine1989, "hine1989")
pool_set("hine1989", "sweep_hine1989.csv", d, "RD", CTS, "measure=RD")
for (m in c("OR", "RD", "PETO")) mh_set("hine1989", "sweep_hine1989.csv", d, m, MHC, "")

# Viechtbauer 2021 (dose): the counts under their own names (--col), dose as moderator
d <- write_input(dat.viechtbauer2021, "viechtbauer2021")
V21 <- list(ai = quote(xTi), n1i = quote(nTi), ci = quote(xCi), n2i = quote(nCi))
V21S <- "col=ai=xTi;n1i=nTi;ci=xCi;n2i=nCi|measure=OR"
es <- pool_set("viechtbauer2021", "sweep_viechtbauer2021.csv", d, "OR", V21, V21S)
mods_set("viechtbauer2021", "sweep_viechtbauer2021.csv", es, "OR", ~ dose, "dose", V21S,
         newmods = "dose=50;dose=200", X = matrix(c(50, 200)))
for (m in c("OR", "RR", "PETO"))
    mh_set("viechtbauer2021", "sweep_viechtbauer2021.csv", d, m, V21,
           "col=ai=xTi;n1i=nTi;ci=xCi;n2i=nCi")

# Dorn 2007 (placebo response in IBS): RR under own names; moderator 'visits' has NA cells
d <- write_input(dat.dorn2007, "dorn2007")
D07 <- list(ai = quote(x.a), n1i = quote(n.a), ci = quote(x.p), n2i = quote(n.p))
D07S <- "col=ai=x.a;n1i=n.a;ci=x.p;n2i=n.p|measure=RR"
es <- pool_set("dorn2007", "sweep_dorn2007.csv", d, "RR", D07, D07S)
mods_set("dorn2007", "sweep_dorn2007.csv", es, "RR", ~ visits, "visits", D07S)
mods_set("dorn2007", "sweep_dorn2007.csv", es, "RR", ~ jadad + factor(ibs.crit),
         "jadad;ibs.crit", D07S, c("DL", "REML"), "mods2")
by_set("dorn2007", "sweep_dorn2007.csv", es, "RR", "ibs.crit", D07S)
for (m in c("OR", "RR", "PETO"))
    mh_set("dorn2007", "sweep_dorn2007.csv", d, m, D07, "col=ai=x.a;n1i=n.a;ci=x.p;n2i=n.p")

# ---- means ---------------------------------------------------------------------------------

# Curtis 1998 (CO2 and plant mass): ROM, k = 102, moderators fungrp (factor) and time
d <- dat.curtis1998[, c("id", "paper", "genus", "species", "fungrp", "time", "m1i", "sd1i",
                        "n1i", "m2i", "sd2i", "n2i")]
d <- write_input(d, "curtis1998")
es <- pool_set("curtis1998", "sweep_curtis1998.csv", d, "ROM",
               list(m1i = quote(m1i), sd1i = quote(sd1i), n1i = quote(n1i), m2i = quote(m2i),
                    sd2i = quote(sd2i), n2i = quote(n2i)), "measure=ROM")
mods_set("curtis1998", "sweep_curtis1998.csv", es, "ROM", ~ factor(fungrp) + time,
         "fungrp;time", "measure=ROM",
         newmods = "fungrp=GYMNO,time=100;fungrp=N2FIX,time=30;fungrp=ANGIO,time=365",
         X = rbind(c(1, 0, 100), c(0, 1, 30), c(0, 0, 365)))
by_set("curtis1998", "sweep_curtis1998.csv", es, "ROM", "fungrp", "measure=ROM")

# Michael 2013 (brain images): SMD and MD under the data set's own names (--col); the study
# labels contain commas (quoted fields)
d <- write_input(dat.michael2013[, 1:7], "michael2013")
M13 <- list(m1i = quote(Brain_m), sd1i = quote(Brain_s), n1i = quote(Brain_n),
            m2i = quote(No_brain_m), sd2i = quote(No_brain_s), n2i = quote(No_brain_n))
M13S <- "col=m1i=Brain_m;sd1i=Brain_s;n1i=Brain_n;m2i=No_brain_m;sd2i=No_brain_s;n2i=No_brain_n"
pool_set("michael2013", "sweep_michael2013.csv", d, "SMD", M13, paste0(M13S, "|measure=SMD"))
pool_set("michael2013", "sweep_michael2013.csv", d, "MD", M13, paste0(M13S, "|measure=MD"),
         c("FE", "DL", "REML"))

# ---- correlations --------------------------------------------------------------------------

# McDaniel 1994 (interviews): ZCOR, k = 160, factor moderator struct
d <- write_input(dat.mcdaniel1994, "mcdaniel1994")
es <- pool_set("mcdaniel1994", "sweep_mcdaniel1994.csv", d, "ZCOR",
               list(ri = quote(ri), ni = quote(ni)), "measure=ZCOR")
mods_set("mcdaniel1994", "sweep_mcdaniel1994.csv", es, "ZCOR", ~ factor(struct), "struct",
         "measure=ZCOR")
bias_set("mcdaniel1994", "sweep_mcdaniel1994.csv", es, "ZCOR", "measure=ZCOR")

# Crede 2010 (class attendance): COR, moderator class with 30 NA cells
d <- write_input(dat.crede2010, "crede2010")
es <- pool_set("crede2010", "sweep_crede2010.csv", d, "COR",
               list(ri = quote(ri), ni = quote(ni)), "measure=COR")
mods_set("crede2010", "sweep_crede2010.csv", es, "COR", ~ factor(class), "class",
         "measure=COR")
by_set("crede2010", "sweep_crede2010.csv", es, "COR", "class", "measure=COR")

# ---- proportions ---------------------------------------------------------------------------

# Pritz 1997 (EC-IC bypass): every proportion measure; three studies with xi = ni
d <- write_input(dat.pritz1997, "pritz1997")
PRO <- list(xi = quote(xi), ni = quote(ni))
pool_set("pritz1997", "sweep_pritz1997.csv", d, "PLO", PRO, "measure=PLO")
for (m in c("PR", "PAS", "PFT", "PLN"))
    pool_set("pritz1997", "sweep_pritz1997.csv", d, m, PRO, paste0("measure=", m),
             c("FE", "DL", "REML"))
pool_set("pritz1997", "sweep_pritz1997.csv", d, "PLO", PRO, "measure=PLO|to=all", c("DL", "REML"),
         list(to = "all"), "_toall")
pool_set("pritz1997", "sweep_pritz1997.csv", d, "PFT", PRO, "measure=PFT|add=0.5",
         c("DL", "REML"), list(add = 0.5), "_add05")
pool_set("pritz1997", "sweep_pritz1997.csv", d, "PAS", PRO, "measure=PAS|add=0.5|to=all",
         c("DL", "REML"), list(add = 0.5, to = "all"), "_add05all")

# O'Brien 2003 (BMI and preeclampsia): PLO of cases/total (--col), moderator bmi
d <- write_input(dat.obrien2003, "obrien2003")
O03S <- "col=xi=cases;ni=total|measure=PLO"
es <- pool_set("obrien2003", "sweep_obrien2003.csv", d, "PLO",
               list(xi = quote(cases), ni = quote(total)), O03S)
mods_set("obrien2003", "sweep_obrien2003.csv", es, "PLO", ~ bmi, "bmi", O03S,
         newmods = "bmi=20;bmi=35", X = matrix(c(20, 35)))

# ---- rates ---------------------------------------------------------------------------------

# Hart 1999 (warfarin, atrial fibrillation): two-group rates; the first arm alone as one rate
d <- write_input(dat.hart1999, "hart1999")
RT <- list(x1i = quote(x1i), t1i = quote(t1i), x2i = quote(x2i), t2i = quote(t2i))
pool_set("hart1999", "sweep_hart1999.csv", d, "IRR", RT, "measure=IRR")
pool_set("hart1999", "sweep_hart1999.csv", d, "IRD", RT, "measure=IRD", c("FE", "DL", "REML"))
pool_set("hart1999", "sweep_hart1999.csv", d, "IRSD", RT, "measure=IRSD", c("FE", "DL", "REML"))
for (m in c("IRR", "IRD")) mh_set("hart1999", "sweep_hart1999.csv", d, m, RT, "")
d1 <- data.frame(study = dat.hart1999$study, xi = dat.hart1999$x2i, ti = dat.hart1999$t2i)
d1 <- write_input(d1, "hart1999_arm2")
for (m in c("IRLN", "IR", "IRS", "IRFT"))
    pool_set("hart1999", "sweep_hart1999_arm2.csv", d1, m, list(xi = quote(xi), ti = quote(ti)),
             paste0("measure=", m), c("FE", "DL", "REML"))

# ---- generic yi/vi -------------------------------------------------------------------------

# Bangert-Drowns 2004 (writing to learn): yi/vi, moderator length with NA cells
d <- write_input(dat.bangertdrowns2004[, c("id", "author", "year", "grade", "length", "wic",
                                           "feedback", "info", "ni", "yi", "vi")],
                 "bangertdrowns2004")
es <- pool_set("bangertdrowns2004", "sweep_bangertdrowns2004.csv", d, "GEN", NULL, "")
mods_set("bangertdrowns2004", "sweep_bangertdrowns2004.csv", d, "GEN", ~ length, "length", "",
         ALL)
# scale(ni) over every row of the data frame (R's formula: before the rows with NA in length
# or feedback are left out), as metasum does (docs/compare.md)
mods_set("bangertdrowns2004", "sweep_bangertdrowns2004.csv", d, "GEN",
         ~ length + feedback + scale(ni) + length:feedback,
         "length;feedback;scale(ni);length:feedback", "", c("DL", "REML", "PM", "SJ"), "mods2")
bias_set("bangertdrowns2004", "sweep_bangertdrowns2004.csv", d, "GEN", "")

# Konstantopoulos 2011 (school calendars) as univariate yi/vi, moderator year
d <- write_input(dat.konstantopoulos2011, "konstantopoulos2011")
pool_set("konstantopoulos2011", "sweep_konstantopoulos2011.csv", d, "GEN", NULL, "")
mods_set("konstantopoulos2011", "sweep_konstantopoulos2011.csv", d, "GEN", ~ year, "year", "",
         ALL)

# Baskerville 2012 (practice facilitation): SMDs with standard errors (--col yi=smd, sei=se)
d <- write_input(dat.baskerville2012, "baskerville2012")
d$yi <- d$smd
d$vi <- d$se^2
B12S <- "col=yi=smd;sei=se"
pool_set("baskerville2012", "sweep_baskerville2012.csv", d, "GEN", NULL, B12S)
mods_set("baskerville2012", "sweep_baskerville2012.csv", d, "GEN", ~ blind + score,
         "blind;score", B12S)
bias_set("baskerville2012", "sweep_baskerville2012.csv", d, "GEN", B12S)

# ---- user-style files for the CLI cases (tests/cli/sweep.tst) -------------------------------
# As R users write them: write.csv with its row-name column (header ""), write.csv2 (';' and
# decimal commas), write.table with tabs; the data sets as metadat has them (NA cells, text
# factors).  The values they must give are the cases above (same data, same numbers).
FX <- file.path("tests", "fixtures", "sweep")
dir.create(FX, showWarnings = FALSE, recursive = TRUE)
write.csv(dat.egger2001, file.path(FX, "egger2001_rownames.csv"))
write.csv(dat.yusuf1985[dat.yusuf1985$table == "9", c("trial", "id", "ai", "n1i", "ci", "n2i")],
          file.path(FX, "yusuf1985_rownames.csv"))
write.csv2(dat.michael2013[, 1:7], file.path(FX, "michael2013_csv2.csv"), row.names = FALSE)
write.table(dat.hart1999, file.path(FX, "hart1999.tsv"), sep = "\t", row.names = FALSE)
write.csv(dat.crede2010, file.path(FX, "crede2010_rownames.csv"))
write.csv2(dat.dorn2007, file.path(FX, "dorn2007_csv2.csv"))

# ---- write ---------------------------------------------------------------------------------

out <- do.call(rbind, vals)
write.table(out, file.path(EX, "sweep.csv"), sep = ",", quote = FALSE, row.names = FALSE)
cs <- do.call(rbind, cases)
write.table(cs, file.path(EX, "sweep_cases.csv"), sep = ",", quote = FALSE, row.names = FALSE)
writeLines(if (length(notes)) notes else "(none)", file.path(EX, "sweep_notes.txt"))
cat(nrow(cs), "cases,", nrow(out), "values\n")
