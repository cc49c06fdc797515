"""Live mock-interview rooms."""
