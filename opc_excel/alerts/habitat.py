"""Alert rules of the theme habitat (placeholder until its rules are written)."""
