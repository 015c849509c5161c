"""Casefile: structured lesson packs to a two-edition teaching site, handouts and LMS quizzes."""

__version__ = "0.1.0"
