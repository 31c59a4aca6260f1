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
} else {
  stop("unknown mode ", mode)
}
