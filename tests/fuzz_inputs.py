"""Mutated real exports and hostile files for the reader's fuzz test and `bench/fuzz.py`.

`corpus()` holds small, real-looking exports: the first lines of the three sample shops (Shopify
UTF-8, EC-CUBE CP932, 楽天 CP932), a UCI-style file, and .xlsx workbooks written by openpyxl from
them. `mutate(seed)` returns one deterministic input (bytes, filename) built from them: byte flips,
truncations, inserted delimiters / quotes / newlines, huge fields, wide headers, out-of-range
dates, and for workbooks mutated XML inside the zip (row numbers, cell references, shared strings,
nesting, sheets, zip bombs). `hostile()` returns the named reproducers of issues 13 and 16.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import random
import zipfile
from collections.abc import Callable

BAD_DATES = ("9999/12/31", "0001-01-01", "2262-04-12", "1677-09-21", "2262-04-11 23:47:17",
             "1000-01-01T00:00:00+09:00", "9999-12-31T23:59:59Z", "99991231", "令和999年1月1日",
             "2024/13/45", "0000/00/00")
BAD_SERIALS = ("2958466", "-1", "1e20", "99999999", "nan", "inf", "-693594", "2958465.99999")
_XLSX_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


# ---------------------------------------------------------------- the real exports
@functools.lru_cache(maxsize=None)
def corpus() -> tuple[tuple[bytes, str], ...]:
    """Small real-looking exports: (bytes, filename)."""
    from engine import samples

    out: list[tuple[bytes, str]] = []
    for shop in samples.SHOPS:
        data, name = samples.generate(shop)
        lines = data.split(b"\r\n") if b"\r\n" in data[:5000] else data.split(b"\n")
        sep = b"\r\n" if b"\r\n" in data[:5000] else b"\n"
        out.append((sep.join(lines[:60]) + sep, name))
    uci = ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"]
    for i in range(40):
        uci.append(f"{536365 + i // 3},8512{i % 7}B,WHITE HANGING HEART,{(i % 5) + 1},"
                   f"12/{1 + i % 28}/2010 8:{i % 60:02d},2.55,{17850 + i % 9},United Kingdom")
    uci.append("C536379,D,Discount,-1,12/1/2010 9:41,27.5,14527,United Kingdom")
    out.append(("\r\n".join(uci).encode("utf-8"), "online_retail.csv"))
    out.append((out[0][0].replace(b",", b"\t"), "orders.tsv"))
    out.extend((_workbook_of(data, name), name.rsplit(".", 1)[0] + ".xlsx") for data, name in list(out[:4]))
    return tuple(out)


def _workbook_of(data: bytes, name: str) -> bytes:
    """The CSV as a workbook the way Excel saves it: dates as date cells, numbers as numbers."""
    import csv

    import openpyxl

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp932")
    rows = list(csv.reader(io.StringIO(text)))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "受注" if "rakuten" in name or "ecube" in name else "orders"
    for r, row in enumerate(rows):
        cells: list[object] = []
        for value in row:
            cell: object = value
            if r and value[:4].isdigit() and len(value) >= 10 and value[4] in "-/":
                try:
                    cell = dt.datetime.fromisoformat(value[:19].replace("/", "-"))
                except ValueError:
                    pass
            elif r and value.isdigit() and len(value) < 9:
                cell = int(value)
            cells.append(cell)
        sheet.append(cells)
    book.create_sheet("memo").append(["このシートはメモです"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def zip_of(parts: dict[str, bytes], level: int = 6) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()


# ---------------------------------------------------------------- hand-made workbooks
def _content_types(sheets: int, strings: bool, styles: bool) -> bytes:
    """What openpyxl needs to find the parts (Excel itself is more forgiving)."""
    ml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    over = [("/xl/workbook.xml", f"{ml}.sheet.main+xml"), ("/xl/worksheets/sheet1.xml", f"{ml}.worksheet+xml")]
    if sheets > 1:
        over.append(("/xl/worksheets/sheet2.xml", f"{ml}.worksheet+xml"))
    if strings:
        over.append(("/xl/sharedStrings.xml", f"{ml}.sharedStrings+xml"))
    if styles:
        over.append(("/xl/styles.xml", f"{ml}.styles+xml"))
    body = "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in over)
    return ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{body}</Types>').encode()


def workbook(sheet_xml: str, *, strings: list[str] | None = None, sheets: int = 1,
             extra: dict[str, bytes] | None = None, styles: bool = True) -> bytes:
    """A minimal valid .xlsx whose first sheet's <sheetData> is `sheet_xml` (style 1 = a date)."""
    names = "".join(f'<sheet name="S{i + 1}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i in range(sheets))
    rels = "".join(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/'
                   f'2006/relationships/worksheet" Target="worksheets/sheet{min(i, 1) + 1}.xml"/>'
                   for i in range(sheets))
    parts = {
        "[Content_Types].xml": _content_types(sheets, strings is not None, styles),
        "xl/workbook.xml": (f'<?xml version="1.0"?><workbook {_XLSX_NS} xmlns:r="http://schemas.'
                            f'openxmlformats.org/officeDocument/2006/relationships"><sheets>{names}'
                            f'</sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (f'<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                                       f'openxmlformats.org/package/2006/relationships">{rels}'
                                       f'</Relationships>').encode(),
        "xl/worksheets/sheet1.xml": (f'<?xml version="1.0"?><worksheet {_XLSX_NS}><sheetData>{sheet_xml}'
                                     f'</sheetData></worksheet>').encode("utf-8"),
    }
    if sheets > 1:
        parts["xl/worksheets/sheet2.xml"] = (f'<?xml version="1.0"?><worksheet {_XLSX_NS}><sheetData/>'
                                             f'</worksheet>').encode()
    if styles:
        parts["xl/styles.xml"] = (f'<?xml version="1.0"?><styleSheet {_XLSX_NS}><cellXfs count="2">'
                                  f'<xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>').encode()
    if strings is not None:
        body = "".join(f"<si><t>{s}</t></si>" for s in strings)
        parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0"?><sst {_XLSX_NS}>{body}</sst>').encode("utf-8")
    parts.update(extra or {})
    return zip_of(parts)


def inline_row(r: int, cells: list[tuple[str, str]]) -> str:
    """<row r=..> of inline strings (ref, text)."""
    body = "".join(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>' for ref, text in cells)
    return f'<row r="{r}">{body}</row>'


HEADER_CELLS = [("A", "注文番号"), ("B", "会員ID"), ("C", "受注日"), ("D", "金額")]


def small_sheet(first_row: int = 1, rows: int = 3) -> str:
    out = [inline_row(first_row, [(c + str(first_row), t) for c, t in HEADER_CELLS])]
    for i in range(rows):
        r = first_row + 1 + i
        out.append(inline_row(r, [(f"A{r}", str(1000 + i)), (f"B{r}", f"M{i % 2}"),
                                  (f"C{r}", f"2024/01/{i + 1:02d}"), (f"D{r}", str(1000 * (i + 1)))]))
    return "".join(out)


# ---------------------------------------------------------------- the reproducers of issues 13 / 16
def row_number_bomb() -> bytes:
    """1.6 KB: one data row numbered 1,000,000,000 (a billion empty rows when gaps are padded)."""
    return workbook(small_sheet(1, 1) + inline_row(1_000_000_000, [("A1000000000", "9"), ("B1000000000", "M"),
                                                                   ("C1000000000", "2024/02/01"),
                                                                   ("D1000000000", "500")]))


def xfd_column() -> bytes:
    """One cell in column XFD on every row (rows padded to 16,384 columns when read naively)."""
    rows = [inline_row(1, [(c + "1", t) for c, t in HEADER_CELLS] + [("XFD1", "x")])]
    for i in range(2, 2002):
        rows.append(inline_row(i, [(f"A{i}", str(i)), (f"B{i}", f"M{i % 50}"), (f"C{i}", "2024/01/05"),
                                   (f"D{i}", "1200"), (f"XFD{i}", "x")]))
    return workbook("".join(rows))


def xfd_data_only() -> bytes:
    """A valid table whose data rows also carry one stray cell in column XFD."""
    rows = [inline_row(1, [(c + "1", t) for c, t in HEADER_CELLS])]
    for i in range(2, 2002):
        rows.append(inline_row(i, [(f"A{i}", str(i)), (f"B{i}", f"M{i % 50}"), (f"C{i}", "2024/01/05"),
                                   (f"D{i}", "1200"), (f"XFD{i}", "x")]))
    return workbook("".join(rows))


def wide_header(commas: int = 10_000, lines: int = 20_000) -> bytes:
    """A CSV header with 10,000 commas followed by short lines."""
    head = "注文番号,受注日,金額" + "," * commas
    body = "\n".join(f"{i},2024/01/05,1000" for i in range(lines))
    return (head + "\n" + body + "\n").encode("utf-8")


def many_shared_strings(n: int = 20_000_000) -> bytes:
    """A workbook whose shared-string table holds `n` tiny strings (compresses to a few MB)."""
    head = f'<?xml version="1.0"?><sst {_XLSX_NS} count="{n}" uniqueCount="{n}">'.encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        base = parts_of(workbook(small_sheet()))
        for name, body in base.items():
            z.writestr(name, body)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            chunk = b"<si><t>a</t></si>" * 100_000
            for _ in range(n // 100_000):
                fh.write(chunk)
            fh.write(b"</sst>")
    return buf.getvalue()


def zip_bomb(uncompressed: int = 2_000_000_000) -> bytes:
    """A workbook whose sheet XML inflates to `uncompressed` bytes of whitespace inside <sheetData>."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        base = parts_of(workbook(small_sheet()))
        for name, body in base.items():
            if name != "xl/worksheets/sheet1.xml":
                z.writestr(name, body)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0"?><worksheet {_XLSX_NS}><sheetData>'.encode() + small_sheet().encode())
            chunk = b" " * (1 << 20)
            for _ in range(uncompressed // len(chunk)):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def huge_field(chars: int = 200_000, ragged: bool = True) -> bytes:
    """A CSV with one field over csv's 131,072-character limit, then a ragged row."""
    lines = ["注文番号,受注日,金額,メモ", "1,2024/01/05,1000,ok", f'2,2024/01/06,2000,"{"x" * chars}"']
    if ragged:
        lines.append("3,2024/01/07,3000,a,b,c")
    lines.append("4,2024/01/08,4000,")
    return ("\n".join(lines) + "\n").encode("utf-8")


def header_on_row(row: int = 21) -> bytes:
    """An .xlsx whose header is on row `row` (title rows above it)."""
    title = inline_row(1, [("A1", "受注データ 2024/01/01〜2024/01/31")])
    return workbook(title + small_sheet(row, 5))


def deep_nesting(depth: int = 100_000) -> bytes:
    return workbook(small_sheet() + "<x>" * depth + "</x>" * depth)


def hostile(full: bool = True) -> dict[str, tuple[bytes, str]]:
    """The reproducers of issues 13 / 16 by name: (bytes, filename). full=False: the shared
    strings and the zip bomb ten times smaller (same limits tripped, quicker to build)."""
    return {
        "row_number_bomb": (row_number_bomb(), "row_bomb.xlsx"),
        "xfd_column": (xfd_column(), "xfd.xlsx"),
        "wide_header": (wide_header(), "wide.csv"),
        "shared_strings_20m": (many_shared_strings(20_000_000 if full else 2_000_000), "strings.xlsx"),
        "zip_bomb": (zip_bomb(2_000_000_000 if full else 200_000_000), "bomb.xlsx"),
        "huge_field": (huge_field(), "huge_field.csv"),
    }


# ---------------------------------------------------------------- mutations
def _csv_mutations(light: bool = False) -> list[Callable[[random.Random, bytes], bytes]]:
    def flip(r: random.Random, d: bytes) -> bytes:
        b = bytearray(d)
        for _ in range(r.randint(1, 20)):
            b[r.randrange(len(b))] = r.randrange(256)
        return bytes(b)

    def truncate(r: random.Random, d: bytes) -> bytes:
        return d[:r.randrange(len(d))]

    def insert(r: random.Random, d: bytes) -> bytes:
        b = bytearray(d)
        for _ in range(r.randint(1, 30)):
            b[r.randrange(len(b) + 1):0] = r.choice([b",", b"\t", b";", b'"', b"\n", b"\r", b"\r\n", b'""',
                                                     b"\x00", b"\xef\xbb\xbf", b"\x82", b",,,,,,"])
        return bytes(b)

    def lines_op(r: random.Random, d: bytes) -> bytes:
        lines = d.split(b"\n")
        for _ in range(r.randint(1, 5)):
            i = r.randrange(len(lines))
            op = r.randrange(4)
            if op == 0:
                lines.insert(i, lines[i])
            elif op == 1 and len(lines) > 1:
                del lines[i]
            elif op == 2:
                lines.insert(i, b"")
            else:
                lines[i] = lines[i] + b"," * r.randint(1, 50)
        return b"\n".join(lines)

    def big_field(r: random.Random, d: bytes) -> bytes:
        lines = d.split(b"\n")
        i = r.randrange(1, max(2, len(lines)))
        cells = lines[min(i, len(lines) - 1)].split(b",")
        j = r.randrange(len(cells))
        cells[j] = b'"' + b"y" * r.choice([131_073, 140_000, 300_000, 1_100_000]) + b'"'
        lines[min(i, len(lines) - 1)] = b",".join(cells)
        if r.random() < 0.7:
            lines.insert(min(i + 1, len(lines)), b"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20")
        return b"\n".join(lines)

    def wide(r: random.Random, d: bytes) -> bytes:
        lines = d.split(b"\n")
        lines[0] = lines[0] + b"," * r.choice([1_000, 5_000, 10_000, 20_000])
        return b"\n".join(lines)

    def bad_date(r: random.Random, d: bytes) -> bytes:
        import re

        text = d
        for _ in range(r.randint(1, 4)):
            dates = list(re.finditer(rb"\d{4}[-/]\d{1,2}[-/]\d{1,2}", text))
            if not dates:
                break
            m = r.choice(dates)
            text = text[:m.start()] + r.choice(BAD_DATES).encode("utf-8") + text[m.end():]
        return text

    def recode(r: random.Random, d: bytes) -> bytes:
        for enc in ("utf-8", "cp932"):
            try:
                text = d.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            return d
        target = r.choice(["utf-16", "utf-8-sig", "euc_jp", "cp932", "latin-1"])
        return text.encode(target, errors="replace")

    def many_lines(r: random.Random, d: bytes) -> bytes:
        lines = d.split(b"\n")
        return b"\n".join(lines[:1] + lines[1:3] * r.choice([100, 1000] if light else [1000, 10_000]))

    return [flip, truncate, insert, lines_op, big_field, wide, bad_date, recode, many_lines]


def _xml_mutations() -> list[Callable[[random.Random, dict[str, bytes]], dict[str, bytes]]]:
    import re

    def sheet_name(p: dict[str, bytes]) -> str:
        return next((n for n in p if n.startswith("xl/worksheets/sheet")), "xl/worksheets/sheet1.xml")

    def xml_flip(r: random.Random, p: dict[str, bytes]) -> dict[str, bytes]:
        name = r.choice([n for n in p if n.endswith((".xml", ".rels"))])
        b = bytearray(p[name])
        for _ in range(r.randint(1, 10)):
            if b:
                b[r.randrange(len(b))] = r.choice(b'<>/"=&x0 9rcstv\x00\xff')
        p[name] = bytes(b)
        return p

    def xml_truncate(r: random.Random, p: dict[str, bytes]) -> dict[str, bytes]:
        name = r.choice([n for n in p if n.endswith(".xml")])
        p[name] = p[name][:r.randrange(len(p[name]) + 1)]
        return p

    def row_numbers(r: random.Random, p: dict[str, bytes]) -> dict[str, bytes]:
        name = sheet_name(p)
        rows = list(re.finditer(rb'<row r="(\d+)"', p[name]))
        if rows:
            m = r.choice(rows)
            new = r.choice([b"1000000000", b"1048576", b"1048577", b"-5", b"0", b"abc", b"99999999999999999999",
                            b"300000", b"1"])
            p[name] = p[name][:m.start(1)] + new + p[name][m.end(1):]
        return p

    def cell_refs(r: random.Random, p: dict[str, bytes]) -> dict[str, bytes]:
        name = sheet_name(p)
        cells = list(re.finditer(rb'<c r="([A-Z]+)(\d+)"', p[name]))
        for _ in range(r.randint(1, 5)):
            if not cells:
                break
            m = r.choice(cells)
            col = r.choice([b"XFD", b"ZZZZ", b"AAA", b"", b"a", b"XFE", b"$A$"])
            p[name] = p[name][:m.start(1)] + col + p[name][m.end(1):]
            cells = list(re.finditer(rb'<c r="([A-Z]+)(\d+)"', p[name]))
        return p

    def dimension(r: random.Random, p: dict[str, bytes]) -> dict[str, bytes]:
        name = sheet_name(p)
        p[name] = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', p[name])
        return p

    def header_down(r: random.Random, p: dict[str, bytes]) -> dict[str, bytes]:
        name = sheet_name(p)
        shift = r.choice([19, 20, 21, 25, 40, 1000])

        def bump(m: re.Match) -> bytes:
            return m.group(1) + str(int(m.group(2)) + shift).encode() + m.group(3)

        p[name] = re.sub(rb'(<(?:row|c) r="[A-Z]*)(\d+)(")', bump, p[name])
        return p

    def strings(r: random.Random, p: dict[str, bytes]) -> dict[str, bytes]:
        name = sheet_name(p)
        p[name] = re.sub(rb'(t="s"[^>]*><v>)(\d+)', lambda m: m.group(1) + r.choice(
            [b"999999", b"-1", b"x", b"0"]), p[name], count=r.randint(1, 5))
        if "xl/sharedStrings.xml" in p and r.random() < 0.5:
            p["xl/sharedStrings.xml"] = p["xl/sharedStrings.xml"].replace(
                b"</sst>", b"<si><t>a</t></si>" * r.choice([10_000, 300_000]) + b"</sst>")
        return p

    def serials(r: random.Random, p: dict[str, bytes]) -> dict[str, bytes]:
        name = sheet_name(p)
        p[name] = re.sub(rb'(<c r="[A-Z]+\d+" s="\d+"[^>]*><v>)([\d.]+)',
                         lambda m: m.group(1) + r.choice(BAD_SERIALS).encode() if r.random() < 0.3 else m.group(0),
                         p[name])
        return p

    def nesting(r: random.Random, p: dict[str, bytes]) -> dict[str, bytes]:
        name = sheet_name(p)
        depth = r.choice([1_000, 50_000, 200_000])
        p[name] = p[name].replace(b"</sheetData>", b"<x>" * depth + b"</x>" * depth + b"</sheetData>")
        return p

    def drop_part(r: random.Random, p: dict[str, bytes]) -> dict[str, bytes]:
        p.pop(r.choice(sorted(p)), None)
        return p

    def sheets(r: random.Random, p: dict[str, bytes]) -> dict[str, bytes]:
        n = r.choice([300, 3000])
        extra = "".join(f'<sheet name="x{i}" sheetId="{i + 100}" r:id="rIdX{i}"/>' for i in range(n)).encode()
        rels = "".join(f'<Relationship Id="rIdX{i}" Type="t" Target="worksheets/sheet1.xml"/>'
                       for i in range(n)).encode()
        p["xl/workbook.xml"] = p["xl/workbook.xml"].replace(b"</sheets>", extra + b"</sheets>")
        p["xl/_rels/workbook.xml.rels"] = p["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>",
                                                                                rels + b"</Relationships>")
        return p

    def entities(r: random.Random, p: dict[str, bytes]) -> dict[str, bytes]:
        name = sheet_name(p)
        dtd = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
               b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
               b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')
        body = p[name].split(b"?>", 1)[-1]
        p[name] = dtd + body.replace(b"<sheetData>", b"<sheetData><row r=\"999\"><c r=\"A999\" t=\"inlineStr\">"
                                     b"<is><t>&d;</t></is></c></row>", 1)
        return p

    return [xml_flip, xml_truncate, row_numbers, cell_refs, dimension, header_down, strings, serials, nesting,
            drop_part, sheets, entities]


def _hostile_variant(r: random.Random, light: bool = False) -> tuple[bytes, str]:
    kind = r.randrange(8)
    if kind == 0:
        return header_on_row(r.choice([20, 21, 22, 30])), "title_rows.xlsx"
    if kind == 1:
        return huge_field(r.choice([131_073, 200_000]), ragged=r.random() < 0.8), "memo.csv"
    if kind == 2:
        return wide_header(r.choice([2_000, 10_000]), r.choice([10, 2_000])), "wide.csv"
    if kind == 3:
        return workbook(small_sheet() + inline_row(r.choice([1_048_576, 1_000_000_000, 5_000_000]),
                                                   [("A9", "1")])), "gap.xlsx"
    if kind == 4:
        return zip_bomb(r.choice([20_000_000] if light else [50_000_000, 300_000_000])), "bomb.xlsx"
    if kind == 5:
        return many_shared_strings(r.choice([200_000] if light else [200_000, 2_000_000])), "strings.xlsx"
    if kind == 6:
        return deep_nesting(r.choice([10_000, 100_000])), "deep.xlsx"
    bad = r.choice(BAD_DATES)
    return (f"注文番号,受注日,金額\n1,2024/01/05,1000\n2,{bad},2000\n3,2024/01/07,3000\n").encode("utf-8"), "dates.csv"


def mutate(seed: int, light: bool = False) -> tuple[bytes, str]:
    """One deterministic fuzz input: (bytes, filename). light: smaller multiplied files and
    bombs (for the suite, which must stay fast)."""
    r = random.Random(seed)
    if r.random() < 0.04:
        return _hostile_variant(r, light)
    data, name = r.choice(corpus())
    if name.endswith(".xlsx"):
        if r.random() < 0.15:       # damage the archive itself
            b = bytearray(data)
            for _ in range(r.randint(1, 30)):
                b[r.randrange(len(b))] = r.randrange(256)
            return bytes(b), name
        parts = parts_of(data)
        ops = _xml_mutations()
        for _ in range(r.choice([1, 1, 1, 2, 3])):
            op = r.choice(ops)
            try:
                parts = op(r, dict(parts))
            except (KeyError, IndexError, ValueError):   # an earlier mutation removed what it needs
                continue
        return zip_of(parts), name
    ops = _csv_mutations(light)
    for _ in range(r.choice([1, 1, 1, 2, 3])):
        if not data:
            break
        data = r.choice(ops)(r, data)
    return data, name
