"""Alert rules of the theme financier: FIN-01 … FIN-13 (domain.md, the alert catalogue), in three modules.

- :mod:`.financement`: the funding plan against the cost: its balance (FIN-01), the ANRU ceiling rate on the
  base subventionnable (FIN-02), cost drift (FIN-03), funding not secured before the works start (FIN-10);
- :mod:`.subvention`: the ANRU subsidy's life cycle: works without DAS (FIN-04), caducité (FIN-05, FIN-07),
  the balance request (FIN-06), payments against progress (FIN-08) and against their ceilings (FIN-12);
- :mod:`.engagement`: engaging in time and within the envelope: engagement against the planned curve
  (FIN-09), the engagement horizon (FIN-11), the ANRU envelope of the latest avenant (FIN-13);
- :mod:`.common`: the choices they share, and the helpers that apply them.
"""

from opc_excel.compute.alerts.financier import engagement, financement, subvention  # noqa: F401 - they register
