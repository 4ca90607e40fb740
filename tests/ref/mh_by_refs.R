#!/usr/bin/env Rscript
# Reference values for `metasum pool --method MH --by alloc`: metafor 3.8 rma.mh() on each
# subset of the BCG trials (datasets/bcg/effects.csv) by allocation, for OR and RR.
#
# Run from the repository root:   Rscript tests/ref/mh_by_refs.R
# It (re)writes tests/ref/expected/mh_by_{OR,RR}.csv: one row per group (in order of first
# appearance, as metasum lists them) with metasum's column names, values "%.15g".

suppressMessages(library(metafor))
if (!dir.exists(file.path("tests", "ref"))) stop("run from the repository root")
dat <- read.csv(file.path("datasets", "bcg", "effects.csv"), stringsAsFactors = FALSE)
f15 <- function(x) ifelse(is.na(x), "NA", sprintf("%.15g", x))
for (m in c("OR", "RR")) {
    out <- NULL
    for (g in unique(dat$alloc)) {
        s <- dat[dat$alloc == g, ]
        r <- rma.mh(ai = ai, bi = bi, ci = ci, di = di, data = s, measure = m)
        row <- data.frame(alloc = g, k = r$k, estimate = f15(r$beta[1]), se = f15(r$se),
                          zval = f15(r$zval), pval = f15(r$pval), ci_lb = f15(r$ci.lb),
                          ci_ub = f15(r$ci.ub), QE = f15(r$QE), QEp = f15(r$QEp),
                          cmh = f15(if (m == "OR") r$MH else NA),
                          cmh_p = f15(if (m == "OR") r$MHp else NA),
                          tarone = f15(if (m == "OR") r$TA else NA),
                          tarone_p = f15(if (m == "OR") r$TAp else NA))
        out <- rbind(out, row)
    }
    write.csv(out, file.path("tests", "ref", "expected", sprintf("mh_by_%s.csv", m)),
              row.names = FALSE, quote = FALSE)
}
