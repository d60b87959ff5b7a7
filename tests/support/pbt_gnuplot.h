/*
 * pbt_gnuplot.h — checks that the gnuplot files of a charts folder are
 * inert: every name in them is inside a single-quoted literal.
 */
#ifndef PBT_GNUPLOT_H
#define PBT_GNUPLOT_H

/*
 * Asserts, for every .gp and .dat file in folder charts (at least one .gp),
 * that no single-quoted literal spans a line and that the text outside
 * the literals holds none of the words of the NULL-terminated list bad
 * (e.g. "system", "touch"). The failure names the file and line.
 */
void pbt_assert_gp_inert(const char *charts, const char *const *bad);

#endif
