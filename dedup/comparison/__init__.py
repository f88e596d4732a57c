"""Two Profiles -> signals -> Verdict (derived?, which is the original, what kind); compare(a, b); no I/O."""
