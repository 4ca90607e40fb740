#!/usr/bin/env Rscript
# Reference predictions at new moderator values given by name (metasum compare --newmods
# 'ablat=10,year=1950,alloc=random;...'): metafor 3.8 predict(rma(...), newmods = ...) with the
# model-matrix rows built here by hand (dummy coding of factor(alloc) with reference
# "alternate", scale()/centring with the data's mean and SD, interaction products).
#
# Run from the repository root:   Rscript tests/ref/newmods_refs.R
# It (re)writes tests/ref/expected/newmods.csv: case,row,pred,se,ci_lb,ci_ub,pi_lb,pi_ub
# ("%.15g"), REML with tight convergence, on tests/fixtures/compare_bcg_rr.csv (the BCG log
# risk ratios of escalc(measure = "RR") with year, ablat, alloc).

suppressMessages(library(metafor))
if (!dir.exists(file.path("tests", "ref"))) stop("run from the repository root")
TIGHT <- list(threshold = 1e-12, tol = 1e-12, maxiter = 1000)
dat <- read.csv(file.path("tests", "fixtures", "compare_bcg_rr.csv"), stringsAsFactors = FALSE)

out <- NULL
rec <- function(case, p) {
    n <- length(p$pred)
    out <<- rbind(out, data.frame(case = case, row = seq_len(n), pred = p$pred, se = p$se,
                                  ci_lb = p$ci.lb, ci_ub = p$ci.ub, pi_lb = p$pi.lb,
                                  pi_ub = p$pi.ub))
}
dummy <- function(a, lev) as.numeric(a == lev)

# 1. ablat + year + factor(alloc): rows (ablat, year, alloc) as --newmods names them
f <- rma(yi, vi, mods = ~ ablat + year + factor(alloc), data = dat, method = "REML",
         control = TIGHT)
ab <- c(10, 30, 50); yr <- c(1950, 1970, 1960); al <- c("random", "systematic", "alternate")
rec("factor", predict(f, newmods = cbind(ab, yr, dummy(al, "random"),
                                         dummy(al, "systematic"))))

# 2. scale(ablat) + centred year: raw values given, transformed as the fit did
f <- rma(yi, vi, mods = ~ scale(ablat) + scale(year, scale = FALSE), data = dat,
         method = "REML", control = TIGHT)
ab <- c(10, 30); yr <- c(1950, 1970)
rec("scaled", predict(f, newmods = cbind((ab - mean(dat$ablat)) / sd(dat$ablat),
                                         yr - mean(dat$year))))

# 3. ablat * factor(alloc): main effects then the products
f <- rma(yi, vi, mods = ~ ablat * factor(alloc), data = dat, method = "REML", control = TIGHT)
ab <- c(20, 40, 33); al <- c("random", "systematic", "alternate")
r <- dummy(al, "random"); s <- dummy(al, "systematic")
rec("interaction", predict(f, newmods = cbind(ab, r, s, ab * r, ab * s)))

for (j in 3:8) out[[j]] <- sprintf("%.15g", out[[j]])
write.csv(out, file.path("tests", "ref", "expected", "newmods.csv"), row.names = FALSE,
          quote = FALSE)
