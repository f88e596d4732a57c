"""Comparison / FactDiff / Flag -> text, JSON and self-contained HTML."""
