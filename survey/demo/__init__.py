"""A realistic demo edition of the Wijkprofiel: synthetic register, sample, fieldwork and
answers built from Rotterdam's real CBS wijk figures (`wijkprofiel demo seed`).

See `survey.demo.seed.seed_edition` for the whole pipeline and `survey.fieldwork.answers` for
the analysis file.
"""
