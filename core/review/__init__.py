"""Spaced review of answered questions (FSRS cards) and the study streak."""
