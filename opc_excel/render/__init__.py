"""Rendering what a meeting is told: the decks and the written documents.

- :mod:`decks`: the five decks on a template whose layouts are found by name; one module per deck
  kind, the shared slides (:mod:`decks.findings`: synthesis, points durs, decisions) and the drawing
  primitives beside them.
- :mod:`documents`: the rapport semestriel, the meeting kit and the fiches in Word, on a template whose styles are
  found by name.
- :mod:`templates`: what both kinds of template share: the check result, the house template shipped or built.

Imports :mod:`opc_excel.report`, :mod:`opc_excel.compute`, :mod:`opc_excel.read` and the base
modules; never the output sheets, the pipeline or a front end.
"""
