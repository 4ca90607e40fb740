# Reference values for REML/ML at large k (issue: the log-likelihood must be a sum of logs, so
# that it stays finite when the product of k variances under- or overflows).
# Run from the repository root:  Rscript tests/ref/largek_refs.R
# Writes tests/ref/largek/<name>.csv (inputs: study,yi,vi) and tests/ref/largek/expected.csv
# (case,quantity,value; %.12g) with tightly converged metafor fits and Q-profile CIs.
suppressMessages(library(metafor))
out <- "tests/ref/largek"
dir.create(out, showWarnings = FALSE)
sizes <- c(100, 1000, 10000)
regimes <- list(small = c(0.001, 0.01), large = c(5, 50))   # vi ~ U(a, b)
tau2s <- c(small = 0.004, large = 9)
rows <- list()
add <- function(case, q, v) rows[[length(rows) + 1]] <<- data.frame(case = case, quantity = q,
    value = ifelse(is.na(v), "NA", sprintf("%.12g", v)))
ctl <- list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)
for (reg in names(regimes)) for (k in sizes) {
    set.seed(20261203 + k + (reg == "large"))
    r <- regimes[[reg]]
    vi <- signif(runif(k, r[1], r[2]), 6)
    yi <- signif(rnorm(k, -0.3, sqrt(tau2s[[reg]] + vi)), 6)
    name <- sprintf("%s_k%d", reg, k)
    write.csv(data.frame(study = seq_len(k), yi = yi, vi = vi), file.path(out, paste0(name, ".csv")),
              row.names = FALSE, quote = FALSE)
    d <- read.csv(file.path(out, paste0(name, ".csv")))
    # metafor builds k x k matrices: one fit at k = 10^4 takes about 4 minutes here, so that
    # size gets REML and ML only, without confint() (which refits many times)
    for (m in if (k > 1000) c("REML", "ML") else c("REML", "ML", "DL")) {
        fit <- rma(d$yi, d$vi, method = m, control = ctl)
        case <- paste(name, m, sep = "_")
        add(case, "k", fit$k)
        add(case, "estimate", fit$b[1]); add(case, "se", fit$se)
        add(case, "ci_lb", fit$ci.lb); add(case, "ci_ub", fit$ci.ub)
        add(case, "tau2", fit$tau2); add(case, "se_tau2", fit$se.tau2)
        add(case, "QE", fit$QE); add(case, "I2", fit$I2); add(case, "H2", fit$H2)
        fs <- fitstats(fit)
        add(case, "logLik", fs[1]); add(case, "deviance", fs[2]); add(case, "AIC", fs[3])
        add(case, "BIC", fs[4])
        if (k <= 1000) {
            ci <- confint(fit, control = list(tol = 1e-12))
            add(case, "tau2_ci_lb", ci$random[1, 2]); add(case, "tau2_ci_ub", ci$random[1, 3])
        }
    }
}
res <- do.call(rbind, rows)
write.csv(res, file.path(out, "expected.csv"), row.names = FALSE, quote = FALSE)
cat("wrote", nrow(res), "values\n")
