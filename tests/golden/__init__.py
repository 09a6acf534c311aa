"""Golden replies: one reviewed reply per verdict, built from real decisions."""
