# @HEADER@
#
# A workload metric that has a unit (GB/s, requests/s, ...) versus
# workers, workers on a logarithmic axis (base 2): the median over the ok
# runs of each cell, one line per series.
# Data (@DAT@): one block per series (index 0, 1, ...) of
#   workers  median  -  -  oversubscribed (1: more workers than cores)
# A question mark marks a missing value. Everything between at-signs in
# the template (plots/metric.gp of parabench) is filled in by parabench.

set encoding utf8
set datafile missing '?'
set title @TITLE@
set xlabel 'workers'
set ylabel @YLABEL@
set logscale x 2
@XTICS@
set xrange [@XMIN@:@XMAX@]
@YAXIS@
set grid xtics ytics lc rgb '#dddddd'
set key tmargin left Left reverse horizontal maxcols 2 spacing 1.1 samplen 3
@MARKS@
@CAPTION@
@DEFS@
set terminal pngcairo size 900,660 background rgb 'white' font 'Sans,11' noenhanced
set output @PNG@
@PLOT@
set terminal svg size 900,660 background rgb 'white' font 'Sans,11' noenhanced
set output @SVG@
replot
unset output
