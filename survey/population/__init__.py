"""The population the Wijkprofiel samples from, and the rules of the draw.

- `wijken`: the 71 wijken and their gebieden with CBS figures (real reference data).
- `categories`: the register variables (age group, sex, migration background, household type),
  their categories and age grouping at the register's reference date.
- `margins`: persons per wijk per category, counted from a register, for weighting.
- `allocation`: how many persons to draw per wijk (from targets, or from a city total).
- `selection`: the stratified draw itself: persons, questionnaire, wave, ids and access codes.
- `targets`: net responses wanted per wijk (FIELDWORK_TARGETS, a database's targets file).

Pure functions over tables, no database: `survey.sampling` (the real draw and import),
`survey.fieldwork` (dashboard, call list) and `survey.demo` (the synthetic edition) build on it.
"""
