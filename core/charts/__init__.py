"""Progress charts: what a picture of a learner's progress shows, as plain data (no drawing library)."""
