"""opc_excel: steer an ANRU urban-renewal programme from one master Excel workbook.

Pipeline: load the workbook (``opc_excel.workbook``) → check it (``opc_excel.checks``)
→ compute indicators and alerts → write the output sheets / render decks.
"""

__version__ = "0.1.0"
