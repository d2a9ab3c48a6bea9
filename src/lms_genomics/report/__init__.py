"""Writers: JSON, TSV and the human summary of a :class:`~lms_genomics.result.SampleResult`."""
