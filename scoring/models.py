"""Models arrive with the scoring issue."""
