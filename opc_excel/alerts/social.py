"""Alert rules of the theme social (placeholder until its rules are written)."""
