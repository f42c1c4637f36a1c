"""What may be published: disclosure control, and the guard against record-level outputs."""
