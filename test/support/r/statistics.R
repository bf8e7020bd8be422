# Reference values for src/domain/statistics, read back by test/support/r-reference.ts.
# Input (in the directory given as the argument):
#   survival.csv  dataset,group,time,status,cause   status 1 event / 0 censored; cause 0 = censored
#   times.csv     dataset,time                       times for summary(fit, times = ...)
#   binom.csv     dataset,x,n
# Output: out.tsv, one value a line: dataset, kind, index, field, value (%.17g, NA, Inf).
suppressMessages({ library(survival); library(cmprsk) })
dir <- commandArgs(TRUE)[1]
out <- file(file.path(dir, "out.tsv"), "w")
fmt <- function(v) ifelse(is.na(v), "NA", ifelse(is.infinite(v), ifelse(v > 0, "Inf", "-Inf"), sprintf("%.17g", v)))
emit <- function(ds, kind, field, v) {
  if (length(v) == 0) return(invisible())
  writeLines(sprintf("%s\t%s\t%d\t%s\t%s", ds, kind, seq_along(v), field, fmt(as.numeric(v))), out)
}

d <- read.csv(file.path(dir, "survival.csv"), colClasses = c("character", "character", "numeric", "integer", "integer"))
tt <- read.csv(file.path(dir, "times.csv"), colClasses = c("character", "numeric"))
for (ds in unique(d$dataset)) {
  s <- d[d$dataset == ds, ]
  f <- survfit(Surv(time, status) ~ 1, data = s, conf.type = "log-log")
  for (field in c("time", "n.risk", "n.event", "n.censor", "surv", "std.err", "lower", "upper"))
    emit(ds, "km", field, f[[field]])
  tab <- summary(f)$table
  emit(ds, "median", "median", tab["median"])
  emit(ds, "median", "lower", tab["0.95LCL"])
  emit(ds, "median", "upper", tab["0.95UCL"])
  times <- tt$time[tt$dataset == ds]
  if (length(times) > 0) {
    sm <- summary(f, times = times, extend = TRUE)
    for (field in c("time", "n.risk", "n.event", "n.censor", "surv", "std.err", "lower", "upper"))
      emit(ds, "at", field, sm[[field]])
  }
  if (length(unique(s$group)) > 1) {
    sd <- tryCatch(survdiff(Surv(time, status) ~ group, data = s), error = function(e) NULL)
    if (is.null(sd)) emit(ds, "logrank", "chisq", NA) else {
      groups <- sub("^group=", "", names(sd$n))
      writeLines(sprintf("%s\tlogrank\t%d\tgroup\t%s", ds, seq_along(groups), groups), out)
      emit(ds, "logrank", "n", as.vector(sd$n))
      emit(ds, "logrank", "obs", sd$obs)
      emit(ds, "logrank", "exp", sd$exp)
      df <- sum(sd$exp > 0) - 1
      emit(ds, "logrank", "chisq", sd$chisq)
      emit(ds, "logrank", "df", df)
      emit(ds, "logrank", "p", if (df > 0) pchisq(sd$chisq, df, lower.tail = FALSE) else NA)
    }
  }
  if (any(s$cause != 0)) {
    ci <- cuminc(s$time, s$cause, cencode = 0)
    for (name in names(ci)) {
      z <- ci[[name]]
      cause <- sub("^1 ", "", name)
      jumps <- if (length(z$time) > 3) seq(3, length(z$time) - 1, by = 2) else integer(0)
      emit(ds, paste0("cuminc", cause), "time", z$time[jumps])
      emit(ds, paste0("cuminc", cause), "est", z$est[jumps])
      emit(ds, paste0("cuminc", cause), "var", z$var[jumps])
    }
  }
}

b <- read.csv(file.path(dir, "binom.csv"), colClasses = c("character", "integer", "integer"))
for (i in seq_len(nrow(b))) {
  ci <- binom.test(b$x[i], b$n[i])$conf.int
  emit(b$dataset[i], "binom", "lower", ci[1])
  emit(b$dataset[i], "binom", "upper", ci[2])
}
close(out)
