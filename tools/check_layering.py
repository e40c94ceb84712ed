#!/usr/bin/env python3
"""Fails when a layer includes something it must not: an I/O, JSON, SQL, Beast or MQTT header in
domain/, or a header of a layer above (architecture.md: core <- domain <- service <- adapters <-
server, adapters never depend on each other). Prints file:line for each violation."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
IO = ["boost/beast", "boost/asio", "sqlite3.h", "libpq", "mosquitto", "MQTT", "xlsxwriter",
      "zip.h", "expat", "cairo", "pango", "qrencode"]
FORBIDDEN = {
    "src/core": ["anguan/domain/", "anguan/service/", "anguan/store/", "anguan/api/",
                 "anguan/report/", "anguan/ingest/", "boost/json", "boost/url"] + IO,
    "src/domain": ["anguan/service/", "anguan/store/", "anguan/api/", "anguan/report/",
                   "anguan/ingest/", "boost/json", "boost/url", "fstream", "filesystem",
                   "iostream", "thread", "spdlog"] + IO,
    "src/service": ["anguan/store/", "anguan/api/", "anguan/report/", "anguan/ingest/",
                    "config.hpp", "app.hpp"] + IO,
    "src/store": ["anguan/service/", "anguan/api/", "anguan/report/", "anguan/ingest/",
                  "boost/beast", "boost/asio"],
    "src/report": ["anguan/store/", "anguan/api/", "anguan/ingest/", "boost/beast",
                   "boost/asio", "sqlite3.h", "libpq"],
    "src/api": ["anguan/store/", "anguan/report/", "anguan/ingest/", "sqlite3.h", "libpq",
                "xlsxwriter"],
}
# Reading the clock is I/O too: domain gets time passed in.
FORBIDDEN_TEXT = {"src/domain": ["system_clock::now", "steady_clock::now", "std::time("]}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]')


def main() -> int:
    bad = []
    for layer, banned in FORBIDDEN.items():
        for path in sorted((ROOT / layer).rglob("*")):
            if path.suffix not in (".hpp", ".cpp", ".h", ".cc"):
                continue
            rel = path.relative_to(ROOT)
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                m = INCLUDE.match(line)
                if m:
                    header = m.group(1)
                    for b in banned:
                        if b in header:
                            bad.append(f"{rel}:{n}: {layer} must not include {header}")
                for text in FORBIDDEN_TEXT.get(layer, []):
                    if text in line and not line.strip().startswith("//"):
                        bad.append(f"{rel}:{n}: {layer} must not use {text}")
    for b in bad:
        print(b)
    if bad:
        print(f"layering: {len(bad)} violation(s)")
        return 1
    print("layering OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
