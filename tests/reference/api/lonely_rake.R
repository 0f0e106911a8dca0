# A stratum with one PSU after raking within each stratum: the report's design (every wijk
# raked to its own register margins, `survey.report.edition_report.weight_edition`) with a
# wijk of one respondent. Computed with Debian's r-cran-survey.
# Run: Rscript tests/reference/api/lonely_rake.R > tests/reference/api/lonely_rake.json
suppressMessages(library(survey))
options(digits = 15)
strat <- read.csv("tests/reference/api/apistrat.csv")
# apistrat with one high school left (the rows of parity.R's lonely_*)
lonely <- strat[strat$stype != "H" | seq_len(nrow(strat)) == which(strat$stype == "H")[1], ]
lonely$yr_rnd_yes <- as.numeric(lonely$yr.rnd == "Yes")
# per-stratum margins, consistent within each stype; a cell without schools is left out (the
# report merges such cells, collapse_min)
margin <- function(formula) {
  t <- as.data.frame(xtabs(formula, lonely))
  t[t$Freq > 0, ]
}
t1 <- margin(pw * 1.1 ~ stype + sch.wide)
t2 <- margin(pw * 1.1 ~ stype + awards)
t2$Freq[t2$stype == "E" & t2$awards == "Yes"] <- t2$Freq[t2$stype == "E" & t2$awards == "Yes"] + 300
t2$Freq[t2$stype == "E" & t2$awards == "No"] <- t2$Freq[t2$stype == "E" & t2$awards == "No"] - 300
est <- function(x) list(estimate = as.numeric(coef(x)), se = as.numeric(SE(x)))
out <- list()
out$survey_version <- as.character(packageVersion("survey"))
out$r_version <- paste(R.version$major, R.version$minor, sep = ".")
out$rows <- as.integer(rownames(lonely))
out$margin1 <- list(stype = as.character(t1$stype), sch.wide = as.character(t1$sch.wide), total = t1$Freq)
out$margin2 <- list(stype = as.character(t2$stype), awards = as.character(t2$awards), total = t2$Freq)
for (rule in c("adjust", "remove", "certainty")) {
  options(survey.lonely.psu = rule)
  for (f in c("fpc", "nofpc")) {
    d <- if (f == "fpc") svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = lonely)
         else svydesign(id = ~1, strata = ~stype, weights = ~pw, data = lonely)
    key <- paste0(rule, "_", f)
    # raw: the design as declared, where the lonely school does count under "adjust"
    out[[paste0(key, "_raw_mean_api00")]] <- est(svymean(~api00, d))
    rk <- rake(d, list(~stype + sch.wide, ~stype + awards), list(t1, t2),
               control = list(epsilon = 1e-10, maxit = 100))
    if (rule == "adjust" && f == "fpc") out$weights <- as.numeric(weights(rk))
    out[[paste0(key, "_mean_api00")]] <- est(svymean(~api00, rk))
    out[[paste0(key, "_mean_api00_by_stype")]] <- est(svyby(~api00, ~stype, rk, svymean))
    out[[paste0(key, "_mean_api00_by_yrrnd")]] <- est(svyby(~api00, ~yr.rnd, rk, svymean))
    out[[paste0(key, "_mean_yr_rnd_yes")]] <- est(svymean(~yr_rnd_yes, rk))
    ci <- svyciprop(~yr_rnd_yes, rk, method = "logit")
    out[[paste0(key, "_ciprop_logit_yr_rnd_yes")]] <- list(estimate = as.numeric(ci), ci = as.numeric(attr(ci, "ci")), df = degf(rk))
    out[[paste0(key, "_ratio_api00_api99")]] <- est(svyratio(~api00, ~api99, rk))
  }
}
cat(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE))
