"""The public Wijkprofiel: `wijkprofiel publish` writes a static, accessible site for the city,
each gebied and each wijk (Dutch and English), open data and a two-page factsheet per wijk.

Nothing here estimates anything. The site is published from the tables the statistician's
report writes (`survey.report.edition_report`: `indicators.csv` and `index_scores.csv`), read
through one documented input model (`survey.publish.inputs.SiteData`), so that the public
figures are the report's figures, with the report's suppression and change rules.

Setting (the app serves the site under /wijkprofiel/, `survey.routes.public_site`):

| setting | meaning [default] |
|---|---|
| PUBLIC_SITE_DIR | directory of a published site to serve under /wijkprofiel/ (config or environment; `wijkprofiel demo run` sets it to its own site) [unset: /wijkprofiel/ answers 404] |

Modules: `inputs` (the input model), `postcodes` (the PC4 -> wijk table), `texts` (public
labels, through Babel), `numbers` (numbers as each language writes them), `charts` (SVG),
`pages` (what each page shows), `site` (HTML), `opendata` (CSV, JSON, dictionary),
`factsheets` (PDF), `commands` (the CLI).
"""
