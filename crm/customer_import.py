"""Reading customer files (CSV or XLSX) into validated rows, with bad rows reported by line number.

Columns (header names are case-insensitive; Chinese headers work too): `name` (required),
`aliases` ("华信;Huaxin"), `industry`, `tier` (the value class: I-IV or 1-4), `city`, `owner`
(a registered user's numeric id), `notes`. Any other column is kept in the customer's `extra`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

VALUE_CLASSES = ("I", "II", "III", "IV")
_VALUE_CLASS_SPELLINGS = {
    "i": "I", "1": "I", "Ⅰ": "I", "一": "I", "一类": "I",
    "ii": "II", "2": "II", "Ⅱ": "II", "二": "II", "二类": "II",
    "iii": "III", "3": "III", "Ⅲ": "III", "三": "III", "三类": "III",
    "iv": "IV", "4": "IV", "Ⅳ": "IV", "四": "IV", "四类": "IV",
}  # fmt: skip
_HEADERS = {
    "name": "name", "customer": "name", "名称": "name", "客户": "name", "客户名称": "name",
    "aliases": "aliases", "alias": "aliases", "别名": "aliases", "简称": "aliases",
    "industry": "industry", "行业": "industry",
    "tier": "value_class", "value_class": "value_class", "value class": "value_class", "class": "value_class",
    "级别": "value_class", "客户级别": "value_class", "价值分类": "value_class", "分类": "value_class",
    "city": "city", "城市": "city",
    "owner": "owner_id", "owner_id": "owner_id", "负责人": "owner_id",
    "notes": "notes", "note": "notes", "备注": "notes",
}  # fmt: skip
_ALIAS_SEPARATORS = re.compile(r"[;；,，|、]")


class CustomerInput(BaseModel):
    """One customer as a file or a chat command gives it; only the fields set are written on update."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    industry: str | None = None
    value_class: str | None = None
    city: str | None = None
    owner_id: int | None = None
    notes: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class RowError(BaseModel):
    """A row that could not be imported, by its line number in the file (the header is line 1)."""

    line: int
    message: str


class ParsedFile(BaseModel):
    """The good rows of a customer file (with their line numbers) and the bad ones."""

    rows: list[tuple[int, CustomerInput]] = Field(default_factory=list)
    errors: list[RowError] = Field(default_factory=list)


class CustomerFileError(ValueError):
    """The file as a whole cannot be read (unknown format, no name column)."""


def normalize_value_class(value: str | None) -> str | None:
    """'iv', '4', 'Ⅳ' -> 'IV'; blank -> None; anything else raises ValueError."""
    text = (value or "").strip()
    if not text:
        return None
    text = re.sub(r"(?i)^(?:class|tier|类)\s*", "", text).removesuffix("级").removesuffix("类")
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    found = _VALUE_CLASS_SPELLINGS.get(text.lower()) or _VALUE_CLASS_SPELLINGS.get(text)
    if found is None:
        raise ValueError(f"tier {value!r} is not one of I, II, III, IV (or 1-4)")
    return found


def split_aliases(value: str | None) -> list[str]:
    """'华信;Huaxin' -> ['华信', 'Huaxin']."""
    return [part.strip() for part in _ALIAS_SEPARATORS.split(value or "") if part.strip()]


def read_customer_file(path: Path) -> ParsedFile:
    """Read a .csv or .xlsx customer file into validated rows and per-line errors.

    CustomerFileError, naming the file and line, when the file as a whole cannot be read: not a
    spreadsheet or not text, a field too long, a header with the same column twice.
    A customer named twice is imported once, from its first row; the later rows are reported.
    """
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        records = _xlsx_records(path)
    elif suffix in (".csv", ".txt"):
        records = _csv_records(path)
    else:
        raise CustomerFileError(f"{path.name}: use a .csv or .xlsx file")
    parsed = ParsedFile()
    header: dict[int, str] | None = None
    first_line: dict[str, int] = {}
    for line, cells in records:
        if header is None:
            header = _header(cells, path.name)
            continue
        if not any(cell.strip() for cell in cells):
            continue
        row = {header[i]: cells[i].strip() for i in header if i < len(cells)}
        try:
            customer = customer_from_row(row)
        except ValueError as error:
            parsed.errors.append(RowError(line=line, message=str(error)))
            continue
        key = customer.name.casefold()
        if key in first_line:
            parsed.errors.append(RowError(
                line=line, message=f"duplicate customer {customer.name!r}: already on line {first_line[key]}; "
                                   "this row is skipped"))
            continue
        first_line[key] = line
        parsed.rows.append((line, customer))
    if header is None:
        raise CustomerFileError(f"{path.name} is empty")
    return parsed


def customer_from_row(row: dict[str, str]) -> CustomerInput:
    """A CustomerInput from one row keyed by canonical column names; ValueError names the problem."""
    name = row.get("name", "").strip()
    if not name:
        raise ValueError("missing name")
    fields: dict[str, Any] = {"name": name}
    extra = {key.removeprefix("extra:"): value for key, value in row.items() if key.startswith("extra:") and value}
    if extra:
        fields["extra"] = extra
    for key in ("industry", "city", "notes"):
        if key in row:
            fields[key] = row[key] or None
    if "aliases" in row:
        fields["aliases"] = [alias for alias in split_aliases(row["aliases"]) if alias != name]
    if "value_class" in row:
        fields["value_class"] = normalize_value_class(row["value_class"])
    if "owner_id" in row:
        owner = row["owner_id"].strip().removesuffix(".0")
        if owner and not owner.isdigit():
            raise ValueError(f"owner {row['owner_id']!r} is not a numeric user id")
        fields["owner_id"] = int(owner) if owner else None
    return CustomerInput(**fields)


def _header(cells: list[str], file_name: str = "the file") -> dict[int, str]:
    header: dict[int, str] = {}
    seen: dict[str, str] = {}
    for position, cell in enumerate(cells):
        label = cell.strip().lstrip("\ufeff")
        if not label:
            continue
        column = _HEADERS.get(label.lower(), f"extra:{label}")
        if column in seen:
            raise CustomerFileError(
                f"{file_name} line 1: the header has the column {label!r} twice"
                + (f" (as {seen[column]!r} and {label!r})" if seen[column] != label else "")
                + "; keep one of them"
            )
        seen[column] = label
        header[position] = column
    if "name" not in header.values():
        raise CustomerFileError("the first row must be a header with a `name` column")
    return header


def _csv_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    raw = path.read_bytes()
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise CustomerFileError(f"{path.name} line {line}: binary data (a NUL byte); is this really a CSV file?")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")  # CSV saved by Chinese Excel
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise CustomerFileError(
                f"{path.name} line {line}: not text in UTF-8 or GB18030 (byte {error.start}); save it as a UTF-8 CSV"
            ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise CustomerFileError(f"{path.name} line {reader.line_num}: {_csv_problem(error)}") from None
        yield start, cells
        start = reader.line_num + 1


def _csv_problem(error: csv.Error) -> str:
    message = str(error)
    if "field larger than field limit" in message:
        return f"a field is longer than {csv.field_size_limit():,} characters (an unclosed quote?)"
    return message


def _xlsx_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # a renamed text file, a damaged zip: openpyxl raises many kinds
        raise CustomerFileError(
            f"{path.name} is not a readable .xlsx workbook ({type(error).__name__}); save it from Excel as .xlsx or .csv"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        number = 0
        rows = sheet.iter_rows(values_only=True)
        while True:
            number += 1
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as error:  # damaged sheet XML
                raise CustomerFileError(
                    f"{path.name} row {number}: the workbook is damaged ({type(error).__name__})"
                ) from None
            yield number, [_cell_text(value) for value in values]
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
