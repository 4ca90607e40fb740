#!/usr/bin/env python3
"""Writes the hostile workbooks of tests/hostile/ (committed; rerun after changing this file).

Each file has one defect: a ZIP bomb of cells, entity expansion, deep nesting, a cell over
--max-field, a broken ZIP directory, sizes that lie, a truncated archive, an external entity,
shared-string indexes out of range, only hidden sheets, an OpenDocument spreadsheet and an
Excel 97-2003 header under an .xlsx name.  Usage: python3 tests/hostile/make_xlsx.py
"""
import io
import os
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
WB = ('<workbook xmlns:r="r"><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>')
RELS = ('<Relationships><Relationship Id="rId1" Type="x/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>')
GOOD = ('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>yi</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>vi</t></is></c></row><row r="2"><c r="A2"><v>0.1</v>'
        '</c><c r="B2"><v>0.01</v></c></row></sheetData></worksheet>')


class Zip(zipfile.ZipFile):
    """A ZIP file whose entries carry a fixed date: the same bytes at every run."""

    def writestr(self, name, data, compress_type=None):
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = self.compression if compress_type is None else compress_type
        super().writestr(info, data)


def book(sheet, sst=None, wb=WB, extra=()):
    b = io.BytesIO()
    with Zip(b, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('xl/workbook.xml', wb)
        z.writestr('xl/_rels/workbook.xml.rels', RELS)
        z.writestr('xl/worksheets/sheet1.xml', sheet)
        if sst is not None:
            z.writestr('xl/sharedStrings.xml', sst)
        for name, text in extra:
            z.writestr(name, text)
    return b.getvalue()


def put(name, data):
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(data)


# 5000 rows with one cell in the last column (XFD): 8e7 cells for the reader, 2^26 allowed
rows = ''.join('<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (i, i) for i in range(1, 5001))
put('xlsx_cell_bomb.xlsx', book('<worksheet><sheetData>' + rows + '</sheetData></worksheet>'))

# billion laughs in the shared strings
ents = ''.join('<!ENTITY l%d "%s">' % (i, ('&l%d;' % (i - 1)) * 10) for i in range(1, 10))
put('xlsx_entities.xlsx', book(GOOD.replace('<c r="A1" t="inlineStr"><is><t>yi</t></is></c>',
                                            '<c r="A1" t="s"><v>0</v></c>'),
                               '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY l0 "lol">' + ents +
                               ']><sst><si><t>&l9;</t></si></sst>'))

# an external entity: never fetched
put('xlsx_external_entity.xlsx',
    book(GOOD.replace('<c r="A1" t="inlineStr"><is><t>yi</t></is></c>',
                      '<c r="A1" t="s"><v>0</v></c>'),
         '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
         '<sst><si><t>&x;</t></si></sst>'))

# 10^5 nested elements in a cell
put('xlsx_deep.xlsx', book('<worksheet><sheetData><row r="1"><c r="A1"><v>' + '<a>' * 100000 +
                           '</a>' * 100000 + '</v></c></row></sheetData></worksheet>'))

# a 2 MiB shared string used as the header (over --max-field's 1 MiB)
put('xlsx_huge_cell.xlsx', book(GOOD.replace('<c r="A1" t="inlineStr"><is><t>yi</t></is></c>',
                                             '<c r="A1" t="s"><v>0</v></c>'),
                                '<sst><si><t>' + 'x' * (2 << 20) + '</t></si></sst>'))

# shared-string indexes out of range, negative, not a number; malformed cell references
put('xlsx_bad_indexes.xlsx', book(
    '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>99999999</v></c><c r="B1" t="s">'
    '<v>-1</v></c><c r="C1" t="s"><v>x</v></c></row><row r="2"><c r="A0"><v>1</v></c>'
    '<c r="ZZZZZ2"><v>2</v></c></row></sheetData></worksheet>', '<sst><si><t>a</t></si></sst>'))

# 20000 hidden sheets and as many relationships (over the bound of 10000)
many = book(GOOD, wb='<workbook xmlns:r="r"><sheets>' + ''.join(
    '<sheet name="S%d" state="hidden" r:id="rId%d"/>' % (i, i) for i in range(20000)) +
    '</sheets></workbook>')
put('xlsx_many_sheets.xlsx', many)

# 20000 cells without r= in one row: past column XFD
put('xlsx_past_xfd.xlsx', book('<worksheet><sheetData><row r="1">' + '<c><v>1</v></c>' * 20000 +
                               '</row></sheetData></worksheet>'))

# 10^5 custom number formats and 10^5 cell formats in the styles (one lookup each, no scan)
b = io.BytesIO()
with Zip(b, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('xl/workbook.xml', WB)
    z.writestr('xl/_rels/workbook.xml.rels', RELS)
    z.writestr('xl/worksheets/sheet1.xml', GOOD.replace('<c r="A2">', '<c r="A2" s="99999">'))
    z.writestr('xl/styles.xml', '<styleSheet><numFmts>' + ''.join(
        '<numFmt numFmtId="%d" formatCode="yyyy"/>' % i for i in range(10 ** 5)) +
        '</numFmts><cellXfs>' + '<xf numFmtId="99999"/>' * 10 ** 5 + '</cellXfs></styleSheet>')
put('xlsx_many_styles.xlsx', b.getvalue())

# every sheet hidden
put('xlsx_all_hidden.xlsx', book(GOOD, wb=WB.replace('r:id=', 'state="hidden" r:id=')))

good = book(GOOD)
# the central directory's uncompressed sizes say 4 GB
cd = good.rfind(b'PK\x05\x06')
off = struct.unpack('<I', good[cd + 16:cd + 20])[0]
lied = bytearray(good)
p = off
while lied[p:p + 4] == b'PK\x01\x02':
    lied[p + 24:p + 28] = struct.pack('<I', 0xFFFFFFF0)
    n, m, k = struct.unpack('<HHH', lied[p + 28:p + 34])
    p += 46 + n + m + k
put('xlsx_lying_sizes.xlsx', bytes(lied))

# the central directory overwritten with garbage
broken = bytearray(good)
broken[off:cd] = b'\xAB' * (cd - off)
put('xlsx_bad_directory.xlsx', bytes(broken))

# cut in the middle
put('xlsx_truncated.xlsx', good[:len(good) // 2])

# an OpenDocument spreadsheet and an Excel 97-2003 header, named .xlsx
b = io.BytesIO()
with Zip(b, 'w') as z:
    z.writestr('mimetype', 'application/vnd.oasis.opendocument.spreadsheet')
    z.writestr('content.xml', '<office:document-content/>')
put('xlsx_is_ods.xlsx', b.getvalue())
put('xlsx_is_xls.xlsx', b'\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1' + b'\0' * 504)
# the same two given as CSV
put('ods_as_csv.csv', b.getvalue())
put('xls_as_csv.csv', b'\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1' + b'\0' * 504)
