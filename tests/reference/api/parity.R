# Reference values for issue 14 (R parity in the corners): multistage designs, svyciprop by
# domain with missing answers, likelihood intervals, lonely PSUs under "adjust".
# Computed with Debian's r-cran-survey; the version is stored in the output (survey_version).
# Run from the repository root:
#   Rscript tests/reference/api/parity.R > tests/reference/api/parity.json
# It also writes the two data sets it uses from the survey package, apiclus2.csv and
# nhanes.csv (columns used only), next to this script, so the tests need no R.
suppressMessages(library(survey))
options(digits = 15)
here <- "tests/reference/api"
data(api)
data(nhanes)
write.csv(apiclus2, file.path(here, "apiclus2.csv"), row.names = FALSE)
write.csv(nhanes[, c("SDMVPSU", "SDMVSTRA", "WTMEC2YR", "HI_CHOL", "race")],
          file.path(here, "nhanes.csv"), row.names = FALSE)
strat <- read.csv(file.path(here, "apistrat.csv"))
clus1 <- read.csv(file.path(here, "apiclus1.csv"))

est <- function(x) list(estimate = as.numeric(coef(x)), se = as.numeric(SE(x)))
ciprop <- function(x) list(estimate = as.numeric(x), se = as.numeric(sqrt(attr(x, "var"))),
                           ci = as.numeric(attr(x, "ci")))
byci <- function(x) list(domain = as.character(x[[1]]), estimate = as.numeric(coef(x)),
                         se = as.numeric(SE(x)), ci_l = as.numeric(x$ci_l), ci_u = as.numeric(x$ci_u))
byest <- function(x) list(domain = as.character(x[[1]]), estimate = as.numeric(coef(x)),
                          se = as.numeric(SE(x)))
out <- list()
out$survey_version <- as.character(packageVersion("survey"))
out$r_version <- R.version.string
methods <- c("logit", "beta", "likelihood", "mean", "xlogit")

# --- two-stage cluster sample: districts, then schools within them -------------------------
# weights come from the fpc (population / sample size at each stage), as svydesign does
d2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
d2 <- update(d2, sch_yes = as.numeric(sch.wide == "Yes"))
out$clus2_weights <- as.numeric(weights(d2))
out$clus2_mean_api00 <- est(svymean(~api00, d2))
out$clus2_total_enroll <- est(svytotal(~enroll, d2, na.rm = TRUE))
out$clus2_mean_sch_yes <- est(svymean(~sch_yes, d2))
out$clus2_degf <- degf(d2)
for (m in methods) out[[paste0("clus2_ciprop_", m)]] <- ciprop(svyciprop(~sch_yes, d2, method = m))
out$clus2_mean_api00_by_stype <- byest(svyby(~api00, ~stype, d2, svymean))
out$clus2_total_enroll_by_stype <- byest(svyby(~enroll, ~stype, d2, svytotal, na.rm = TRUE))
out$clus2_total_api00_by_stype <- byest(svyby(~api00, ~stype, d2, svytotal))
for (m in c("logit", "beta", "mean", "xlogit")) {
  out[[paste0("clus2_ciprop_", m, "_by_stype")]] <- byci(svyby(~sch_yes, ~stype, d2, svyciprop, method = m, vartype = c("se", "ci")))
}
# post-stratified to the school types (what a plan with `cluster: [dnum, snum]` runs)
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
ps2 <- postStratify(d2, ~stype, pop.types)
out$clus2_poststrat_weights <- as.numeric(weights(ps2))
out$clus2_poststrat_mean_api00 <- est(svymean(~api00, ps2))
out$clus2_poststrat_mean_api00_by_awards <- byest(svyby(~api00, ~awards, ps2, svymean))
out$clus2_poststrat_ciprop_logit_sch_yes <- ciprop(svyciprop(~sch_yes, ps2, method = "logit"))
# the same data as a one-stage cluster sample (what we could declare before): smaller SEs
d1 <- svydesign(id = ~dnum, fpc = ~fpc1, weights = ~pw, data = apiclus2)
out$clus2_onestage_mean_api00 <- est(svymean(~api00, d1))

# --- svyciprop by domain with missing answers (nhanes, HI_CHOL by race) -------------------
dn <- svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE, data = nhanes)
out$nhanes_degf_by_race <- as.numeric(sapply(sort(unique(nhanes$race)), function(r) degf(subset(dn, race == r))))
for (m in c("logit", "beta", "mean", "xlogit")) {
  out[[paste0("nhanes_ciprop_", m, "_by_race")]] <- byci(svyby(~HI_CHOL, ~race, dn, svyciprop, method = m, na.rm = TRUE, vartype = c("se", "ci")))
  out[[paste0("nhanes_ciprop_", m)]] <- ciprop(svyciprop(~HI_CHOL, dn, method = m, na.rm = TRUE))
}
lik <- try(svyby(~HI_CHOL, ~race, dn, svyciprop, method = "likelihood", na.rm = TRUE, vartype = c("se", "ci")), silent = TRUE)
if (!inherits(lik, "try-error")) out$nhanes_ciprop_likelihood_by_race <- byci(lik)

# --- likelihood intervals on other designs --------------------------------------------------
dc1 <- svydesign(id = ~dnum, weights = ~pw, data = clus1, fpc = ~fpc)
dc1 <- update(dc1, sch_yes = as.numeric(sch.wide == "Yes"), both_yes = as.numeric(both == "Yes"))
out$clus1_ciprop_likelihood_sch_yes <- ciprop(svyciprop(~sch_yes, dc1, method = "likelihood"))
out$clus1_ciprop_likelihood_both_yes <- ciprop(svyciprop(~both_yes, dc1, method = "likelihood"))
dst <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = strat, fpc = ~fpc)
dst <- update(dst, awards_yes = as.numeric(awards == "Yes"), sch_yes = as.numeric(sch.wide == "Yes"))
out$strat_ciprop_likelihood_awards_yes <- ciprop(svyciprop(~awards_yes, dst, method = "likelihood"))
out$strat_ciprop_likelihood_sch_yes <- ciprop(svyciprop(~sch_yes, dst, method = "likelihood"))
for (s in c("E", "H", "M")) {
  out[[paste0("strat_ciprop_likelihood_both_", s)]] <- ciprop(svyciprop(~I(both == "Yes"), subset(dst, stype == s), method = "likelihood"))
}

# --- lonely PSU: apistrat with one high school left ------------------------------------------
lonely <- strat[strat$stype != "H" | seq_len(nrow(strat)) == which(strat$stype == "H")[1], ]
out$lonely_rows <- as.integer(rownames(lonely))
for (rule in c("adjust", "remove", "certainty")) {
  options(survey.lonely.psu = rule)
  for (f in c("fpc", "nofpc")) {
    dl <- if (f == "fpc") svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = lonely)
          else svydesign(id = ~1, strata = ~stype, weights = ~pw, data = lonely)
    key <- paste0("lonely_", rule, "_", f)
    out[[paste0(key, "_total_enroll")]] <- est(svytotal(~enroll, dl))
    out[[paste0(key, "_mean_api00")]] <- est(svymean(~api00, dl))
    out[[paste0(key, "_total_enroll_by_awards")]] <- byest(svyby(~enroll, ~awards, dl, svytotal))
    out[[paste0(key, "_mean_api00_by_awards")]] <- byest(svyby(~api00, ~awards, dl, svymean))
  }
}
cat(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE))
