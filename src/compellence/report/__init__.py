"""Views of results: static figures and self-contained HTML reports."""
