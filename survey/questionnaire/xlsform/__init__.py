"""Import an ODK XLSForm (sheets survey, choices, settings) into our questionnaire format.

What translates (see https://xlsform.org for the XLSForm side), spelled as pyxform reads it:
sheet and column names in any case, `list name` as `list_name`, a language after `::` or `:`
(`label::English`, `label:English (en)`), type words with spaces or _ (`begin group`,
`select one from L`, `select all that apply L`, `int`, `string`):

    select_one L / select_multiple L   single / multiple with scale L (from the choices sheet;
                                       a choice name twice in a list is a problem, its first
                                       row kept)
    integer / decimal                  number; min/max from a constraint such as
                                       `. >= 0 and . <= 120` (decimal: 2 decimals); a bound
                                       the form lacks is 0 or 999999, with a note
    note                               the help text of the question after it in its group
    text                               text; max_length from `string-length(.) <= N`
    date                               date; min/max from `. >= date('2020-01-01')`, `. <= today()`
    begin group ... end group          a group of questions is a page; a group of groups is a
                                       section whose inner groups are pages; a question outside
                                       any group is a page of its own
    relevant                           `when` conditions: `${x} = 'a'`, `${x} != 'a'`,
                                       `selected(${x}, 'a')`, `${x} >= 18` (and = != > < <=),
                                       `${x} = ''`, `and`, `or`, `not(...)`, parentheses
    required                           yes / true / true()
    label, hint                        text, help: the Dutch column (`label::Nederlands (nl)`,
                                       `label::nl`, ...), else the default `label`, else the
                                       settings' default_language, else the first language
                                       (with a note: the texts are to be translated)
    begin group (appearance field-list) a page

Names become our ids and variables: `buurtCijfer` gives variable `buurtcijfer`, id `buurtcijfer`;
`buurt_cijfer` gives variable `buurt_cijfer`, id `buurt-cijfer`. Choice names become snake_case
values the same way (in `relevant` too).

Everything else (calculations, repeats, choice filters, or_other, notes showing ${values},
other question types, expressions we cannot read) is reported as a problem with its sheet, row
and column, never silently dropped; `--partial` writes the rest.
Metadata fields (start, end, today, deviceid, ...) hold no question; they are listed as notes.

The modules: `sheets` (the workbook as pyxform reads it), `names` (XLSForm names as our ids),
`expressions` (`relevant` and `constraint`), `convert` (the conversion).

>>> result = convert_xlsform("form.xlsx")            # doctest: +SKIP
>>> result.problems, result.yaml_text[:40]           # doctest: +SKIP
([], 'schema_version: 1\\nid: buurtonderzoek\\nversion: ...')
"""

from survey.questionnaire.xlsform.convert import ConversionResult, convert_xlsform
from survey.questionnaire.xlsform.expressions import translate_relevant

__all__ = ["ConversionResult", "convert_xlsform", "translate_relevant"]
