"""hg19 reference files shipped with lmsgen (gene BED, chromosome arms)."""
