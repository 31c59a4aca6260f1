# Child process of bench_engine.py: times COINr (the JRC's R package, when installed).
#
#   Rscript coinr_worker.R asem                 reads "run" lines on stdin, answers one JSON
#                                               line each: build_example_coin() wall and CPU
#   Rscript coinr_worker.R process OUT          build_example_coin(), then write every data set
#                                               and the results table to OUT (a whole process)
#   Rscript coinr_worker.R panel DATA META WINMAX OUT
#                                               the synthetic panel with the county-like build:
#                                               impute_panel (latest, 2 years back), then one coin
#                                               whose units are the unit-years, so treatment and
#                                               min-max pool all years as ours do; JSON with wall,
#                                               CPU, per-step CPU and peak RSS; index to OUT
#   Rscript coinr_worker.R uncertainty N SEED STATS [RANKS]
#                                               get_sensitivity(SA_type = "UA") of the example coin
#                                               with N replications: weights of levels 2 and 3
#                                               ±25 % (get_noisy_weights), min-max [1, 100] or
#                                               z-score (10, 2), arithmetic or geometric mean;
#                                               RankStats to STATS, every replication's ranks to
#                                               RANKS; JSON with wall and CPU
suppressPackageStartupMessages(library(COINr))

args <- commandArgs(trailingOnly = TRUE)
mode <- args[1]

cpu_seconds <- function(t) t[["user.self"]] + t[["sys.self"]]

peak_rss_mib <- function() {
  status <- readLines("/proc/self/status")
  hwm <- status[startsWith(status, "VmHWM:")]
  as.numeric(gsub("[^0-9]", "", hwm)) / 1024
}

say <- function(text) {
  cat(text, "\n", sep = "")
  flush(stdout())
}

if (mode == "asem") {
  coin <- build_example_coin(quietly = TRUE)  # warm-up
  top <- get_results(coin, dset = "Aggregated", tab_type = "Summ")[1, ]
  say(sprintf('{"ready": true, "coinr": "%s", "r": "%s", "top": ["%s", %.17g]}',
              as.character(packageVersion("COINr")), R.version$version.string,
              top$uCode, top$Index))
  input <- file("stdin", open = "r")
  while (length(line <- readLines(input, n = 1)) > 0 && line == "run") {
    t <- proc.time()
    coin <- build_example_coin(quietly = TRUE)
    d <- proc.time() - t
    say(sprintf('{"wall": %.9f, "cpu": %.9f}', d[["elapsed"]], cpu_seconds(d)))
  }
} else if (mode == "process") {
  out <- args[2]
  dir.create(out, showWarnings = FALSE, recursive = TRUE)
  coin <- build_example_coin(quietly = TRUE)
  for (name in names(coin$Data)) {
    utils::write.csv(coin$Data[[name]], file.path(out, paste0(name, ".csv")), row.names = FALSE)
  }
  results <- get_results(coin, dset = "Aggregated", tab_type = "Full")
  utils::write.csv(results, file.path(out, "results.csv"), row.names = FALSE)
} else if (mode == "panel") {
  idata <- utils::read.csv(args[2], colClasses = c(uCode = "character", uName = "character"))
  imeta <- utils::read.csv(args[3], na.strings = c("", "NA"))
  winmax <- as.numeric(args[4])
  codes <- imeta$iCode[imeta$Type == "Indicator"]
  before <- peak_rss_mib()
  steps <- numeric(0)
  t0 <- proc.time()
  lap <- function(name) {  # CPU seconds of each step
    steps[name] <<- cpu_seconds(proc.time() - t0) - sum(steps)
  }
  imputed <- impute_panel(idata[c("uCode", "Time", codes)], max_time = 2)$iData_imp
  lap("impute")
  pooled <- data.frame(uCode = paste(imputed$uCode, imputed$Time, sep = "_"), imputed[codes])
  coin <- new_coin(pooled, imeta, quietly = TRUE)
  lap("new_coin")
  coin <- suppressMessages(
    Treat(coin, dset = "Raw", global_specs = list(f1_para = list(winmax = winmax)))
  )
  lap("treat")
  coin <- suppressMessages(Normalise(coin, dset = "Treated"))
  lap("normalise")
  coin <- suppressMessages(Aggregate(coin, dset = "Normalised", f_ag = "a_amean"))
  lap("aggregate")
  d <- proc.time() - t0
  peak <- peak_rss_mib()
  scores <- coin$Data$Aggregated
  ids <- do.call(rbind, strsplit(scores$uCode, "_", fixed = TRUE))
  utils::write.csv(data.frame(uCode = ids[, 1], Time = as.integer(ids[, 2]), Index = scores$Index),
                   args[5], row.names = FALSE)
  step_json <- paste(sprintf('"%s": %.6f', names(steps), steps), collapse = ", ")
  say(sprintf(paste0('{"wall": %.9f, "cpu": %.9f, "peak_rss_mib": %.3f, "rss_before_mib": %.3f,',
                     ' "steps_cpu": {%s}}'),
              d[["elapsed"]], cpu_seconds(d), peak, before, step_json))
} else if (mode == "uncertainty") {
  n <- as.integer(args[2])
  set.seed(as.integer(args[3]))
  coin <- build_example_coin(quietly = TRUE)
  noise <- data.frame(Level = c(2, 3), NoiseFactor = c(0.25, 0.25))
  specs <- list(
    Weights = list(Address = "$Log$Aggregate$w", Type = "discrete",
                   Distribution = get_noisy_weights(coin$Meta$Weights$Original, noise, n)),
    Normalisation = list(Address = "$Log$Normalise$global_specs", Type = "discrete",
                         Distribution = list(list(f_n = "n_minmax", f_n_para = list(c(1, 100))),
                                             list(f_n = "n_zscore", f_n_para = list(c(10, 2))))),
    Aggregation = list(Address = "$Log$Aggregate$f_ag", Type = "discrete",
                       Distribution = c("a_amean", "a_gmean"))
  )
  t <- proc.time()
  res <- suppressMessages(get_sensitivity(coin, specs, N = n, SA_type = "UA", dset = "Aggregated",
                                          iCode = "Index", quietly = TRUE,
                                          check_addresses = FALSE))
  d <- proc.time() - t
  utils::write.csv(res$RankStats, args[4], row.names = FALSE)
  if (length(args) >= 5) {
    utils::write.csv(res$Ranks, args[5], row.names = FALSE)
  }
  say(sprintf('{"wall": %.9f, "cpu": %.9f, "replications": %d}',
              d[["elapsed"]], cpu_seconds(d), n))
} else {
  stop("unknown mode ", mode)
}
