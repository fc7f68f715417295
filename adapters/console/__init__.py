"""The console chat: the same core in a terminal, line by line, with no tokens."""
