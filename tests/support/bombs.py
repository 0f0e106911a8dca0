"""Hostile files made on the fly (small to store, huge to read): spreadsheets whose few bytes
claim billions of cells, a zip bomb dressed as a workbook, YAML alias bombs and deep nesting.
Used by the security tests, the bad-input corpus and `benchmarks/faults.py`-style runs."""

import io
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '</Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _workbook(sheet_xml: bytes | None = None, raw_sheet: tuple | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if sheet_xml is not None:
            archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    content = buffer.getvalue()
    if raw_sheet is not None:
        content = _append_deflated(content, "xl/worksheets/sheet1.xml", *raw_sheet)
    return content


def far_cell_xlsx(claim: bool = True) -> bytes:
    """1.5 KB: the whole sheet claimed (A1:XFD1048576) and one cell at XFD1048576. It grew a
    worker past 3 GB at /staff/sample/upload and the command line to 6 GB. `claim=False`: the
    far cell without the dimension."""
    sheet = (SHEET_HEAD + ('<dimension ref="A1:XFD1048576"/>' if claim else "") + '<sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>registernummer</t></is></c></row>'
             '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
             '</sheetData></worksheet>')
    return _workbook(sheet.encode())


def claimed_dimension_xlsx() -> bytes:
    """Two real cells, but the sheet's dimension claims every cell of the sheet (openpyxl
    fills what the dimension says)."""
    sheet = (SHEET_HEAD + '<dimension ref="A1:XFD1048576"/><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>registernummer</t></is></c></row>'
             '<row r="2"><c r="A2" t="inlineStr"><is><t>BRP-1</t></is></c></row>'
             '</sheetData></worksheet>')
    return _workbook(sheet.encode())


def zip_bomb_xlsx(unpacked_mib: int = 300) -> bytes:
    """A workbook whose sheet unpacks about a thousand times its packed size (whitespace
    inside the sheet XML, which is valid XML): 300 MiB from some 300 kB."""
    head = (SHEET_HEAD + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>registernummer'
            '</t></is></c></row>').encode()
    tail = b"</sheetData></worksheet>"
    return _workbook(raw_sheet=(head, b" " * (1024 * 1024), unpacked_mib, tail))


def _append_deflated(content: bytes, name: str, head: bytes, block: bytes, repeat: int,
                     tail: bytes) -> bytes:
    """Add a member of head + block * repeat + tail, compressed as it streams (never whole in
    memory), to the archive `content`."""
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(name, "w", force_zip64=True) as member:
            member.write(head)
            for _ in range(repeat):
                member.write(block)
            member.write(tail)
    return buffer.getvalue()


def damaged_xlsx() -> bytes:
    """A real workbook cut short halfway through: its archive directory is gone."""
    sheet = (SHEET_HEAD + '<sheetData>' + "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>BRP-{r}</t></is></c></row>'
        for r in range(1, 2000)) + '</sheetData></worksheet>')
    whole = _workbook(sheet.encode())
    return whole[: len(whole) // 2]


def corrupted_sheet_xlsx() -> bytes:
    """A whole archive whose sheet XML is broken off in the middle of a tag."""
    sheet = SHEET_HEAD + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>registernummer'
    return _workbook(sheet.encode())


def yaml_alias_bomb(levels: int = 9) -> str:
    """Nine levels of ten aliases each: 10^9 values once expanded, in 600 bytes."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def yaml_deep_nesting(depth: int = 10_000) -> str:
    return "deep: " + "[" * depth + "]" * depth + "\n"
