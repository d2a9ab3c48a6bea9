"""The lmsgen command line (click): argument parsing, calls into lms_genomics, exit codes."""
