"""A real browser: headless Chromium opens the review page and the sample newsletter, at desktop and phone
widths, and the screenshots stay under out/screenshots/ as CI artifacts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from outputs.review.check import read_email
from tests.conftest import ROOT
from tests.review.conftest import Published
from tests.review.png import detail, png_size

SCREENSHOTS = ROOT / "out" / "screenshots"
DESKTOP, PHONE = 1280, 390
BLANK = 0.01  # share of changing pixel bytes below which a screenshot counts as blank
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-dev-shm-usage", "--hide-scrollbars"]


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("Chromium is not installed: run `apt-get install -y chromium` (.ci/run does this in CI)")
    return found


@pytest.fixture(scope="module")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def run_chromium(chromium: str, profile: Path, *args: str) -> str:
    done = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def screenshot(chromium: str, profile: Path, url: str, target: Path, width: int, height: int = 1600) -> None:
    target.unlink(missing_ok=True)
    run_chromium(chromium, profile, f"--window-size={width},{height}", f"--screenshot={target}", url)
    assert target.exists(), f"Chromium wrote no screenshot for {url}"


def phone_frame(page: Path, frame: Path) -> str:
    """A page holding `page` in a 390 px iframe: headless Chromium will not lay out a window under 500 px.

    Its script records the framed page's scroll width, so the DOM dump shows any sideways scrolling.
    """
    frame.write_text(
        f"""<!DOCTYPE html><html><body style="margin:0">
<iframe id="phone" src="{page.resolve().as_uri()}" style="border:0;width:{PHONE}px;height:1600px"></iframe>
<script>document.getElementById("phone").onload = function () {{
  document.body.setAttribute("data-scroll-width", this.contentDocument.documentElement.scrollWidth);
}};</script></body></html>""",
        encoding="utf-8",
    )
    return frame.resolve().as_uri()


def test_a_blank_page_would_be_caught(chromium: str, tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    screenshot(chromium, tmp_path / "profile", "about:blank", blank, DESKTOP, 400)
    assert detail(blank) < BLANK / 10


def test_the_review_page_renders_on_desktop_and_phone(
    chromium: str, screenshots: Path, published: Published, tmp_path: Path
) -> None:
    index = published.out / "index.html"
    dom = lxml_html.fromstring(run_chromium(chromium, tmp_path / "profile", "--dump-dom", index.as_uri()))
    assert [h.text_content() for h in dom.iter("h1")] == ["Review before sending"]
    assert [h.text_content() for h in dom.iter("h2")][1:] == ["Articles", "Newsletters", "Feeds", "Social posts"]
    assert len(dom.findall(".//iframe")) == 5

    desktop = screenshots / "review-desktop.png"
    screenshot(chromium, tmp_path / "profile", index.as_uri(), desktop, DESKTOP)
    assert png_size(desktop)[0] == DESKTOP
    assert detail(desktop) > BLANK, "the desktop screenshot is blank"

    phone = screenshots / "review-phone.png"
    frame_url = phone_frame(index, screenshots / "review-phone.html")
    framed = lxml_html.fromstring(run_chromium(chromium, tmp_path / "profile", "--allow-file-access-from-files",
                                               "--dump-dom", frame_url))
    assert int(framed.body.get("data-scroll-width")) <= PHONE, "the page scrolls sideways on a phone"
    screenshot(chromium, tmp_path / "profile", frame_url, phone, PHONE)
    assert png_size(phone)[0] == PHONE
    assert detail(phone) > BLANK, "the phone screenshot is blank"


def test_the_sample_newsletter_renders_on_desktop_and_phone(
    chromium: str, screenshots: Path, published: Published, tmp_path: Path
) -> None:
    article = published.store.get("acupuncture-for-neuropathy").article
    eml = sorted((published.out / "outbox" / "article-acupuncture-for-neuropathy").glob("*.eml"))[0]
    newsletter = screenshots / "newsletter.html"
    newsletter.write_text(read_email(eml).html, encoding="utf-8")

    dom = lxml_html.fromstring(run_chromium(chromium, tmp_path / "profile", "--dump-dom", newsletter.as_uri()))
    shown = " ".join(dom.text_content().split())
    assert article.title in shown
    assert "Affiliate disclosure" in shown and "Sources" in shown

    for width, name in ((DESKTOP, "newsletter-desktop.png"), (PHONE, "newsletter-phone.png")):
        url = newsletter.as_uri() if width == DESKTOP else phone_frame(newsletter, screenshots / "newsletter-phone.html")
        target = screenshots / name
        screenshot(chromium, tmp_path / "profile", url, target, width)
        assert png_size(target)[0] == width
        assert detail(target) > BLANK, f"{name} is blank"
