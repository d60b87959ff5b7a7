# @HEADER@
#
# Efficiency (speed-up / workers) versus workers: one line per series
# with error bars, the ideal 1 dotted, and the fitted Amdahl
# curve dashed.
# Data (@DAT@): one block per series (index 0, 1, ...) of
#   workers  efficiency  low  high  oversubscribed (1: more workers than cores)
# '?' marks a missing value. Everything between at-signs in the template
# (plots/efficiency.gp of parabench) is filled in by `parabench plot`.

set encoding utf8
set datafile missing '?'
set title @TITLE@
set xlabel 'workers'
set ylabel @YLABEL@
set logscale x 2
@XTICS@
set xrange [@XMIN@:@XMAX@]
set yrange [0:*]
set grid xtics ytics lc rgb '#dddddd'
set key bottom left reverse Left box opaque spacing 1.2
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
