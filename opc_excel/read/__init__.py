"""Reading the workbook in: the contract, the package's safety, cell values, and the model built from them.

- :mod:`contract`: the sheets, headers, lists and parameters users and tests rely on (workbook.md).
- :mod:`package`: what a file must be before openpyxl parses it, and loading it safely; the limits
  and French refusals in :mod:`package_kind`, the part scanners in :mod:`package_xml` (XML safety)
  and :mod:`package_parts` (formulas without a value, what a re-save would lose). Writing files
  safely is :mod:`opc_excel.files`, a base module.
- :mod:`source`: a workbook's sheets as rows of raw values, from openpyxl or from the add-in.
- :mod:`values`: one raw cell read as a :class:`~opc_excel.read.values.Reading`, never guessed; the
  readers by kind in :mod:`dates`, :mod:`amounts` (amounts, numbers, percentages) and :mod:`texts`
  (text, ids, Oui/Non).
- :mod:`reader`: the whole workbook read into tables, with every problem met (:mod:`problems`):
  :mod:`headers` finds the sheets and header rows, :mod:`params` reads *Listes* and *Paramètres*,
  :mod:`tables` reads each input sheet cell by cell; :mod:`build`: the frozen programme
  (:mod:`opc_excel.model`).
- :mod:`alert_sheet`, :mod:`history`: what a refresh keeps of the output sheets it rewrites
  (users' notes in *Alertes*, earlier situations in *Historique*), read back and merged.

Imports only the base modules (``model``, ``errors``, ``text``, ``fr``, ``cancel``).
"""
