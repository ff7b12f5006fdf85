"""tematik: thematic analysis of Indonesian interview transcripts."""

__version__ = "0.1.0"
