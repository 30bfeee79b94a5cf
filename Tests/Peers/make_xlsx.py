#!/usr/bin/python3
"""Writes an .xlsx workbook described by JSON on stdin, with openpyxl (Debian's python3-openpyxl).

    make_xlsx.py OUTPUT.xlsx < description.json

The description:

    {
      "sheets": [
        {"name": "Лист 1",
         "cells": [
           {"ref": "A1", "value": "text"},                      # a string
           {"ref": "B1", "value": 1076},                        # a number (int or float)
           {"ref": "C1", "value": true},                        # a boolean
           {"ref": "D1", "date": "2026-11-28"},                 # a date cell (a number with a date format)
           {"ref": "E1", "datetime": "2026-11-28T10:15:00"},    # a date-time cell
           {"ref": "F1", "rich": [["b", "Bold "], [null, "plain"]]},  # rich text: runs, "b" = bold
           {"ref": "G1", "formula": "=1+1"}                     # a formula (no cached value)
         ],
         "formats": {"D1": "DD.MM.YYYY"},                       # optional number formats by cell
         "merge": ["A1:J1"]}                                    # optional merged ranges
      ],
      "strings": "shared",      # "shared" (default, as Excel writes) or "inline" (as openpyxl writes)
      "date1904": false,        # the 1904 date system
      "parts": {"xl/worksheets/sheet1.xml": "<worksheet …>"},  # optional: parts written verbatim at the end
      "damage": {"part": "xl/worksheets/sheet1.xml", "how": "checksum"}  # optional, see below
    }

openpyxl 3.0 writes every string inline (`t="inlineStr"`); with "strings": "shared" the script then moves them
into xl/sharedStrings.xml (and its content type and relationship), the way Excel stores them. Rich text, which
openpyxl 3.0 cannot write, is always shared: `<si><r><rPr><b/></rPr><t>…</t></r>…</si>`, followed by a phonetic
run (`<rPh>`) that readers must ignore.

"damage" spoils one part's bytes inside the finished archive, its directory left intact: "checksum" stores the
part uncompressed and flips one bit of it (its CRC-32 no longer matches); "deflate" overwrites its compressed bytes
with 0xFF (an invalid deflate block type, so inflating fails at once).

Exit status: 0 and the file written; 1 with a message on stderr for a bad description.
"""

import datetime
import json
import sys
import zipfile
import xml.etree.ElementTree as ET

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
SST_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
SST_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
XML_NS = "http://www.w3.org/XML/1998/namespace"
RICH_MARK = "make_xlsx:rich:"


def fail(message):
    print(f"make_xlsx: {message}", file=sys.stderr)
    sys.exit(1)


def build(description):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    if description.get("date1904"):
        workbook.epoch = CALENDAR_MAC_1904
    rich = {}
    for sheet in description.get("sheets", []):
        worksheet = workbook.create_sheet(sheet["name"])
        formats = sheet.get("formats", {})
        for cell in sheet.get("cells", []):
            ref = cell["ref"]
            if "date" in cell:
                worksheet[ref] = datetime.date.fromisoformat(cell["date"])
                worksheet[ref].number_format = formats.get(ref, "DD.MM.YYYY")
            elif "datetime" in cell:
                worksheet[ref] = datetime.datetime.fromisoformat(cell["datetime"])
                worksheet[ref].number_format = formats.get(ref, "DD.MM.YYYY HH:MM:SS")
            elif "rich" in cell:
                key = f"{RICH_MARK}{len(rich)}"
                rich[key] = cell["rich"]
                worksheet[ref] = key
            elif "formula" in cell:
                worksheet[ref] = cell["formula"]
            elif "value" in cell:
                worksheet[ref] = cell["value"]
                if ref in formats:
                    worksheet[ref].number_format = formats[ref]
            else:
                fail(f"cell {ref} has no value, date, datetime, rich or formula")
        for merged in sheet.get("merge", []):
            worksheet.merge_cells(merged)
    return workbook, rich


def text_element(parent, text):
    element = ET.SubElement(parent, f"{{{MAIN}}}t")
    element.text = text
    if text != text.strip():
        element.set(f"{{{XML_NS}}}space", "preserve")


def share_strings(parts, rich, all_strings):
    """Moves inline strings (all of them, or only the rich-text placeholders) into xl/sharedStrings.xml."""
    ET.register_namespace("", MAIN)
    ET.register_namespace("r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships")
    table, index = [], {}

    def share(key):
        if key not in index:
            index[key] = len(table)
            table.append(key)
        return index[key]

    for name in sorted(parts):
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        root = ET.fromstring(parts[name])
        changed = False
        for cell in root.iter(f"{{{MAIN}}}c"):
            if cell.get("t") != "inlineStr":
                continue
            inline = cell.find(f"{{{MAIN}}}is")
            # openpyxl writes an empty string as an inline cell without <is>.
            text = "" if inline is None else "".join(t.text or "" for t in inline.iter(f"{{{MAIN}}}t"))
            if not all_strings and not text.startswith(RICH_MARK):
                continue
            if inline is not None:
                cell.remove(inline)
            cell.set("t", "s")
            ET.SubElement(cell, f"{{{MAIN}}}v").text = str(share(text))
            changed = True
        if changed:
            parts[name] = ET.tostring(root, xml_declaration=True, encoding="UTF-8")
    if not table:
        return

    sst = ET.Element(f"{{{MAIN}}}sst", {"count": str(len(table)), "uniqueCount": str(len(table))})
    for key in table:
        item = ET.SubElement(sst, f"{{{MAIN}}}si")
        if key in rich:
            for style, text in rich[key]:
                run = ET.SubElement(item, f"{{{MAIN}}}r")
                if style == "b":
                    ET.SubElement(ET.SubElement(run, f"{{{MAIN}}}rPr"), f"{{{MAIN}}}b")
                text_element(run, text)
            phonetic = ET.SubElement(item, f"{{{MAIN}}}rPh", {"sb": "0", "eb": "1"})
            text_element(phonetic, "PHONETIC")
        else:
            text_element(item, key)
    parts["xl/sharedStrings.xml"] = ET.tostring(sst, xml_declaration=True, encoding="UTF-8")

    ET.register_namespace("", TYPES)
    types = ET.fromstring(parts["[Content_Types].xml"])
    ET.SubElement(types, f"{{{TYPES}}}Override", {"PartName": "/xl/sharedStrings.xml", "ContentType": SST_CONTENT})
    parts["[Content_Types].xml"] = ET.tostring(types, xml_declaration=True, encoding="UTF-8")

    ET.register_namespace("", RELS)
    rels = ET.fromstring(parts["xl/_rels/workbook.xml.rels"])
    ET.SubElement(rels, f"{{{RELS}}}Relationship", {"Id": "rIdShared", "Type": SST_TYPE, "Target": "sharedStrings.xml"})
    parts["xl/_rels/workbook.xml.rels"] = ET.tostring(rels, xml_declaration=True, encoding="UTF-8")


def main():
    if len(sys.argv) != 2:
        fail("usage: make_xlsx.py OUTPUT.xlsx < description.json")
    try:
        description = json.load(sys.stdin)
    except json.JSONDecodeError as error:
        fail(f"the description is not JSON: {error}")
    strings = description.get("strings", "shared")
    if strings not in ("shared", "inline"):
        fail(f"strings must be shared or inline, not {strings!r}")

    workbook, rich = build(description)
    output = sys.argv[1]
    workbook.save(output)

    with zipfile.ZipFile(output) as archive:
        order = archive.namelist()
        parts = {name: archive.read(name) for name in order}
    share_strings(parts, rich, all_strings=(strings == "shared"))
    for name, text in description.get("parts", {}).items():
        parts[name] = text.encode("utf-8")
    order += [name for name in parts if name not in order]
    damage = description.get("damage")
    if damage and damage.get("part") not in parts:
        fail(f"the part to damage, {damage.get('part')!r}, is not in the workbook")
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in order:
            stored = damage and name == damage["part"] and damage.get("how") == "checksum"
            archive.writestr(name, parts[name], compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    if damage:
        spoil(output, damage["part"], damage.get("how"))


def spoil(output, part, how):
    with zipfile.ZipFile(output) as archive:
        info = archive.getinfo(part)
    with open(output, "rb") as file:
        raw = bytearray(file.read())
    header = info.header_offset
    start = header + 30 + int.from_bytes(raw[header + 26:header + 28], "little") \
        + int.from_bytes(raw[header + 28:header + 30], "little")
    if how == "checksum":
        raw[start + info.compress_size // 2] ^= 0x01
    elif how == "deflate":
        raw[start:start + info.compress_size] = b"\xff" * info.compress_size
    else:
        fail(f"damage must be checksum or deflate, not {how!r}")
    with open(output, "wb") as file:
        file.write(raw)


if __name__ == "__main__":
    main()
