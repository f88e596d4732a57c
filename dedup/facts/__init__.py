"""Document -> Facts with exact spans; two versions -> FactDiff (omitted, softened, hardened, ...)."""
