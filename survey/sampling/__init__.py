"""The sample of an edition: import it, or draw it from an imported register.

- `import_file`: import a register extract (BRP), an already drawn sample or contact data
  from CSV or Excel (read by `weighting.tables`), whole or not at all: `fields` (our fields,
  their header names and values, the column mapping), `checks` (every row checked) and the
  storing in `import_file` itself.
- `units`: the one writer of sample units and their identity links (draw and import alike).
- `frame`: the register frame of an edition and its margins.
- `draw`: the stratified sample per wijk from an imported register: gross sizes from target
  net responses and expected response rates, simple random sampling within each wijk,
  questionnaire assignment, inclusion probabilities, design weights, access codes and the
  register margins for weighting.
- `uploads`: files uploaded on the staff pages, kept between the preview and the import.
- `commands`: `wijkprofiel sample import|draw`.

Names, addresses, phone numbers and birth dates go only to the identity tables
(`identity_person`, `identity_link`, `identity_frame_member`); the statistics side gets the
opaque unit, its wijk, design and the register categories.
"""
