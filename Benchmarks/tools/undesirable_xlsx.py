#!/usr/bin/python3
"""Writes a generated list of undesirable organisations in the Ministry of Justice's XLSX layout, for part 7 of
Benchmarks/run.sh.

    undesirable_xlsx.py OUTPUT.xlsx [COUNT]     # COUNT entries, 2,000 by default

The layout `import: minjust-undesirable` reads (Tests/CaseWatchTests/ListImportTests.swift, `sheet()`): one sheet
«Лист 1»; A1 the title, A2 «По состоянию на DD.MM.YYYY HH:MM», row 3 the nine headers, data from row 4. Entry k:
№ k (a number cell), inclusion order «k-р» dated between 2015 and 2026 (order number + date, the stable key, are
distinct for every row), the Prosecutor General's decision some days before it (every tenth one a date cell, the rest
text, as the Ministry's file mixes them), the name «Организация № k» (Organisation No. k) (a country), every fifth
one a publication date, every twentieth one excluded (an exclusion order «DD.MM.YYYY № N-р», the decision's
cancellation date, «Исключена»), the rest «Включена».

The workbook is written by Tests/Peers/make_xlsx.py (openpyxl, Debian's python3-openpyxl) with every string moved
into xl/sharedStrings.xml, as Excel stores them. Run with the system Python (/usr/bin/python3), which has openpyxl.
"""

import datetime
import json
import subprocess
import sys
from pathlib import Path

HEADERS = [
    "№ п/п", "Дата распоряжения Минюста России о включении в перечень", "Номер распоряжения",
    "Дата решения Генерального прокурора Российской Федерации (его заместителя) о признании деятельности "
    "нежелательной",
    "Наименование организации", "Дата опубликования",
    "Дата и номер распоряжения Минюста России об исключении из перечня",
    "Дата отмены решения о признании деятельности нежелательной", "Статус",
]
COUNTRIES = ["Соединенные Штаты Америки", "Великобритания", "Федеративная Республика Германия", "Нидерланды",
             "Латвийская Республика", "Литовская Республика", "Республика Польша", "Чешская Республика",
             "Швейцарская Конфедерация", "Французская Республика", "Королевство Швеция", "Эстонская Республика"]
FIRST = datetime.date(2015, 1, 15)
LAST = datetime.date(2026, 10, 31)


def text_date(day):
    return day.strftime("%d.%m.%Y")


def description(count):
    cells = [
        {"ref": "A1", "value": "Перечень иностранных и международных неправительственных организаций, деятельность "
                               "которых признана нежелательной на территории Российской Федерации"},
        {"ref": "A2", "value": "По состоянию на 28.11.2026 10:00"},
    ]
    columns = "ABCDEFGHI"
    for index, header in enumerate(HEADERS):
        cells.append({"ref": f"{columns[index]}3", "value": header})
    span = (LAST - FIRST).days
    for k in range(1, count + 1):
        row = k + 3
        listed = FIRST + datetime.timedelta(days=span * (k - 1) // max(1, count - 1))
        decision = listed - datetime.timedelta(days=7 + k % 23)
        country = COUNTRIES[k % len(COUNTRIES)]
        cells += [
            {"ref": f"A{row}", "value": k},
            {"ref": f"B{row}", "value": text_date(listed)},
            {"ref": f"C{row}", "value": f"{k}-р"},
            {"ref": f"D{row}", "date": decision.isoformat()} if k % 10 == 0
            else {"ref": f"D{row}", "value": text_date(decision)},
            {"ref": f"E{row}", "value": f"«Организация № {k}» (Organisation No. {k}) ({country})"},
        ]
        if k % 5 == 0:
            cells.append({"ref": f"F{row}", "value": text_date(listed + datetime.timedelta(days=3))})
        if k % 20 == 0:
            excluded = min(listed + datetime.timedelta(days=200 + k % 97), LAST)
            cells += [
                {"ref": f"G{row}", "value": f"{text_date(excluded)} № {count + k}-р"},
                {"ref": f"H{row}", "value": text_date(excluded - datetime.timedelta(days=10))},
                {"ref": f"I{row}", "value": "Исключена"},
            ]
        else:
            cells.append({"ref": f"I{row}", "value": "Включена"})
    return {"sheets": [{"name": "Лист 1", "cells": cells, "merge": ["A1:I1", "A2:I2"]}], "strings": "shared"}


def main():
    if len(sys.argv) not in (2, 3):
        print("usage: undesirable_xlsx.py OUTPUT.xlsx [COUNT]", file=sys.stderr)
        sys.exit(64)
    count = int(sys.argv[2]) if len(sys.argv) == 3 else 2000
    writer = Path(__file__).resolve().parents[2] / "Tests" / "Peers" / "make_xlsx.py"
    subprocess.run([sys.executable, str(writer), sys.argv[1]], input=json.dumps(description(count)).encode(),
                   check=True)


if __name__ == "__main__":
    main()
