"""Reusable widgets of the tutor; each renders state it is given and posts messages up."""
