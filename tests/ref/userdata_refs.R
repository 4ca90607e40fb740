# User-data fixtures (tests/fixtures/userdata/) and their metafor results (tests/ref/userdata.csv).
# Run from the repository root: Rscript tests/ref/userdata_refs.R   (metafor 3.8, metadat)
# The fixtures are the published datasets as a spreadsheet user would have them:
#   normand1999.csv      dat.normand1999 (Normand 1999, length of hospital stay), columns
#                        Study,Mean_T,SD_T,N_T,Mean_C,SD_C,N_C (the dataset has no year column)
#   raudenbush1985.csv   dat.raudenbush1985 (Raudenbush 1984, teacher expectancy), columns
#                        Author,Year,Weeks,Setting,N_T,N_C,Effect,Variance
# plus the same rows with ';' and decimal commas, and tab-delimited.  The one-defect fixtures
# beside them are derived from these by hand (tests/fixtures/userdata/README.md).
suppressPackageStartupMessages(library(metafor))
dir <- "tests/fixtures/userdata"
n <- dat.normand1999
norm <- data.frame(Study = n$source, Mean_T = n$m1i, SD_T = n$sd1i, N_T = n$n1i,
                   Mean_C = n$m2i, SD_C = n$sd2i, N_C = n$n2i)
r <- dat.raudenbush1985
raud <- data.frame(Author = r$author, Year = r$year, Weeks = r$weeks, Setting = r$setting,
                   N_T = r$n1i, N_C = r$n2i, Effect = r$yi, Variance = r$vi)
write.csv(norm, file.path(dir, "normand1999.csv"), row.names = FALSE, quote = FALSE)
write.table(norm, file.path(dir, "normand1999_semicolon.csv"), sep = ";", dec = ",",
            row.names = FALSE, quote = FALSE)
write.csv(raud, file.path(dir, "raudenbush1985.csv"), row.names = FALSE, quote = FALSE)
write.table(raud, file.path(dir, "raudenbush1985_semicolon.csv"), sep = ";", dec = ",",
            row.names = FALSE, quote = FALSE)
write.table(raud, file.path(dir, "raudenbush1985.tsv"), sep = "\t", row.names = FALSE,
            quote = FALSE)

out <- NULL
add <- function(case, q, v) out <<- rbind(out, data.frame(case = case, quantity = q,
                                                          value = sprintf("%.12g", v)))
ctl <- list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)
es <- escalc(measure = "MD", m1i = Mean_T, sd1i = SD_T, n1i = N_T, m2i = Mean_C, sd2i = SD_C,
             n2i = N_C, data = norm)
fits <- list(normand_md_reml = rma(yi, vi, data = es, method = "REML", control = ctl),
             raudenbush_reml = rma(Effect, Variance, data = raud, method = "REML",
                                   control = ctl),
             raudenbush_dl = rma(Effect, Variance, data = raud, method = "DL"))
for (nm in names(fits)) {
    f <- fits[[nm]]
    add(nm, "estimate", f$b[1]); add(nm, "se", f$se); add(nm, "tau2", f$tau2)
    add(nm, "ci.lb", f$ci.lb); add(nm, "ci.ub", f$ci.ub); add(nm, "QE", f$QE)
    add(nm, "k", f$k)
}
# na.omit: the normand data with SD_C of Montreal-Transfer missing pools the other 8 rows
es8 <- es[-6, ]
f <- rma(yi, vi, data = es8, method = "REML", control = ctl)
add("normand_md_reml_omit6", "estimate", f$b[1]); add("normand_md_reml_omit6", "se", f$se)
add("normand_md_reml_omit6", "k", f$k)
write.csv(out, "tests/ref/userdata.csv", row.names = FALSE, quote = FALSE)
