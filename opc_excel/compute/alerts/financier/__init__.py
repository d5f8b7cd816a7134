"""Alert rules of the theme financier: FIN-01 … FIN-11 (domain.md, the alert catalogue), in two modules.

- :mod:`.financement`: the funding plan against the cost: its balance (FIN-01), the ANRU ceiling rate (FIN-02),
  cost drift (FIN-03), funding not secured before the works start (FIN-10);
- :mod:`.subvention`: the ANRU subsidy's life cycle: works without DAS (FIN-04), caducité (FIN-05, FIN-07),
  the balance request (FIN-06), payments against progress (FIN-08), engagement against the S-curve (FIN-09),
  NPNRU engagement deadlines (FIN-11);
- :mod:`.common`: the choices they share, and the helpers that apply them.
"""
