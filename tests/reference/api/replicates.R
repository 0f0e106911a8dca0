# Reference values for replicate-weight variance (issue 14): R's as.svrepdesign followed by the
# same calibration and svymean / svytotal / svyciprop, on the api data.
# Computed with Debian's r-cran-survey; the version is stored in the output (survey_version).
# Run from the repository root:
#   Rscript tests/reference/api/replicates.R > tests/reference/api/replicates.json
# The bootstrap draws come from R's random numbers (set.seed below), which numpy cannot
# reproduce: the script stores R's replicate factors (`*_factors`, one row per PSU), and the
# tests give them to our design to compare the rest of the computation.
suppressMessages(library(survey))
options(digits = 15)
here <- "tests/reference/api"
strat <- read.csv(file.path(here, "apistrat.csv"))
clus1 <- read.csv(file.path(here, "apiclus1.csv"))
strat$both_yes <- as.numeric(strat$both == "Yes")
clus1$sch_yes <- as.numeric(clus1$sch.wide == "Yes")
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
totals <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch.wideYes = 5122)

est <- function(x) list(estimate = as.numeric(coef(x)), se = as.numeric(SE(x)))
byest <- function(x) list(domain = as.character(x[[1]]), estimate = as.numeric(coef(x)), se = as.numeric(SE(x)))
ciprop <- function(x) list(estimate = as.numeric(x), se = as.numeric(sqrt(attr(x, "var"))), ci = as.numeric(attr(x, "ci")))
byci <- function(x) list(domain = as.character(x[[1]]), estimate = as.numeric(coef(x)), ci_l = as.numeric(x$ci_l), ci_u = as.numeric(x$ci_u))
summarise <- function(d, key, prop = "both_yes") {
  r <- list()
  r$weights <- as.numeric(weights(d, "analysis")[, 2])
  r$degf <- degf(d)
  r$mean_api00 <- est(svymean(~api00, d))
  r$total_enroll <- est(svytotal(~enroll, d))
  r$mean_api00_by_awards <- byest(svyby(~api00, ~awards, d, svymean))
  r$total_enroll_by_awards <- byest(svyby(~enroll, ~awards, d, svytotal))
  for (m in c("logit", "beta", "mean", "xlogit")) {
    f <- as.formula(paste0("~", prop))
    r[[paste0("ciprop_", m)]] <- ciprop(svyciprop(f, d, method = m))
    r[[paste0("ciprop_", m, "_by_yrrnd")]] <- byci(svyby(f, ~yr.rnd, d, svyciprop, method = m, vartype = "ci"))
  }
  r
}

out <- list()
out$survey_version <- as.character(packageVersion("survey"))
out$r_version <- R.version.string

dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = strat, fpc = ~fpc)
dnofpc <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = strat)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = clus1, fpc = ~fpc)
dclus1_nofpc <- svydesign(id = ~dnum, weights = ~pw, data = clus1)

# JKn, no calibration and three calibrations
jkn <- as.svrepdesign(dstrat, type = "JKn", compress = FALSE)
out$jkn <- summarise(jkn)
out$jkn_rake <- summarise(rake(jkn, list(~stype, ~sch.wide), list(pop.types, pop.schwide), control = list(epsilon = 1e-10, maxit = 100)))
out$jkn_linear <- summarise(calibrate(jkn, ~stype + sch.wide, totals, calfun = "linear", compress = FALSE))
out$jkn_logit <- summarise(calibrate(jkn, ~stype + sch.wide, totals, calfun = "logit", bounds = c(0.7, 1.7), compress = FALSE))
out$jkn_poststrat <- summarise(postStratify(as.svrepdesign(dnofpc, type = "JKn", compress = FALSE), ~stype, pop.types))

# JK1 on the one-stage cluster sample, raked to the school types
jk1 <- as.svrepdesign(dclus1, type = "JK1", compress = FALSE)
out$jk1 <- summarise(jk1, prop = "sch_yes")
out$jk1_raking <- summarise(calibrate(jk1, ~stype, c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018), calfun = "raking", compress = FALSE), prop = "sch_yes")

# Rao-Wu (n-1) bootstrap ("subbootstrap"), with R's draws stored
set.seed(20241204)
boot <- as.svrepdesign(dnofpc, type = "subbootstrap", replicates = 50, compress = FALSE)
out$boot_factors <- unname(as.matrix(weights(boot, "replication")))
out$boot <- summarise(boot)
out$boot_rake <- summarise(rake(boot, list(~stype, ~sch.wide), list(pop.types, pop.schwide), control = list(epsilon = 1e-10, maxit = 100)))
set.seed(20241205)
bootc <- as.svrepdesign(dclus1_nofpc, type = "subbootstrap", replicates = 40, compress = FALSE)
factors <- as.matrix(weights(bootc, "replication"))
out$boot_clus1_factors <- unname(factors[!duplicated(clus1$dnum), ])
out$boot_clus1_psu <- clus1$dnum[!duplicated(clus1$dnum)]
out$boot_clus1_poststrat <- summarise(postStratify(bootc, ~stype, pop.types), prop = "sch_yes")
cat(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE, pretty = FALSE))
