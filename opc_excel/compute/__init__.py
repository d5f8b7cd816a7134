"""Computing what the programme's state means: indicators, alerts, what changed.

- :mod:`schedule`: milestones, progress and slips of one operation.
- :mod:`indicators`: every indicator of domain.md, overall and by famille, district, owner, funder.
- :mod:`alerts`: the alert catalogue, one rule per code, one module per theme.
- :mod:`changes`: what changed between two dates de situation.

Imports :mod:`opc_excel.read` (the contract, the kept sheets' rows) and the base modules; never
the output sheets, the decks or the pipeline.
"""
