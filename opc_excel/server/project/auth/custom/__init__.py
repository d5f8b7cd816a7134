"""xlwings Server's ``custom`` authentication provider: the token set with OPC_EXCEL_TOKEN."""

from opc_excel.server.auth import validate_token

__all__ = ["validate_token"]
