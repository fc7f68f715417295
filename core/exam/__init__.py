"""The exam as data: its facts, skills and questions, loaded and validated."""
