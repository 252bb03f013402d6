"""Scale-out smoke test: the flows run unchanged on a task runner whose tasks live in other processes.

Dask (prefect-dask, docs/operations.md) sends task arguments and results across processes the same way;
Prefect's ProcessPoolTaskRunner proves the batches, settings and articles survive that trip.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from prefect.task_runners import ProcessPoolTaskRunner

from flows.pipeline import run_pipeline
from flows.settings import load_settings
from flows.syndicate import syndicate_sources
from tests.flows.conftest import ROOT, write_config


def test_syndicate_sources_runs_its_batches_in_worker_processes(tmp_path: Path) -> None:
    config = write_config(tmp_path / "pool", channels=["articles"], orchestration={"batch_size": 2})
    flow = syndicate_sources.with_options(task_runner=ProcessPoolTaskRunner(max_workers=2))
    result = asyncio.run(flow([str(ROOT / "examples" / "articles")], config=str(config))).result
    assert not result.failed, result.problems
    slugs = sorted(a.slug for a, _ in result.articles)
    expected = run_pipeline([str(ROOT / "examples" / "articles")], load_settings(write_config(tmp_path / "inline", channels=["articles"])))
    assert slugs == sorted(a.slug for a, _ in expected.articles) and len(slugs) > 2
    assert sorted(p.stem for p in (tmp_path / "pool" / "out" / "articles").glob("*.json")) == slugs
