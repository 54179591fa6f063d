"""Models arrive with the issues issue."""
