"""One learner's practice: sessions, grading, selection, reports and the quiz service."""
