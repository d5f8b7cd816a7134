"""``python -m opc_excel.cli``: the ``opc-excel`` command line."""

import sys

from opc_excel.cli import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
