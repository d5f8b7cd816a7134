"""Rendering what a meeting is told: the decks (and the written documents to come).

- :mod:`decks`: the five decks on a template whose layouts are found by name; one module per deck
  kind, the shared slide builders and the drawing primitives beside them.

Imports :mod:`opc_excel.report`, :mod:`opc_excel.compute`, :mod:`opc_excel.read` and the base
modules; never the output sheets, the pipeline or a front end.
"""
