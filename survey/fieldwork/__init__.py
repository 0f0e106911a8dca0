"""Fieldwork monitoring: AAPOR dispositions and outcome rates (`aapor`), the dashboard's
aggregate queries (`dashboard`), its chart (`chart`) and exports (`exports`)."""
