/*
 * results.h — the files a run writes beside runs.csv before it starts:
 * experiment.yaml (the file exactly as run, what --resume re-reads) and
 * experiments.csv (what the analysis needs to know of each experiment).
 */
#ifndef PB_RESULTS_H
#define PB_RESULTS_H

#include "experiment/experiment.h"

/* Writes dir/experiment.yaml and dir/experiments.csv. */
int pb_results_begin(const char *dir, const struct pb_experiment_file *f,
		     unsigned repetitions_override, struct pb_err *err);

#endif
