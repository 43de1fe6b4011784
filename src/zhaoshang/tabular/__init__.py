"""Shared file reading and writing for every import and export (plain Python, no Django)."""
