"""Two processes (a served deployment and a CLI run, say) write the same SQLite store at once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from outputs.db import open_database
from outputs.store import ArticleStore

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timezone
    from outputs.db import open_database
    from outputs.store import ArticleStore
    from transforms.model import Article

    url, prefix = sys.argv[1], sys.argv[2]
    store = ArticleStore(open_database(url))
    for n in range(60):
        article = Article(id=f"{prefix}{n}", slug=f"{prefix}-{n}", title=f"Article {n}", version=str(n))
        store.save(article, datetime.now(timezone.utc))
    """
)


def test_two_writer_processes_lose_nothing_and_never_see_a_lock_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    open_database(url).dispose()
    root = Path(__file__).resolve().parents[2]
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, url, prefix], cwd=root, stderr=subprocess.PIPE, text=True)
        for prefix in ("cli", "served")
    ]
    outcomes = [(w.wait(timeout=120), w.stderr.read() if w.stderr else "") for w in writers]
    assert outcomes == [(0, ""), (0, "")]
    slugs = {s.article.slug for s in ArticleStore(open_database(url)).all()}
    assert len(slugs) == 120
