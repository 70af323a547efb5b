#!/bin/sh
# A stand-in for a legacy simulation that `pardo optimize --objective-cmd` runs once per point:
# it takes the coordinates as arguments and prints one number, here Himmelblau's function
# (four minima of 0, one at x = 3, y = 2). It fails, as real codes do, outside |x|, |y| <= 6.
awk -v x="$1" -v y="$2" 'BEGIN {
  if (x < -6 || x > 6 || y < -6 || y > 6) { print "diverged" > "/dev/stderr"; exit 3 }
  a = x * x + y - 11; b = x + y * y - 7
  printf "%.17g\n", a * a + b * b
}'
