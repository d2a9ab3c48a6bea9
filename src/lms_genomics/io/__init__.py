"""Readers: one per input format, each returning canonical tables and raising InputError on bad input."""
