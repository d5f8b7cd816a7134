"""The shipped workbooks, made by code: the illustrative Perseigne master and the blank model.

``python -m opc_excel.demo.generate`` rebuilds ``workbooks/``; :mod:`data` holds the illustrative
programme, :mod:`replay` replays it through the real pipeline to give the master its history.
Not product code: nothing in the product imports it; it may import anything.
"""
