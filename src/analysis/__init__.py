"""Reproducible analysis of Peterborough's 2011-12 children's services improvement programme."""

__version__ = "0.1.0"
