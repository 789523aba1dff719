"""Sizes of the synthetic datasets (no Django import: the bench scripts read them before set-up)."""

SYNTH_VERSION = 2  # bump when the generated data changes: bench databases tagged with it are rebuilt
NATIONAL_MEMBERS = 5_300_000
PROVINCE_MEMBERS = 60_000
