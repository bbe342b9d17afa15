"""The interactive page (`compellence app`)."""
