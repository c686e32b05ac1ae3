"""Biên bản trực tiếp: the live minute-taking screen and its projector window."""
