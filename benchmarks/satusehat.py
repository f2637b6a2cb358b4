"""SATUSEHAT bundles built and validated per second, beside fhir.resources validating the same bundles.

    python benchmarks/satusehat.py DB [--visits N]   # DB: the benchmark database (benchmarks/run.py builds it)

The benchmark database has no SATUSEHAT master data; the bundles carry the BELUM-ADA placeholders,
which cost the same to build and to check as real ids.
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
