"""What a meeting is told, computed once from a report: figures, trends, curves, ranked lists, sentences.

Decks and documents only lay it out: one figure, one value. :mod:`formats` writes a figure the one way
it is written everywhere.
"""
