"""A DHIS2 stand-in for the tests, written from DHIS2's documentation and its import validator
(docs.dhis2.org, Web API "Data values" and "Date and period format"; dhis2-core's
``DataValueSetImportValidator``, ``ValidationUtils.dataValueIsZeroAndInsignificant`` and
``DefaultDataValueSetService.saveDataValueUpdate``), not from Kupang Desk's writer:

- identifiers are read by ``idScheme`` (and the per-kind ``dataElementIdScheme``...), uid by default;
  one it does not know is a conflict "... not found or not accessible";
- periods are read by their type: ``yyyyMM`` a month, ``yyyyWn`` an ISO week starting Monday,
  ``yyyySunWn`` a week starting Sunday (week 1 holds 4 January's week's Thursday/Wednesday rule);
  a value is filed under the dates its period names;
- a zero of an element whose zero is not significant is ignored when nothing is held, and deletes
  the value held otherwise;
- the import summary of DHIS2 2.38 (``response.importCount``, ``conflicts``), HTTP 409 with conflicts.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USER, PASSWORD = "pkm-oebobo", "rahasia"


@dataclass
class Element:
    uid: str
    code: str = ""
    zero_is_significant: bool = False
    name: str = ""
    data_set: str = ""  # the uid of the data set that holds it
    category_combo: str = ""  # the uid of its category combo ("": the default one)


@dataclass
class Known:
    """The server's metadata: data elements, category option combos, data sets and org units."""

    elements: list[Element] = field(default_factory=list)
    combos: dict[str, str] = field(default_factory=dict)  # uid -> code ("" when it has none)
    data_sets: dict[str, tuple[str, str]] = field(default_factory=dict)  # uid -> (code, period type)
    org_units: dict[str, str] = field(default_factory=dict)  # uid -> code
    combo_names: dict[str, str] = field(default_factory=dict)  # uid -> name of a category option combo
    category_combos: dict[str, list[str]] = field(default_factory=dict)  # uid -> its category option combos

    def export(self) -> dict:
        """The data set metadata export a Dinas hands out (``/api/dataSets/{id}/metadata.json``): each data
        set with its dataSetElements, each element with its name and category combo, each combo's name."""
        return {
            "dataSets": [{"id": uid, "code": code, "periodType": kind,
                          "dataSetElements": [{"dataElement": {"id": e.uid}, "dataSet": {"id": uid}}
                                              for e in self.elements if e.data_set == uid]}
                         for uid, (code, kind) in self.data_sets.items()],
            "dataElements": [{"id": e.uid, "code": e.code, "name": e.name, "valueType": "INTEGER_ZERO_OR_POSITIVE",
                              "aggregationType": "SUM", "zeroIsSignificant": e.zero_is_significant,
                              **({"categoryCombo": {"id": e.category_combo}} if e.category_combo else {})}
                             for e in self.elements],
            "categoryCombos": [{"id": uid, "categoryOptionCombos": [{"id": c} for c in combos]}
                               for uid, combos in self.category_combos.items()],
            "categoryOptionCombos": [{"id": uid, "code": code, "name": self.combo_names.get(uid, "")}
                                     for uid, code in self.combos.items()],
            "organisationUnits": [{"id": uid, "code": code} for uid, code in self.org_units.items()],
        }


def period_dates(text: str) -> tuple[dt.date, dt.date] | None:
    """The dates a period names, as DHIS2 reads it; None for a period it does not know."""
    if match := re.fullmatch(r"(\d{4})(\d{2})", text):
        start = dt.date(int(match.group(1)), int(match.group(2)), 1)
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return start, end
    if match := re.fullmatch(r"(\d{4})(SunW|W)(\d{1,2})", text):
        year, sunday, number = int(match.group(1)), match.group(2) == "SunW", int(match.group(3))
        january4 = dt.date(year, 1, 4)  # week 1 is the week holding 4 January
        shift = (january4.weekday() + 1) % 7 if sunday else january4.weekday()
        start = january4 - dt.timedelta(days=shift) + dt.timedelta(weeks=number - 1)
        return start, start + dt.timedelta(days=6)
    return None


class Dhis2Server:
    """Checks basic auth, reads every value as DHIS2 does, keeps what it would store."""

    def __init__(self, known: Known, *, conflicts: bool = False) -> None:
        self.known, self.force_conflicts = known, conflicts
        self.requests: list[tuple[dict, dict]] = []
        self.stored: dict[tuple[str, str, str, dt.date, dt.date], str] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802 - http.server's name
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.end_headers()
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append((query, body))
                code, reply = server.import_values(query, body)
                data = json.dumps(reply).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    def _resolve(self, kind: str, name: str, scheme: str) -> str | None:
        pairs = {"dataElement": [(e.uid, e.code) for e in self.known.elements],
                 "categoryOptionCombo": list(self.known.combos.items()),
                 "orgUnit": list(self.known.org_units.items()),
                 "dataSet": [(uid, code) for uid, (code, _kind) in self.known.data_sets.items()]}[kind]
        for uid, code in pairs:
            if (scheme == "code" and code == name) or (scheme == "uid" and uid == name):
                return uid
        return None

    def import_values(self, query: dict, body: dict) -> tuple[int, dict]:
        default = query.get("idScheme", "uid").lower()
        scheme = {kind: query.get(f"{kind}IdScheme", default).lower()
                  for kind in ("dataElement", "categoryOptionCombo", "orgUnit", "dataSet")}
        dry_run = query.get("dryRun") == "true"
        counts = {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}
        conflicts: list[dict] = []
        if self.force_conflicts:
            conflicts.append({"object": "LB1_J06.9", "value": "Data element not found"})
        values = [] if self.force_conflicts else body.get("dataValues", [])
        for value in values:
            element = self._resolve("dataElement", value["dataElement"], scheme["dataElement"])
            combo = self._resolve("categoryOptionCombo", value.get("categoryOptionCombo", ""), scheme["categoryOptionCombo"]) \
                if value.get("categoryOptionCombo") else "default"
            unit = self._resolve("orgUnit", value["orgUnit"], scheme["orgUnit"])
            dates = period_dates(value["period"])
            problem = ("Data element not found or not accessible: " + value["dataElement"]) if element is None else \
                ("Category option combo not found or not accessible: " + value["categoryOptionCombo"]) if combo is None else \
                ("Org unit not found or not accessible: " + value["orgUnit"]) if unit is None else \
                ("Period not valid: " + value["period"]) if dates is None else ""
            if problem:
                conflicts.append({"object": value.get("dataElement", ""), "value": problem})
                counts["ignored"] += 1
                continue
            assert element is not None and combo is not None and unit is not None and dates is not None
            key = (element, combo, unit, *dates)
            significant = next(e.zero_is_significant for e in self.known.elements if e.uid == element)
            if value["value"] == "0" and not significant:  # dataValueIsZeroAndInsignificant
                if key in self.stored:
                    counts["deleted"] += 1
                    if not dry_run:
                        del self.stored[key]
                else:
                    counts["ignored"] += 1
                continue
            counts["updated" if key in self.stored else "imported"] += 1
            if not dry_run:
                self.stored[key] = value["value"]
        status = "WARNING" if conflicts else "SUCCESS"
        return (409 if conflicts else 200), {"httpStatus": "Conflict" if conflicts else "OK", "response": {
            "status": status, "importCount": counts, "conflicts": conflicts}}

    def value(self, element: str, combo: str, start: dt.date) -> str | None:
        """What the server holds for an element (uid) and combo (uid) in the period starting on ``start``."""
        return next((v for (e, c, _u, s, _end), v in self.stored.items() if e == element and c == combo and s == start),
                    None)

    def __enter__(self) -> Dhis2Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.http.shutdown()
        self.http.server_close()
