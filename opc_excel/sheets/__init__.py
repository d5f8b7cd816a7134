"""Writing the output sheets back into the workbook: Contrôles, Alertes, Tableau de bord, Historique.

- :mod:`output`: each sheet described once (values and formats), written by openpyxl (command
  line) or through xlwings actions (the add-in).
- :mod:`writer`: *Contrôles*, *Alertes*, *Historique jalons*; :mod:`dashboard`: *Tableau de bord*
  and *Historique*.

Imports :mod:`opc_excel.report`, :mod:`opc_excel.compute`, :mod:`opc_excel.read` and the base
modules; never the decks, the pipeline or a front end.
"""
