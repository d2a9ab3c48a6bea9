"""Bundled example samples (ChAS exports written by the lmsgen team)."""
