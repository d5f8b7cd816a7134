"""The Excel add-in: xlwings Server scripts and routes, thin, over :mod:`opc_excel.pipeline`.

- :mod:`~opc_excel.server.book`: the pipeline over an open workbook (an xlwings ``Book``), shared
  by the add-in and the desktop fallback; needs neither xlwings Server nor a licence key.
- :mod:`~opc_excel.server.scripts`: the ribbon's scripts ``controler`` and ``actualiser``.
- :mod:`~opc_excel.server.routes`: ``POST /opc/deck/{kind}``, the decks.
- :mod:`~opc_excel.server.app`: the configured xlwings Server application, run by ``opc-excel serve``.
- :mod:`~opc_excel.server.guards`: static files kept to their folders, Host and proxy checks, the token
  checked before the body, download secrets out of the access log, slow clients cut off.
- :mod:`~opc_excel.server.workers`: computations in threads (the application embedded, tests): at most
  ``THREADS`` at once; refused ones stop at their next checkpoint.
- :mod:`~opc_excel.server.pool`: computations in processes (``opc-excel serve``): one per worker
  process at once; a refused one's process is killed and replaced.
- :mod:`~opc_excel.server.compute`: what a computation runs, from the payload to actions or a file.
- :mod:`~opc_excel.server.links`: the files behind download links, in a folder or Redis every worker shares.
- ``project/``: the xlwings Server project (manifest, task pane, ``ribbon.js``, icons).

Importing this package imports nothing from xlwings: the command line can't load it by accident.
It only points xlwings Server at this add-in's project folder, since xlwings Server reads its
settings once, when first imported (by :mod:`~opc_excel.server.routes` or
:mod:`~opc_excel.server.scripts`).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent / "project"
XLWINGS_DEFAULTS = {
    "XLWINGS_PROJECT_NAME": "OPC urbain",
    "XLWINGS_ENVIRONMENT": "prod",
    "XLWINGS_ENABLE_SOCKETIO": "false",  # no streaming functions, no hot reload
    "XLWINGS_ENABLE_EXAMPLES": "false",
    "XLWINGS_ENABLE_HOTRELOAD": "false",
    # This add-in's own ids (xlwings' defaults are shared by every project that keeps them).
    "XLWINGS_MANIFEST_ID_DEV": "3f0b6a1e-6c1d-4a47-9d2e-0c5a8e7b2d11",
    "XLWINGS_MANIFEST_ID_QA": "8d2c4e5f-1a3b-4c6d-8e9f-2b4d6f8a0c22",
    "XLWINGS_MANIFEST_ID_UAT": "c7e9a1b3-5d2f-4e8a-9b1c-3d5f7a9b1c33",
    "XLWINGS_MANIFEST_ID_STAGING": "5a7c9e1f-3b5d-4f8a-8c2e-4f6a8c0e2a44",
    "XLWINGS_MANIFEST_ID_PROD": "e1f3a5c7-9b2d-4e6f-8a1c-5b7d9f1a3c55",
}

os.environ["XLWINGS_PROJECT_DIR"] = str(PROJECT_DIR)
for _name, _value in XLWINGS_DEFAULTS.items():
    os.environ.setdefault(_name, _value)
