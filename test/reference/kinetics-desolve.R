# Reference trajectories for src/domain/kinetics (issue 14), read back by
# test/unit/kinetics/against-desolve.test.ts through test/support/r-reference.ts.
# Written from the equations of ../shared/domain/kinetics-model.md §3.3 (as restated in
# src/domain/kinetics/model.ts), not from the TypeScript: the baseline steady state, the derived
# rates and the right-hand side are computed here on their own, and integrated by deSolve's lsoda
# (Adams/BDF with automatic switching; a different method from our Dormand–Prince).
# Input (in the directory given as the argument):
#   parameters.csv  dataset,name,value        every model parameter by name
#   products.csv    dataset,product,cd19,bcma,E0,rho,tmax,kE,kEM,beta,kME
#                   one row per infusion (all on day 0); E0 the blood level after infusion
#   times.csv       dataset,time
# Output: out.tsv, one value a line: dataset, "state", index (1-based time), state name, value.
suppressMessages(library(deSolve))
dir <- commandArgs(TRUE)[1]
out <- file(file.path(dir, "out.tsv"), "w")
fmt <- function(v) sprintf("%.17g", v)

pars <- read.csv(file.path(dir, "parameters.csv"), colClasses = c("character", "character", "numeric"))
prods <- read.csv(file.path(dir, "products.csv"), colClasses = c("character", "integer", rep("numeric", 9)))
times <- read.csv(file.path(dir, "times.csv"), colClasses = c("character", "numeric"))

# antigen expression (CD19, BCMA) of T, P, Bn, Ba, Sn, Sa, Ln, La; T's from the parameters
expression <- function(p) rbind(
  T = c(p[["tumourCd19"]], p[["tumourBcma"]]),
  P = c(1, 0), Bn = c(1, 0), Ba = c(1, 0),
  Sn = c(1, 1), Sa = c(1, 1),
  Ln = c(0, 1), La = c(0, 1))

for (ds in unique(pars$dataset)) {
  pp <- pars[pars$dataset == ds, ]
  p <- setNames(as.list(pp$value), pp$name)
  pr <- prods[prods$dataset == ds, ]
  pr <- pr[order(pr$product), ]
  n <- nrow(pr)
  W <- t(sapply(seq_len(n), function(j) pmin(1, expression(p) %*% c(pr$cd19[j], pr$bcma[j]))))
  if (n == 1) W <- matrix(W, nrow = 1)

  # untreated steady state and the rates that make it one
  Bn0 <- (1 - p$autoreactiveFraction) * p$bCells0
  Ba0 <- p$autoreactiveFraction * p$bCells0
  sP <- Bn0 * (p$dB + p$kAct)
  P0 <- sP / p$kMat
  Ka <- if (Ba0 > 0) Ba0 / (1 + p$reseeding * p$kMat * P0 / (p$rAuto * Ba0)) else 0
  u <- p$kSL * (1 - p$nicheOccupancy0)
  Sn0 <- p$kAct * Bn0 / (p$dS + u)
  Sa0 <- p$kActAuto * Ba0 / (p$dS + u)
  Ln0 <- u * Sn0 / p$dL
  La0 <- u * Sa0 / p$dL
  Lmax <- (Ln0 + La0) / p$nicheOccupancy0
  pS <- (1 - p$phiG) * p$kG * p$igG0 / (Sn0 + Sa0)
  pL <- p$phiG * p$kG * p$igG0 / (Ln0 + La0)
  qS <- if (Sa0 > 0) (1 - p$phiD) * p$kD * p$antiDsDna0 / Sa0 else 0
  qL <- if (La0 > 0) p$phiD * p$kD * p$antiDsDna0 / La0 else 0
  Tcap <- p$tumourCapacityFold * p$tumour0
  Tcrit <- p$tumourCureFraction * p$tumour0

  keep <- 1 - p$conditioningDepletion
  y0 <- c(as.vector(rbind(pr$E0, 0)),
          T = p$tumour0, P = keep * P0, Bn = keep * Bn0, Ba = keep * Ba0,
          Sn = keep * Sn0, Sa = keep * Sa0, Ln = Ln0, La = La0, G = p$igG0, D = p$antiDsDna0)
  names(y0)[seq_len(2 * n)] <- as.vector(rbind(paste0("E", seq_len(n)), paste0("M", seq_len(n))))

  rhs <- function(t, y, parms) {
    X <- y[2 * n + 1:8]
    kill <- numeric(8)
    dcar <- numeric(2 * n)
    for (j in seq_len(n)) {
      E <- y[2 * j - 1]; M <- y[2 * j]
      A <- sum(W[j, ] * X)
      g <- if (t <= 0) 1 else 1 / (1 + (t / pr$tmax[j])^p$gateSteepness)
      sigma <- A / (p$antigenHalfSaturation + A)
      react <- pr$kME[j] * sigma * M
      dcar[2 * j - 1] <- pr$rho[j] * g * sigma * E - (1 - g) * (pr$kE[j] + pr$kEM[j]) * E + react
      dcar[2 * j] <- (1 - g) * pr$kEM[j] * E - pr$beta[j] * M - react
      Ek <- E + p$memoryKillFactor * M
      kill <- kill + p$kKill * Ek * W[j, ] * X / (p$killHalfSaturation + Ek + A)
    }
    Tt <- X[1]; P <- X[2]; Bn <- X[3]; Ba <- X[4]; Sn <- X[5]; Sa <- X[6]; Ln <- X[7]; La <- X[8]
    G <- y[2 * n + 9]; D <- y[2 * n + 10]
    toNiche <- p$kSL * (1 - (Ln + La) / Lmax)
    growth <- if (Tt > 0 && Tcap > 0)
      p$gT * Tt * (log(Tcap) - log(Tt)) / log(p$tumourCapacityFold) * Tt^p$tumourHill / (Tt^p$tumourHill + Tcrit^p$tumourHill)
      else 0
    list(c(dcar,
           growth - kill[1],
           sP - p$kMat * P - kill[2],
           p$kMat * P - (p$dB + p$kAct) * Bn - kill[3],
           (if (Ka > 0) p$rAuto * Ba * (1 - Ba / Ka) else 0) + p$reseeding * p$kMat * P - kill[4],
           p$kAct * Bn - p$dS * Sn - toNiche * Sn - kill[5],
           p$kActAuto * Ba - p$dS * Sa - toNiche * Sa - kill[6],
           toNiche * Sn - p$dL * Ln - kill[7],
           toNiche * Sa - p$dL * La - kill[8],
           pS * (Sn + Sa) + pL * (Ln + La) - p$kG * G,
           qS * Sa + qL * La - p$kD * D))
  }

  tt <- times$time[times$dataset == ds]
  sol <- lsoda(y0, tt, rhs, NULL, rtol = 1e-11, atol = 1e-16, maxsteps = 1e6)
  if (attr(sol, "istate")[1] != 2) stop(sprintf("lsoda failed on %s (istate %d)", ds, attr(sol, "istate")[1]))
  for (k in names(y0))
    writeLines(sprintf("%s\tstate\t%d\t%s\t%s", ds, seq_along(tt), k, fmt(sol[, k])), out)
}
close(out)
