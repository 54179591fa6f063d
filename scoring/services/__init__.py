"""Writes of the scoring app, one module per input; see each module's docstring."""
