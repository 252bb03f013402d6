"""Parse + segment throughput on the bundled sample, in articles per second on one core.

Target (issue 2): at least 200 articles/s.
"""

from __future__ import annotations

import time
from pathlib import Path

from transforms.parse import parse_and_segment

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "articles" / "acupuncture-for-neuropathy.txt"


def measure(data: bytes, name: str, rounds: int = 15, batch: int = 20) -> float:
    """Articles per second: the best of `rounds` batches (timeit's rule: noise only ever slows a run)."""
    for _ in range(20):  # warm-up: imports, regex compilation
        parse_and_segment(data, name)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(batch):
            parse_and_segment(data, name)
        best = min(best, time.perf_counter() - start)
    return batch / best


def main() -> None:
    rate = measure(SAMPLE.read_bytes(), SAMPLE.name)
    print(f"parse+segment (sample, {SAMPLE.stat().st_size:,} bytes): {rate:,.0f} articles/s "
          f"on one core — {rate / 200:.1f}x the 200/s target")
    others = sorted(p for p in SAMPLE.parent.iterdir() if p != SAMPLE and p.suffix in {".html", ".md", ".xml"})
    for path in others:
        print(f"parse+segment ({path.name}): {measure(path.read_bytes(), path.name, rounds=5):,.0f} documents/s")


if __name__ == "__main__":
    main()
