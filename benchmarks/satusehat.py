"""SATUSEHAT: bundles built and validated per second, beside fhir.resources validating the same
bundles; and a backlog of visits sent through the outbox to the local test server, beside plain
urllib posting the same bundles to the same server.

    python benchmarks/satusehat.py DB [--visits N] [--backlog N]   # DB: the benchmark database

The benchmark database has no SATUSEHAT master data; for the bundles-per-second figure the
bundles carry the BELUM-ADA placeholders, which cost the same to build and to check as real ids.
The backlog runs on a copy of the database, with master data filled in (an organisation, a
Location per poli, a Practitioner per health worker; the patients' IHS numbers are fetched by NIK
as the outbox does), and the server failing on purpose: one request in 40 a 500, one in 150 a 429
(Retry-After 0.05 s), one post in 300 stored with its answer dropped.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kupang_desk.accounts import session  # noqa: E402
from kupang_desk.accounts.permissions import PERMISSIONS  # noqa: E402
from kupang_desk.accounts.session import SystemActor  # noqa: E402

BENCHMARK = SystemActor("sistem:benchmark", "Benchmark", frozenset(PERMISSIONS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database")
    parser.add_argument("--visits", type=int, default=2000)
    parser.add_argument("--backlog", type=int, default=10000, help="visits sent through the outbox (0: none)")
    args = parser.parse_args()
    from fhir.resources.R4B import get_fhir_model_class

    from kupang_desk.models import Visit, database
    from kupang_desk.satusehat import bundle

    database.connect(f"sqlite:///{args.database}", migrate=True)
    with session.acting_as(BENCHMARK):
        ids = [v for (v,) in Visit.select(Visit.id).where(Visit.deleted_at.is_null()).order_by(Visit.id.desc())
               .limit(args.visits).tuples()]
        bundle.validate(bundle.build(ids[0]).bundle)  # the models loaded once, as the outbox does
        started = time.perf_counter()
        built = [bundle.build(visit_id).bundle for visit_id in ids]
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        for item in built:
            bundle.validate(item)
        validate_s = time.perf_counter() - started
        model = get_fhir_model_class("Bundle")
        started = time.perf_counter()
        for item in built:
            model.model_validate(item)  # raw: the library checking the Bundle as a whole, once
        raw_s = time.perf_counter() - started
    n = len(ids)
    print(f"{'bundles built + validated per second':<44} {n / (build_s + validate_s):>10.0f} {n / raw_s:>10.0f}  "
          f"raw = fhir.resources Bundle.model_validate alone; {n:,} visits of the 2M-visit database")
    print(f"{'  of which building (database + dict), ms':<44} {build_s * 1000 / n:>10.2f}")
    print(f"{'  of which validating (bundle + each resource)':<44} {validate_s * 1000 / n:>10.2f}")
    print(f"{'  entries per bundle':<44} {sum(len(b['entry']) for b in built) / n:>10.1f}")
    database.close()
    if args.backlog:
        backlog(Path(args.database), args.backlog)
    return 0


class AnyNik(dict):
    """The local server's master patient index: every NIK has an IHS number."""

    def __contains__(self, nik: object) -> bool:
        return True

    def __getitem__(self, nik: str) -> str:
        return f"P{nik[-10:]}"


def backlog(source: Path, count: int) -> None:
    import json
    import shutil
    import tempfile
    import urllib.request

    from kupang_desk import settings
    from kupang_desk.models import Poli, SatusehatOutbox, Visit, database, writing
    from kupang_desk.satusehat import bundle, master, outbox, outbox_view, sending
    from kupang_desk.satusehat.client import Client
    from tests.satusehat.server import SatusehatServer

    folder = Path(tempfile.mkdtemp(prefix="kd-backlog-"))
    copy = folder / "backlog.sqlite"
    shutil.copyfile(source, copy)
    database.connect(f"sqlite:///{copy}", migrate=True)
    with session.acting_as(BENCHMARK):
        with writing():
            settings.put("satusehat.enabled", True)
            settings.put("satusehat.organization_id", "100011961")
        for poli in Poli.select():
            master.set_location(poli.id, f"loc-{poli.id}")
        for number, person in enumerate(master.current().practitioners, start=1):
            master.set_practitioner(person.name, f"N{number:08d}")
        since = (Visit.select(Visit.visit_at).where(Visit.deleted_at.is_null()).order_by(Visit.visit_at.desc())
                 .offset(count - 1).limit(1).scalar())
        queued = outbox.enqueue_since(since.date())
        with SatusehatServer(patients=AnyNik()) as server:
            total_guess = queued * 4
            server.failures = [500 if n % 40 == 39 else 429 if n % 150 == 149 else None for n in range(total_guess)]
            server.post_failures = ["drop-after-accept" if n % 300 == 299 else None for n in range(queued)]
            server.retry_after = "0.05"
            client = Client(server.url, "klien-oebobo", "rahasia-sekali-123")
            started = time.perf_counter()
            runs, passes = 0, []
            while outbox_view.counts()["waiting"] and runs < 500:
                passes.append(sending.send(client, until_empty=True, backoff_first=0.05))
                runs += 1
            outbox_s = time.perf_counter() - started
            left = outbox_view.counts()
            for row in outbox_view.rows(limit=3):
                if row.state != "sent":
                    print(f"  left open: visit {row.visit_id} {row.state}: {row.message[:200]}")
            held = server.encounters()
            doubled = sum(1 for n in server.copies().values() if n > 1)
            posted = len(server.bundles)
            # Raw: the same bundles posted with urllib alone, one after the other, to a fresh server.
        ids = [v for (v,) in SatusehatOutbox.select(SatusehatOutbox.visit).tuples()]
        bodies = [json.dumps(bundle.build(i).bundle).encode("utf-8") for i in ids]
    with SatusehatServer(patients=AnyNik()) as raw_server:
        token = json.loads(urllib.request.urlopen(urllib.request.Request(
            f"{raw_server.url}/oauth2/v1/accesstoken?grant_type=client_credentials",
            data=b"client_id=klien-oebobo&client_secret=rahasia-sekali-123", method="POST")).read())["access_token"]
        started = time.perf_counter()
        for body in bodies:
            request = urllib.request.Request(f"{raw_server.url}/fhir-r4/v1", data=body, method="POST", headers={
                "Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"})
            with urllib.request.urlopen(request) as reply:
                reply.read()
        raw_s = time.perf_counter() - started
    database.close()
    shutil.rmtree(folder, ignore_errors=True)
    retries = sum(p.retries for p in passes)
    requests = sum(p.requests for p in passes)
    print(f"{'backlog sent through the outbox, s':<44} {outbox_s:>10.1f} {raw_s:>10.1f}  raw = urllib posting the "
          f"same {len(bodies):,} bundles, no checks, no failures")
    print(f"{'  visits queued / held by the server':<44} {queued:>10,} {len(held):>10,}")
    print(f"{'  posts / requests in all':<44} {posted:>10,} {requests:>10,}")
    print(f"{'  retries / recovered after a lost answer':<44} {retries:>10,} {sum(p.recovered for p in passes):>10,}")
    print(f"{'  runs / resources held twice / left open':<44} {runs:>10} {doubled:>10} {sum(left.values()):>6}")
    per_minute = settings.KEYS["satusehat.requests_per_minute"].default
    print(f"{'  at the default limit, hours':<44} {requests / per_minute / 60:>10.1f}  "
          f"({per_minute} requests a minute)")


if __name__ == "__main__":
    sys.exit(main())
