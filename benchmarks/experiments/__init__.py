"""Experiments kept for their measurements (not part of the product)."""
