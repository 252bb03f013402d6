"""Review speed: the conservation check over a real out/ and the review page built from it.

    .venv/bin/python bench/bench_review.py
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.pipeline import open_store, run_pipeline  # noqa: E402
from flows.settings import Settings  # noqa: E402
from outputs.email.config import EmailSettings  # noqa: E402
from outputs.review.check import check_outputs  # noqa: E402
from outputs.review.site import build_review_site, render_review_page  # noqa: E402

ROUNDS = 5


def best_and_median(action, rounds: int = ROUNDS) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        email = EmailSettings(subscribers_csv=ROOT / "examples" / "subscribers.csv")
        settings = Settings(out_dir=Path(tmp) / "out", data_dir=Path(tmp) / "data", email=email)
        run_pipeline([str(ROOT / "examples")], settings, now=dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc))
        store = open_store(settings)
        report = check_outputs(settings, store)
        counts = ", ".join(f"{n} {c}" for c, n in report.counts().items())
        print(f"outputs checked: {len(report.checks)} ({counts}); flagged: {len(report.flags)}")
        best, median = best_and_median(lambda: check_outputs(settings, store))
        print(f"check_outputs over out/: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms "
              f"({best / len(report.checks) * 1e6:.0f} µs per output)")
        best, median = best_and_median(lambda: render_review_page(settings, store, report))
        html = render_review_page(settings, store, report)
        print(f"review page render (check excluded): best {best * 1000:.0f} ms, median {median * 1000:.0f} ms, "
              f"{len(html.encode()) / 1000:.0f} KB")
        best, median = best_and_median(lambda: build_review_site(settings, store))
        print(f"review channel end to end (check + page + write): best {best * 1000:.0f} ms, median {median * 1000:.0f} ms")


if __name__ == "__main__":
    main()
