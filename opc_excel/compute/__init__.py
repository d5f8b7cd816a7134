"""Computing what the programme's state means: indicators, alerts, what changed.

- :mod:`schedule`: calendar arithmetic, and the milestones, progress and slips of one operation.
- :mod:`indicators`: every indicator of domain.md, overall and by famille, district, owner, funder; one module
  per theme (financier, calendrier, habitat, social), :func:`~indicators.compute_indicators` for them all.
- :mod:`alerts`: the alert catalogue, one rule per code, one module per theme (the theme financier in two:
  the funding plan, the ANRU subsidy's life cycle).
- :mod:`changes`: what changed between two dates de situation.

Imports :mod:`opc_excel.read` (the contract, the kept sheets' rows) and the base modules; never
the output sheets, the decks or the pipeline.
"""
