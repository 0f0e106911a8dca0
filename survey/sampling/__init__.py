"""The sample of an edition: import it, or draw it from an imported register.

- `import_file`: read a register extract (BRP) or an already drawn sample from CSV or Excel,
  map its columns to our fields, check every row, and store it whole or not at all.
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
