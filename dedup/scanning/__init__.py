"""Sources x index -> shortlist -> comparisons -> Flags; sketch and compare workers; many scanners."""
