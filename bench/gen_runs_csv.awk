# gen_runs_csv.awk: prints a runs.csv of `rows` rows (awk -v rows=N, default
# 1,000,000) shaped like a pi run: 1000 cells (50 sample sizes x 4
# strategies x 5 worker counts), each with rows/1000 repetitions, every
# column a real run writes, plausible values; about 130 bytes a row. Its
# experiments.csv is the two lines at the end of analyze_memory.sh. The
# rows are made, not measured: for trying the analysis at scale.
BEGIN {
	if (rows == "") rows = 1000000
	print "experiment,cell,workload,strategy,workers,repetition,status," \
	      "wall_s,user_s,sys_s,max_rss_kb,vol_ctx,invol_ctx," \
	      "param_samples,param_tasks,param_seed,param_kernel," \
	      "param_schedule,param_chunk,metric_estimate," \
	      "metric_abs_error,metric_samples,metric_simd_width,message"
	split("serial pthreads fork shm", strat, " ")
	split("1 2 4 8 16", workers, " ")
	reps = int(rows / 1000); if (reps < 1) reps = 1
	srand(1)
	n = 0
	for (c = 0; c < 1000 && n < rows; c++) {
		samples = (c % 50 + 1) * 1000000
		s = strat[int(c / 50) % 4 + 1]
		w = s == "serial" ? 1 : workers[int(c / 200) % 5 + 1]
		sched = s == "serial" ? "" : "dynamic"
		chunk = s == "serial" ? "" : "1"
		base = samples / 1e8 / w
		for (r = 1; r <= reps && n < rows; r++) {
			wall = base * (1 + rand() / 20)
			printf "pi-mem,%d,pi,%s,%d,%d,ok,%.9f,%.6f,%.6f,%d,%d,%d," \
			       "%d,64,1,scalar,%s,%s,%.4f,%.15g,%d,1,\n",
			       c + 1, s, w, r, wall, wall * w, 0.0001,
			       2900 + int(rand() * 100), int(rand() * 10),
			       int(rand() * 5), samples, sched, chunk,
			       3.1416, rand() / 1000, samples
			n++
		}
	}
}
