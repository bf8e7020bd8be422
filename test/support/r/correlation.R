# Reference values for src/domain/statistics/correlation.ts, read back by test/support/r-reference.ts.
# Input (in the directory given as the argument): pairs.csv  dataset,x,y
# Output: out.tsv, one value a line: dataset, kind, index, field, value (%.17g, NA).
dir <- commandArgs(TRUE)[1]
out <- file(file.path(dir, "out.tsv"), "w")
fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
emit <- function(ds, field, v) writeLines(sprintf("%s\tspearman\t1\t%s\t%s", ds, field, fmt(as.numeric(v))), out)
d <- read.csv(file.path(dir, "pairs.csv"), colClasses = c("character", "numeric", "numeric"))
for (ds in unique(d$dataset)) {
  s <- d[d$dataset == ds, ]
  ct <- suppressWarnings(cor.test(s$x, s$y, method = "spearman", exact = FALSE))
  emit(ds, "rho", ct$estimate)
  emit(ds, "p", ct$p.value)
  emit(ds, "rank1", rank(s$x)[1])
}
close(out)
