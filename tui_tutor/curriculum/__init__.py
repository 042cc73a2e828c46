"""Lessons (and later the quiz bank): content discovery and parsing, no Textual."""
