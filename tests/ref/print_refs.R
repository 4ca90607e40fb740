# metafor 3.8 printed summaries of the BCG fits (print.rma.uni, predict.rma with transf=exp,
# confint.rma): the wording and digits `metasum pool -f text` follows.  Run from the repository
# root:  Rscript tests/ref/print_refs.R   (writes tests/ref/print/bcg_rr_print.txt; its
# last sections fit tests/cli/data/textsum_plo.csv)
suppressMessages(library(metafor))
dat <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
tight <- list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)
out <- "tests/ref/print/bcg_rr_print.txt"
sink(out)
cat("== rma(yi, vi, data = dat, method = \"REML\")\n")
res <- rma(yi, vi, data = dat, method = "REML", control = tight)
print(res, signif.stars = FALSE)
cat("== predict(res, transf = exp)\n")
print(predict(res, transf = exp))
cat("== predict(res)\n")
print(predict(res))
cat("== confint(res)\n")
print(confint(res, control = list(tol = 1e-12)))
cat("== rma(yi, vi, data = dat, test = \"knha\")\n")
print(rma(yi, vi, data = dat, test = "knha", control = tight), signif.stars = FALSE)
cat("== rma(yi, vi, data = dat, method = \"FE\")\n")
print(rma(yi, vi, data = dat, method = "FE"), signif.stars = FALSE)
for (a in c("random", "alternate", "systematic")) {
  cat(sprintf("== rma(yi, vi, data = dat, subset = alloc == \"%s\")\n", a))
  r <- rma(yi, vi, data = dat, subset = alloc == a, control = tight)
  print(r, signif.stars = FALSE)
  print(predict(r, transf = exp))
}
# a proportion measure: logit scale, back-transformed with transf.ilogit
p <- read.csv("tests/cli/data/textsum_plo.csv")
cat("== rma(measure = \"PLO\", xi, ni)\n")
r <- rma(measure = "PLO", xi = xi, ni = ni, data = p, control = tight)
print(r, signif.stars = FALSE)
cat("== predict(plo, transf = transf.ilogit)\n")
print(predict(r, transf = transf.ilogit))
cat("== confint(plo)\n")
print(confint(r, control = list(tol = 1e-12)))
sink()
