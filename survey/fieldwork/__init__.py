"""Fieldwork: the state of every sample unit that the modes (web, paper, phone, letters) write
and the coordinator reads, and its monitoring.

- State: AAPOR codes and outcome rates (`aapor`), a unit's final disposition (`dispositions`),
  recorded outcomes (`outcomes`), the fieldwork period (`period`, `dates`) and the edition's
  targets (`targets`).
- Monitoring: the dashboard's aggregate queries (`dashboard`), its chart (`chart`), exports
  (`exports`), the analysis file (`answers`) and its wide table (`wide_table`).

It imports none of the modes; they import it.
"""
