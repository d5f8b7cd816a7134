"""The written documents, laid out from the :class:`opc_excel.situation.Situation` of one session.

- :mod:`rapport`: the *rapport semestriel* to the comité de pilotage (``build_report`` returns the .docx bytes),
  its sections in :mod:`rapport_suivi` and its annexes in :mod:`annexes`;
- :mod:`builder`: ``DocumentBuilder``, a small layer on python-docx: styles by name, tables, pictures, the table
  of contents field, page numbers, French typography wherever text is written;
- :mod:`charts`: the charts drawn as images (matplotlib), from the same series as the decks' native charts;
- :mod:`template`: the house Word template, built by code, and the check of a city's own.

Documents lay out the situation's figures, written with :mod:`opc_excel.situation.formats`: one figure, one value
with the decks. Imports :mod:`opc_excel.situation`, :mod:`opc_excel.report`, :mod:`opc_excel.compute`,
:mod:`opc_excel.read` and the base modules; never the decks, the output sheets, the pipeline or a front end.
"""
