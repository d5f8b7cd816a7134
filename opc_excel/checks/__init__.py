"""Checking the tables read: every data problem of the contract (``DQ-…``) with its sheet and cell.

- :mod:`tables`: the checks across cells and rows (pandera schemas built from the contract,
  milestone order, duplicates, references). Checks of a single cell happen while reading
  (:mod:`opc_excel.read.reader`).

Imports :mod:`opc_excel.read` and the base modules.
"""
