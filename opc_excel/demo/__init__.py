"""The shipped workbooks, made by code: the illustrative Perseigne master and the blank model.

``python -m opc_excel.demo.generate`` rebuilds ``workbooks/`` (:mod:`generate`: both workbooks,
the master refreshed at earlier dates de situation, saved byte for byte the same from run to run).
:mod:`data` holds the illustrative programme, :mod:`replay` rewinds it to an earlier date so the
real pipeline gives the master its history. One module per kind of sheet: :mod:`guide`
(*Mode d'emploi*), :mod:`parameters` (*Paramètres*), :mod:`tables` (*Listes* and the data sheets,
as Excel Tables), with :mod:`looks` the look they share.
Not product code: nothing in the product imports it; it may import anything.
"""
