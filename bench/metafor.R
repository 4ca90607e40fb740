# R baselines for `make bench` (bench/README.md): metafor 3.8 (Viechtbauer 2010) and a
# vectorised O(k) REML in plain R (Fisher scoring on sums, Viechtbauer 2005; Q-profile CI,
# Viechtbauer 2007), on the same synthetic CSVs metasum reads.  Times in-process with
# system.time() and prints one "workload,tool,seconds" line per measurement on stdout; the fitted
# numbers go to stderr so run.sh can show them beside metasum's.
#
# Usage: Rscript bench/metafor.R KIND TOOL WORKLOAD FILE
#   KIND      a (study,yi,vi: one pooled fit)  b (group,study,yi,vi: one fit per group)
#             c (id,m1i,sd1i,n1i,m2i,sd2i,n2i: SMD per row)
#             l, i (study,yi,vi: REML fit + leave1out() / influence())
#   TOOL      metafor | rvec
#   WORKLOAD  the label printed in the first column
#
# a/metafor: read.csv + rma(yi, vi, method="REML") + confint()   (Q-profile CI for tau2)
# b/metafor: read.csv + one rma(method="REML") per group, in a loop (no confint)
# c/metafor: read.csv + escalc("SMD")
# a/rvec:    read.csv + REML by Fisher scoring on sums, then the Q-profile CI by uniroot
# b/rvec:    the same for all groups at once (rowsum), CI by vectorised bisection
# c/rvec:    Hedges' g and its large-sample variance (metafor vtype="LS") as vector arithmetic
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 4) stop("usage: metafor.R KIND TOOL WORKLOAD FILE")
kind <- args[1]; tool <- args[2]; workload <- args[3]; file <- args[4]

emit <- function(label, t)
    cat(workload, ",", label, ",", if (is.na(t)) "NA" else sprintf("%.3f", t), "\n", sep = "")
note <- function(...) cat(sprintf("# %s %s: %s\n", workload, tool, sprintf(...)), file = stderr())

classes <- switch(kind,
                  l = , i = ,
                  a = c("character", "numeric", "numeric"),
                  b = c("character", "character", "numeric", "numeric"),
                  c = c("character", rep("numeric", 6)))
read <- function() read.csv(file, colClasses = classes)

# Threshold 1e-10 on the change in tau2 and 1e-12 on the CI roots: what metasum pool uses by
# default (metafor's own defaults are looser: 1e-5 and uniroot's ~1.2e-4).
THRESH <- 1e-10
ROOT_TOL <- 1e-12
TAU2_MAX <- 100

# --- vectorised REML for one set of studies --------------------------------------------------
# Hedges estimator as the start (metafor's REML start), then Fisher scoring
# tau2 += (sum w^2 r^2 - tr P) / tr P^2 with tr P = S1 - S2/S1, tr P^2 = S2 - 2 S3/S1 + (S2/S1)^2,
# the step halved while it would make tau2 negative.
reml_one <- function(y, v) {
    k <- length(y)
    tau2 <- max(0, sum((y - mean(y))^2) / (k - 1) - mean(v))
    for (it in 1:1000) {
        w <- 1 / (v + tau2); S1 <- sum(w); mu <- sum(w * y) / S1; r <- y - mu
        w2 <- w * w; S2 <- sum(w2); S3 <- sum(w2 * w)
        trP <- S1 - S2 / S1; trP2 <- S2 - 2 * S3 / S1 + (S2 / S1)^2
        delta <- (sum(w2 * r * r) - trP) / trP2
        while (tau2 + delta < 0) delta <- delta / 2
        tau2 <- tau2 + delta
        if (abs(delta) < THRESH) break
    }
    w <- 1 / (v + tau2); S1 <- sum(w)
    list(mu = sum(w * y) / S1, se = sqrt(1 / S1), tau2 = tau2, iter = it)
}

# Generalised Q at tau2 (Q-profile, Viechtbauer 2007): decreasing in tau2.
qgen <- function(y, v, tau2) {
    w <- 1 / (v + tau2); mu <- sum(w * y) / sum(w); sum(w * (y - mu)^2)
}

qprofile_one <- function(y, v, level = 0.95) {
    k <- length(y); a <- (1 - level) / 2
    bound <- function(crit) {
        if (qgen(y, v, 0) < crit) return(0)
        if (qgen(y, v, TAU2_MAX) > crit) return(TAU2_MAX)
        uniroot(function(t2) qgen(y, v, t2) - crit, c(0, TAU2_MAX), tol = ROOT_TOL)$root
    }
    c(lb = bound(qchisq(1 - a, k - 1)), ub = bound(qchisq(a, k - 1)))
}

# --- vectorised REML for many groups at once -------------------------------------------------
# The same iteration for every group together (sums by rowsum); a group leaves the active set
# once its step is below THRESH, so late iterations touch only the slow groups.  A step that
# would make tau2 negative is halved as above; from tau2 = 0 that halving ends at a zero step,
# which is set directly.
reml_groups <- function(y, v, g) {
    G <- max(g); gsum <- function(x) as.vector(rowsum(x, g, reorder = TRUE))
    k <- tabulate(g, G); ybar <- gsum(y) / k
    tau2 <- pmax(0, gsum((y - ybar[g])^2) / (k - 1) - gsum(v) / k)
    iter <- integer(G); conv <- logical(G)
    act <- seq_len(G); rows <- seq_along(y)
    for (it in 1:1000) {
        ga <- match(g[rows], act); na <- length(act)
        as <- function(x) as.vector(rowsum(x, ga, reorder = TRUE))
        ya <- y[rows]; t2 <- tau2[act]
        w <- 1 / (v[rows] + t2[ga]); S1 <- as(w); mu <- as(w * ya) / S1; r <- ya - mu[ga]
        w2 <- w * w; S2 <- as(w2); S3 <- as(w2 * w)
        trP <- S1 - S2 / S1; trP2 <- S2 - 2 * S3 / S1 + (S2 / S1)^2
        delta <- (as(w2 * r * r) - trP) / trP2
        delta[t2 == 0 & delta < 0] <- 0
        while (any(neg <- t2 + delta < 0)) delta[neg] <- delta[neg] / 2
        tau2[act] <- t2 + delta; iter[act] <- it
        done <- abs(delta) < THRESH
        conv[act[done]] <- TRUE
        if (all(done)) break
        act <- act[!done]; rows <- rows[g[rows] %in% act]
    }
    w <- 1 / (v + tau2[g]); S1 <- gsum(w)
    list(mu = gsum(w * y) / S1, tau2 = tau2, iter = iter, conv = conv, k = k, gsum = gsum)
}

# Q-profile bounds for every group by bisection on [0, TAU2_MAX] (Q is decreasing in tau2).
qprofile_groups <- function(y, v, g, fit, level = 0.95) {
    gsum <- fit$gsum; a <- (1 - level) / 2
    qg <- function(t2) {
        w <- 1 / (v + t2[g]); mu <- gsum(w * y) / gsum(w); gsum(w * (y - mu[g])^2)
    }
    bound <- function(crit) {
        lo <- rep(0, length(crit)); hi <- rep(TAU2_MAX, length(crit))
        q0 <- qg(lo); qmax <- qg(hi)
        while (any(hi - lo > ROOT_TOL)) {
            mid <- (lo + hi) / 2; above <- qg(mid) > crit
            lo[above] <- mid[above]; hi[!above] <- mid[!above]
        }
        b <- (lo + hi) / 2; b[q0 < crit] <- 0; b[qmax > crit] <- TAU2_MAX; b
    }
    cbind(lb = bound(qchisq(1 - a, fit$k - 1)), ub = bound(qchisq(a, fit$k - 1)))
}

if (tool == "metafor") suppressPackageStartupMessages(library(metafor))

# Each measurement is printed twice: read.csv + computation (the figure comparable with a
# whole metasum process), and the computation alone ("(fit only)").
timed <- function(label, t_read, t_fit) {
    emit(label, t_read + t_fit)
    emit(paste(label, "(fit only)"), t_fit)
}
t_read <- system.time(d <- read())[["elapsed"]]

if (kind == "a" && tool == "metafor") {
    # k x k matrices: at k = 1e5 each one is 74.5 GB; report the error rather than die.
    t <- system.time(res <- tryCatch({
        fit <- rma(yi, vi, data = d, method = "REML")
        ci <- confint(fit)
        list(fit = fit, ci = ci)
    }, error = function(e) e))[["elapsed"]]
    if (inherits(res, "error")) {
        note("FAILED: %s", conditionMessage(res))
        emit("metafor", NA)
    } else {
        timed("metafor", t_read, t)
        note("mu=%.10g tau2=%.10g tau2 CI=[%.10g, %.10g]", coef(res$fit)[[1]], res$fit$tau2,
             res$ci$random[1, 2], res$ci$random[1, 3])
    }
} else if (kind == "a" && tool == "rvec") {
    t1 <- system.time(f <- reml_one(d$yi, d$vi))[["elapsed"]]
    t2 <- system.time(ci <- qprofile_one(d$yi, d$vi))[["elapsed"]]
    timed("R vectorised (REML)", t_read, t1)
    timed("R vectorised (REML + Q-profile CI)", t_read, t1 + t2)
    note("mu=%.10g tau2=%.10g tau2 CI=[%.10g, %.10g] iter=%d", f$mu, f$tau2, ci[1], ci[2], f$iter)
} else if (kind == "b" && tool == "metafor") {
    t <- system.time({
        parts <- split(d, d$group)
        fits <- lapply(parts, function(p)
            tryCatch(rma(yi, vi, data = p, method = "REML"), error = function(e) e))
    })[["elapsed"]]
    timed("metafor", t_read, t)
    failed <- vapply(fits, function(f) inherits(f, "error"), TRUE)
    note("%d groups, %d failed (%s); g1: mu=%.10g tau2=%.10g", length(fits), sum(failed),
         if (any(failed)) conditionMessage(fits[failed][[1]]) else "-",
         coef(fits[["g1"]])[[1]], fits[["g1"]]$tau2)
} else if (kind == "b" && tool == "rvec") {
    t1 <- system.time({
        g <- match(d$group, unique(d$group)); f <- reml_groups(d$yi, d$vi, g)
    })[["elapsed"]]
    t2 <- system.time(ci <- qprofile_groups(d$yi, d$vi, g, f))[["elapsed"]]
    timed("R vectorised (REML)", t_read, t1)
    timed("R vectorised (REML + Q-profile CI)", t_read, t1 + t2)
    note(paste("%d groups, %d not converged in 1000 iterations, max %d iterations;",
               "g1: mu=%.10g tau2=%.10g CI=[%.10g, %.10g]"),
         length(f$mu), sum(!f$conv), max(f$iter), f$mu[1], f$tau2[1], ci[1, 1], ci[1, 2])
} else if (kind == "c" && tool == "metafor") {
    t <- system.time({
        es <- escalc(measure = "SMD", m1i = m1i, sd1i = sd1i, n1i = n1i,
                     m2i = m2i, sd2i = sd2i, n2i = n2i, data = d)
    })[["elapsed"]]
    timed("metafor", t_read, t)
    note("rows=%d first: yi=%.10g vi=%.10g", nrow(es), es$yi[1], es$vi[1])
} else if (kind == "c" && tool == "rvec") {
    # Hedges (1981): g = J * (m1 - m2) / sp, J = exact gamma-ratio correction (metafor .cmicalc),
    # vi = 1/n1 + 1/n2 + g^2 / (2 (n1 + n2)) (metafor escalc SMD, vtype = "LS").
    t <- system.time({
        m <- d$n1i + d$n2i - 2
        J <- exp(lgamma(m / 2) - log(sqrt(m / 2)) - lgamma((m - 1) / 2))
        sp <- sqrt(((d$n1i - 1) * d$sd1i^2 + (d$n2i - 1) * d$sd2i^2) / m)
        yi <- J * (d$m1i - d$m2i) / sp
        vi <- 1 / d$n1i + 1 / d$n2i + yi^2 / (2 * (d$n1i + d$n2i))
    })[["elapsed"]]
    timed("R vectorised", t_read, t)
    note("rows=%d first: yi=%.10g vi=%.10g", length(yi), yi[1], vi[1])
} else if (kind %in% c("l", "i") && tool == "metafor") {
    # leave1out() / influence() refit rma.uni k times, each with k x k matrices
    t <- system.time({
        fit <- rma(yi, vi, data = d, method = "REML")
        res <- if (kind == "l") leave1out(fit) else influence(fit)
    })[["elapsed"]]
    timed(if (kind == "l") "metafor leave1out" else "metafor influence", t_read, t)
    if (kind == "l") note("k=%d first: estimate=%.10g tau2=%.10g", nrow(d), res$estimate[1],
                          res$tau2[1])
    else note("k=%d first: rstudent=%.10g cook.d=%.10g", nrow(d), res$inf$rstudent[1],
              res$inf$cook.d[1])
} else {
    stop("unknown KIND/TOOL: ", kind, "/", tool)
}
