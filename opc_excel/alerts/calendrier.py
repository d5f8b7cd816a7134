"""Alert rules of the theme calendrier (placeholder until its rules are written)."""
