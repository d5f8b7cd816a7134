"""xlwings Server adds the router found here: the add-in's own routes (decks)."""

from opc_excel.server.routes import router

__all__ = ["router"]
