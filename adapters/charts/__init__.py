"""Progress charts drawn with matplotlib (the core's ChartRenderer port); no other package imports matplotlib."""
