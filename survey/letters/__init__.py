"""Invitation and reminder letters: what they say (`compose`), who gets which (`batches`), the
print-ready PDF (`render`), returned mail (`returned`) and the `wijkprofiel letters` commands.

Commands:

    wijkprofiel letters print --kind invitation|reminder1|reminder2 --wave N
                              [--batch-size 5000] [--out DIR] [--year YYYY]
                              [--date YYYY-MM-DD] [--processes 2]
    wijkprofiel letters returned FILE.csv
    wijkprofiel letters sent [--year YYYY]

`print` writes `DIR/<batch>.pdf` per batch (e.g. `2024-W1-INV-001.pdf`, two A4 pages per
letter for duplex printing, letters sorted by postcode) and one
`DIR/<first batch>[_to_<n>]-manifest.csv` with the columns batch, sequence, sample_unit_id,
wijk, postcode, kind, pages: one row per letter, no answers, names or codes. It records every
letter in the `letter` table, so a reminder skips units already done and a second run of the
same kind prints only what is left.

`returned` reads a CSV with the columns kenmerk (printed in the envelope window, e.g.
`2024-W1-INV-001/00042`; or batch and sequence), outcome (undeliverable, moved, moved_away,
refused_by_addressee, deceased; or in Dutch onbestelbaar, adres_onbekend, verhuisd,
vertrokken_uit_rotterdam, geweigerd, overleden) and optionally date. Each sets the unit's AAPOR
disposition through `survey.fieldwork.outcomes`, unless it completed or has a final one.

Settings: the LETTER_* keys of the app config (base address, helpdesk, return address, privacy
contact, signatory, retention text) override what the letter says; their defaults and meanings
are in `survey.settings` (group letters).

The environment variable `WIJKPROFIEL_FONT_DIR` names a folder with the DejaVu fonts if neither
Debian's fonts-dejavu-core nor matplotlib's copy is there.
"""
