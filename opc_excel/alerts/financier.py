"""Alert rules of the theme financier (placeholder until its rules are written)."""
