#!/usr/bin/env Rscript
# Reference values from R's metafor for the Baujat plot coordinates (baujat.rma: x = squared
# Pearson residual, the contribution to Q for a common-effect fit; y = influence on the pooled
# estimate) on the BCG trials (log risk ratios), for FE, DL and REML fits.
#
# Run from the repository root:   Rscript tests/ref/baujat_refs.R
# Reads tests/ref/inputs/bcg_rr_yivi.csv; writes tests/ref/expected/baujat.csv (columns
# case,quantity,value with quantities x[i], y[i]; "%.15g").  Fits use
# control=list(threshold=1e-12, maxiter=1000).

suppressMessages(library(metafor))
if (!dir.exists(file.path("tests", "ref"))) stop("run from the repository root")
dat <- read.csv(file.path("tests", "ref", "inputs", "bcg_rr_yivi.csv"))
CTRL <- list(threshold = 1e-12, maxiter = 1000)
out <- character(0)
pdf(NULL)
for (m in c("FE", "DL", "REML")) {
    res <- rma(yi, vi, data = dat, method = m, control = CTRL)
    b <- baujat(res)
    case <- paste0("bcg_", m, "_baujat")
    out <- c(out, sprintf("%s,x[%d],%.15g", case, seq_along(b$x), b$x),
             sprintf("%s,y[%d],%.15g", case, seq_along(b$y), b$y))
}
invisible(dev.off())
writeLines(c("case,quantity,value", out), file.path("tests", "ref", "expected", "baujat.csv"))
