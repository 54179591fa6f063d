"""Models arrive with the hotline issue."""
