"""Study-group rounds: one question at a time for a whole chat, timed, with a leaderboard."""
