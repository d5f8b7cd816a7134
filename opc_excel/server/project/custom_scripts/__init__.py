"""xlwings Server imports the project's scripts from here (the add-in's ribbon calls them by name)."""

from opc_excel.server.scripts import actualiser, controler

__all__ = ["actualiser", "controler"]
