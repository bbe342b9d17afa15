"""Evidence: loaders for real coercion data, and episodes (situations with observed outcomes)."""
