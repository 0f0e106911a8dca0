"""Limits checked before reading a spreadsheet, an archive or a YAML file from outside.

A few kilobytes can ask for gigabytes: an .xlsx whose one cell sits at XFD1048576 makes a
reader fill 17 billion empty cells; a zip member of 1 MB may unpack to 1 GB; a YAML file of a
few lines can alias a list into a billion items, or nest ten thousand lists deep. Every import
that reads such a file (the register and sample import, weighting data and margins, XLSForm,
questionnaires, weighting plans) asks this module first, and refuses with an `InputError`
that names the file, the part of it and the limit, before any reader allocates anything.

- `check_xlsx(content, source)`: the zip's members, their total and per-member unpacked size
  and compression ratio (read from the archive's directory, nothing unpacked), then each
  worksheet streamed once: the cells actually present and the extent they span (last row x
  last column), against `SpreadsheetLimits`. Returns the extent per sheet, so the caller can
  tell openpyxl how far to read whatever the sheet's own `<dimension>` claims.
- `YamlLoader`: PyYAML's safe loader (libyaml when present) that measures the document before
  building it: the number of nodes after every alias is expanded, and the nesting depth.

>>> check_xlsx(b"not a zip", "register.xlsx")
Traceback (most recent call last):
...
weighting.errors.InputError: register.xlsx: is not a readable Excel workbook (not a zip archive); save it as .xlsx or as CSV UTF-8
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from weighting.errors import InputError

__all__ = ["SpreadsheetLimits", "LIMITS", "check_xlsx", "read_xlsx", "refuse_xls", "column_number",
           "YamlLoader", "YamlLimitError", "MAX_YAML_NODES", "MAX_YAML_DEPTH"]


@dataclass(frozen=True)
class SpreadsheetLimits:
    """What a workbook may hold before it is read. The defaults take a full register extract
    (535,000 persons x 15 columns is 8 million cells, about 300 MB of sheet XML)."""

    max_members: int = 10_000
    """Files in the zip archive (a workbook has a few dozen)."""
    max_unpacked_bytes: int = 1024 ** 3
    """All members unpacked together."""
    max_ratio: int = 100
    """Unpacked size over packed size of one member larger than `ratio_from_bytes`; sheet XML
    compresses 5 to 20 times, a zip bomb a thousand times."""
    ratio_from_bytes: int = 10 * 1024 ** 2
    max_cells: int = 25_000_000
    """Cells present, and the extent (last row x last column) a reader would fill."""
    max_columns: int = 1_000


LIMITS = SpreadsheetLimits()

_XLS_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 file: .xls of Excel 97-2003
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
# a cell that holds something: not `<c r="IUW1" s="3"/>`, an empty cell kept for its style
_VALUE_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"[^>]*(?<!/)>")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"([0-9]{1,7})\"")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s[^>]*?\bref=\"[A-Z]*[0-9]*:?([A-Z]{1,3})?([0-9]{1,7})?\"")
_CHUNK = 1024 * 1024


def column_number(letters: str) -> int:
    """The number of a column from its letters.

    >>> column_number("XFD")
    16384
    """
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def refuse_xls(content: bytes, source) -> None:
    """An Excel 97-2003 workbook (.xls) is refused with what to do, not read: no reader of it
    is installed, and its format has none of the limits checked here."""
    if content[:8] == _XLS_SIGNATURE:
        raise InputError(source, "is an Excel 97-2003 workbook (.xls), which is not read; "
                                 "save it as .xlsx (Excel workbook) or as CSV UTF-8")


def check_xlsx(content, source, limits: SpreadsheetLimits = LIMITS, *,
               trust_dimension: bool = True) -> dict[str, tuple[int, int, int]]:
    """Check a workbook against `limits` without unpacking more than one sheet at a time.

    Args:
        content: the file's bytes, or a path.
        source: the name used in messages.
        trust_dimension: whether the reader will fill what each sheet's `<dimension>` claims
            (pandas does): then a claim over the limits is refused too. `read_xlsx` reads only
            as far as the cells reach, and passes False: Excel often claims formatted, empty
            columns far to the right.

    Returns:
        For each worksheet member (`xl/worksheets/sheet1.xml`, ...): (last row, last column,
        cells present), the extent over the cells' references; 0 where there are none.

    Raises:
        InputError: not an .xlsx, or over a limit (which one, and by how much).
    """
    if isinstance(content, (str, Path)):
        with open(content, "rb") as handle:
            content = handle.read()
    refuse_xls(content, source)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        reason = "not a zip archive" if isinstance(exc, zipfile.BadZipFile) else str(exc)
        raise InputError(source, f"is not a readable Excel workbook ({reason}); save it as "
                                 ".xlsx or as CSV UTF-8") from None
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise InputError(source, f"holds {len(members):,} files in its archive; an Excel "
                                     f"workbook has a few dozen (at most {limits.max_members:,})")
        total = sum(m.file_size for m in members)
        if total > limits.max_unpacked_bytes:
            raise InputError(source, f"unpacks to {_mb(total)}, more than the "
                                     f"{_mb(limits.max_unpacked_bytes)} allowed")
        for member in members:
            if member.file_size > limits.ratio_from_bytes and \
                    member.file_size > limits.max_ratio * max(member.compress_size, 1):
                raise InputError(
                    source, f"{member.filename} unpacks {member.file_size // max(member.compress_size, 1):,} "
                            f"times its packed size ({_mb(member.file_size)}); a real workbook "
                            f"packs at most {limits.max_ratio} times (a zip bomb?)")
        extents = {}
        for member in members:
            name = member.filename
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                extents[name] = _sheet_extent(archive, member, source, limits, trust_dimension)
        return extents


def read_xlsx(content, source, *, first_only: bool = False,
              limits: SpreadsheetLimits = LIMITS) -> dict[str, list[tuple]]:
    """The values of a workbook's sheets, by title, in sheet order, after `check_xlsx`: each
    sheet read as far as its cells really reach, whatever its `<dimension>` says.

    Args:
        content: bytes or a path.
        first_only: read only the first sheet.

    Raises:
        InputError: over a limit, or a workbook openpyxl cannot read (damaged, encrypted).
    """
    if isinstance(content, (str, Path)):
        with open(content, "rb") as handle:
            content = handle.read()
    extents = check_xlsx(content, source, limits, trust_dimension=False)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True,
                             keep_links=False)
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds on a damaged file)
        raise InputError(source, f"is not a readable Excel workbook ({_reason(exc)}); save it "
                                 "again as .xlsx or as CSV UTF-8") from None
    sheets = {}
    try:
        for sheet in book.worksheets[:1] if first_only else book.worksheets:
            path = getattr(sheet, "_worksheet_path", "").lstrip("/")
            rows, columns, cells = extents[path] if path in extents else (
                max((e[0] for e in extents.values()), default=0),
                max((e[1] for e in extents.values()), default=0), 1)
            # cells without a reference (allowed, rare) leave the bounds to the row lengths
            # and the sheet's dimension, both checked
            sheets[sheet.title] = [] if not cells else list(sheet.iter_rows(
                min_row=1, max_row=rows or None, min_col=1, max_col=columns or None,
                values_only=True))
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise InputError(source, f"sheet {sheet.title!r} cannot be read ({_reason(exc)}); the "
                                 "workbook is damaged: save it again as .xlsx or as CSV UTF-8") from None
    finally:
        book.close()
    return sheets


def _reason(exc) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{exc.__class__.__name__}: {text[:120]}" if text else exc.__class__.__name__


def _sheet_extent(archive, member, source, limits, trust_dimension=True) -> tuple[int, int, int]:
    """Stream one sheet's XML: the cells present and their extent, stopping at a limit. A
    regular expression over the bytes, not an XML parser: about ten times faster, and a
    malformed sheet is left for openpyxl to report."""
    sheet = Path(member.filename).stem
    cells = last_row = last_column = 0
    declared = None
    # a reader that fills what the sheet claims also fills its styled empty cells; ours
    # (read_xlsx) reads as far as the cells with content, whatever lies beyond
    refs = _CELL_REF if trust_dimension else _VALUE_CELL_REF
    tail = b""
    unpacked = 0
    try:
        with archive.open(member) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                if not unpacked:
                    declared = _DIMENSION.search(chunk)
                    if trust_dimension:
                        # openpyxl fills every row and column the sheet claims: check it
                        _check_claim(source, sheet, declared, limits)
                unpacked += len(chunk)
                if unpacked > member.file_size + _CHUNK:  # the directory lied about the size
                    raise InputError(source, f"{member.filename} unpacks to more than its "
                                             "archive says; the file is damaged or a zip bomb")
                # a tag cut at the chunk's end is matched with the next one
                cut = chunk.rfind(b"<")
                data, tail = tail + chunk[:cut], chunk[cut:]
                cells += len(_CELL.findall(data))
                for letters, row in refs.findall(data):
                    last_column = max(last_column, column_number(letters.decode()))
                    last_row = max(last_row, int(row))
                if trust_dimension:
                    for row in _ROW_REF.findall(data):
                        last_row = max(last_row, int(row))
                _check_extent(source, sheet, cells, last_row, last_column, limits)
            cells += len(_CELL.findall(tail))
            for letters, row in refs.findall(tail):
                last_column = max(last_column, column_number(letters.decode()))
                last_row = max(last_row, int(row))
            _check_extent(source, sheet, cells, last_row, last_column, limits)
            if cells and not (last_row and last_column):
                # cells without references: a reader falls back on the claimed dimension
                _check_claim(source, sheet, declared, limits)
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:  # RuntimeError: encrypted
        raise InputError(source, f"{member.filename} cannot be unpacked ({exc}); the workbook "
                                 "is damaged: save it again as .xlsx or as CSV UTF-8") from None
    return last_row, last_column, cells


def _check_claim(source, sheet, declared, limits):
    if declared and declared.group(1) and declared.group(2):
        rows, columns = int(declared.group(2)), column_number(declared.group(1).decode())
        if columns > limits.max_columns or rows * columns > limits.max_cells:
            raise InputError(
                source, f"sheet {sheet} claims {rows:,} rows x {columns:,} columns (its "
                        f"dimension), more than the {limits.max_cells:,} cells or "
                        f"{limits.max_columns:,} columns read; save it again from Excel or as "
                        "CSV UTF-8")


def _check_extent(source, sheet, cells, last_row, last_column, limits):
    if cells > limits.max_cells:
        raise InputError(source, f"sheet {sheet} has more than {limits.max_cells:,} cells; "
                                 "split the file or save it as CSV UTF-8")
    if last_column > limits.max_columns:
        raise InputError(source, f"sheet {sheet} has a cell in column {last_column:,}; at most "
                                 f"{limits.max_columns:,} columns are read (delete the cells "
                                 "far to the right, or save it as CSV UTF-8)")
    if last_row * last_column > limits.max_cells:
        raise InputError(source, f"sheet {sheet} spans {last_row:,} rows x {last_column:,} "
                                 f"columns, more than {limits.max_cells:,} cells; delete the "
                                 "cells far below or to the right of the data")


def _mb(size: int) -> str:
    return f"{size / 1024 ** 2:,.0f} MB"


# --------------------------------------------------------------------------- YAML

MAX_YAML_NODES = 200_000
"""Nodes of a document with every alias expanded (each real questionnaire has about 7,000)."""
MAX_YAML_DEPTH = 100
"""Nesting of lists and mappings (the real questionnaires nest 10 deep)."""


class YamlLimitError(yaml.MarkedYAMLError):
    """A YAML document over `MAX_YAML_NODES` or `MAX_YAML_DEPTH`; `problem_mark` is where."""


class YamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader (libyaml's parser when installed), measuring the composed document
    before building Python objects from it. Anchors and aliases stay allowed (a questionnaire
    may reuse a block), as long as the expanded document stays under the limits.

    >>> yaml.load("a: &x [1, 2]\\nb: *x", Loader=YamlLoader)
    {'a': [1, 2], 'b': [1, 2]}
    """

    max_nodes = MAX_YAML_NODES
    max_depth = MAX_YAML_DEPTH

    def get_single_node(self):
        node = super().get_single_node()
        if node is not None:
            measure_yaml(node, self.max_nodes, self.max_depth)
        return node

    def get_node(self):
        node = super().get_node()
        if node is not None:
            measure_yaml(node, self.max_nodes, self.max_depth)
        return node


def measure_yaml(root, max_nodes: int = MAX_YAML_NODES, max_depth: int = MAX_YAML_DEPTH):
    """Count the nodes of a composed YAML document as if every alias were copied out, and its
    depth, without recursion (a 10,000-deep list must not overflow Python's stack).

    Returns:
        (nodes, depth).

    Raises:
        YamlLimitError: over a limit, marked at the node where it was exceeded.
    """
    sizes: dict[int, int] = {}
    heights: dict[int, int] = {}
    stack = [(root, 1, False)]
    while stack:
        node, depth, children_done = stack.pop()
        if depth > max_depth:
            raise YamlLimitError(None, None, f"nested more than {max_depth} levels deep",
                                 node.start_mark)
        children = _children(node)
        if children_done:
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in children)
            heights[id(node)] = 1 + max((heights[id(c)] for c in children), default=0)
            if sizes[id(node)] > max_nodes:
                raise YamlLimitError(
                    None, None, f"expands to more than {max_nodes:,} values (aliases of "
                                "aliases?); write the values out or reuse fewer blocks",
                    node.start_mark)
            if depth - 1 + heights[id(node)] > max_depth:
                raise YamlLimitError(None, None, f"nested more than {max_depth} levels deep",
                                     node.start_mark)
            continue
        if id(node) in sizes:  # a block reused through an alias: measured once
            if depth - 1 + heights[id(node)] > max_depth:
                raise YamlLimitError(None, None, f"nested more than {max_depth} levels deep",
                                     node.start_mark)
            continue
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in children)
    return sizes[id(root)], heights[id(root)]


def _children(node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
