# @HEADER@
#
# Median wall time versus workers (log-log): one line per series with
# its interval as error bars, the ideal baseline / workers dotted, and
# the fitted Amdahl curve a + b/p dashed.
# Data (@DAT@): one block per series (index 0, 1, ...) of
#   workers  median_s  low  high  oversubscribed (1: more workers than cores)
# '?' marks a missing value. Everything between at-signs in the template
# (plots/time.gp of parabench) is filled in by `parabench plot`.

set encoding utf8
set datafile missing '?'
set title @TITLE@
set xlabel 'workers'
set ylabel @YLABEL@
set logscale x 2
@XTICS@
set xrange [@XMIN@:@XMAX@]
set logscale y 10
set grid xtics ytics lc rgb '#dddddd'
set key top right reverse Left box opaque spacing 1.2
set samples 400
@MARKS@
@DEFS@
set terminal pngcairo size 800,500 background rgb 'white' font 'Sans,11' noenhanced
set output @PNG@
@PLOT@
set terminal svg size 800,500 background rgb 'white' font 'Sans,11' noenhanced
set output @SVG@
replot
unset output
