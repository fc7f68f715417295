"""The seven-day study plan and its daily push."""
