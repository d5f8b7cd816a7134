"""Reading the workbook in: the contract, the package's safety, cell values, and the model built from them.

- :mod:`contract`: the sheets, headers, lists and parameters users and tests rely on (workbook.md).
- :mod:`package`: what a file must be before openpyxl parses it, and loading it safely; the limits
  and French refusals in :mod:`package_kind`, the part scanners in :mod:`package_xml` (XML safety)
  and :mod:`package_parts` (formulas without a value, what a re-save would lose). Writing files
  safely is :mod:`opc_excel.files`, a base module.
- :mod:`source`, :mod:`values`, :mod:`reader`: every cell read by its column's kind, with the
  problems met while reading; :mod:`build`: the frozen programme (:mod:`opc_excel.model`).
- :mod:`alert_sheet`, :mod:`history`: what a refresh keeps of the output sheets it rewrites
  (users' notes in *Alertes*, earlier situations in *Historique*), read back and merged.

Imports only the base modules (``model``, ``errors``, ``text``, ``fr``, ``cancel``).
"""
