"""Reports and their charts (matplotlib stays here)."""
