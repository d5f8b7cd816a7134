"""Writing the output sheets back into the workbook: Contrôles, Alertes, Tableau de bord, Historique.

- :mod:`output`: each sheet described once (values and formats, a :class:`~output.SheetOutput`);
  :mod:`openpyxl_backend` writes it into a workbook file (command line), :mod:`xlwings_backend`
  into the open workbook through xlwings (the add-in, desktop Excel).
- one module per sheet: :mod:`controles` (*Contrôles*), :mod:`alertes` (*Alertes*),
  :mod:`dashboard` (*Tableau de bord*), :mod:`history` (*Historique*, hidden *Historique jalons*);
  :mod:`style` the look they share.

Imports :mod:`opc_excel.report`, :mod:`opc_excel.compute`, :mod:`opc_excel.read` and the base
modules; never the decks, the pipeline or a front end.
"""
