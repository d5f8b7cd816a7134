"""Alert rules of the theme gouvernance (placeholder until its rules are written)."""
