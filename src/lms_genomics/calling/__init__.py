"""Calls: pure functions over canonical tables (copy-number states, genes, profile, arm-level events)."""
