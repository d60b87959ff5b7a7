/*
 * fit.h — Amdahl's law fitted to measured times, and the Karp–Flatt
 * metric. Pure functions, no I/O.
 *
 * Amdahl: T(p) = a + b/p, where a is the time of the part that does not
 * shrink with p workers and b that of the part that does. It is linear in
 * x = 1/p, so ordinary least squares of T on x gives a and b with their
 * covariance. The serial fraction is s = a / (a + b) (the share of T(1)
 * that stays), its standard error comes from the covariance by the delta
 * method, and 1/s is the speed-up no number of workers can exceed. Its
 * 95% interval is s ± t·se, t the 97.5% quantile of Student's t with
 * n - 2 degrees of freedom. An s outside [0, 1] means the times are not
 * Amdahl-shaped (faster than linear, or slower with more workers): such
 * an s is no fraction and gives no limit.
 *
 * Karp–Flatt: from one measured speed-up S on p > 1 workers, the
 * experimentally determined serial fraction e = (1/S - 1/p) / (1 - 1/p).
 * A constant e over p means Amdahl explains the curve; a growing e means
 * overhead that grows with p (communication, contention).
 */
#ifndef PB_FIT_H
#define PB_FIT_H

#include <parabench/plugin.h>

/* The result of one fit. Values that do not apply are NaN. */
struct pb_fit {
	size_t n_points;       /* points given */
	size_t n_workers;      /* distinct worker counts among them */
	bool ok;	       /* a and b were determined */
	bool exact;	       /* two points: the line passes through both */
	double a, b;	       /* seconds: T(p) = a + b/p */
	double s, s_se;	       /* serial fraction and its standard error */
	double s_lo, s_hi;     /* its 95% interval (n > 2 only) */
	bool shaped;	       /* ok and 0 <= s <= 1: Amdahl-shaped */
	double max_speedup;    /* 1/s when shaped and s > 0 */
	double max_lo, max_hi; /* 1/s_hi, 1/s_lo; max_hi +inf if s_lo <= 0 */
	double r2;	       /* coefficient of determination; NaN if exact */
	char note[160]; /* "exact", "one worker count", ...; "" if none */
};

/*
 * Fits T(p) = a + b/p to n points (workers[k], seconds[k]) by least
 * squares. Fewer than two distinct worker counts: no fit (ok = false, a
 * note says why). Exactly two points: the exact line, note "exact", no R²
 * or standard error. Never fails as a call; bad points (p < 1, t not
 * finite) give ok = false and a note.
 */
void pb_amdahl_fit(const double *workers, const double *seconds, size_t n,
		   struct pb_fit *out);

/* The 97.5% quantile of Student's t with df degrees of freedom (df >= 1). */
double pb_t975(size_t df);

/*
 * The Karp–Flatt serial fraction of speed-up S on p workers, or NaN where
 * it is not defined: p <= 1, S not a number, or S outside [1, p] (slower
 * than one worker, or faster than linear: e would leave [0, 1]).
 */
double pb_karp_flatt(double speedup, double workers);

#endif
