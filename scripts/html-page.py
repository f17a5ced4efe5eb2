#!/usr/bin/env python3
"""Writes a large published-style HTML page for measuring the HTML path (issue 17's "a 1 MB
page stays within the performance targets of BENCHMARKS.md").

    scripts/html-page.py OUT.html [BYTES] [--story]    # BYTES defaults to 1,048,576

The page is the news-page fixture (`tests/fixtures/html-pages/news-page.html`: cookie banner,
site header and menu, a story in `<main><article>`, a "most read" sidebar, a footer) with its
chrome grown to the size of a real news site's (a menu of 40 sections, a sidebar of 60
teasers, a footer of 80 links) and its article grown to BYTES: the story's own paragraphs,
then the article parts (`div.body[role=main]`) of the eight real Python documentation pages
in `tests/data/pages/`, in turn, until the page reaches BYTES. With `--story` the article is
the fixture's story alone, repeated: prose with a link every 100 bytes and several findings per
paragraph, the worst case for the rules. Output is deterministic.
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests/fixtures/html-pages/news-page.html"
PAGES = sorted((ROOT / "tests/data/pages").glob("python-*.html"))


def between(text, start, end):
    """The text after the first `start` and before the next `end`."""
    a = text.index(start) + len(start)
    return text[a:text.index(end, a)]


def main():
    args = [a for a in sys.argv[1:] if a != "--story"]
    story_only = "--story" in sys.argv[1:]
    out = pathlib.Path(args[0])
    size = int(args[1]) if len(args) > 1 else 1 << 20
    page = FIXTURE.read_text(encoding="utf-8")
    story_start = '<article class="story">'
    head, rest = page.split(story_start, 1)
    story, tail = rest.split("</article>", 1)

    menu = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(40))
    head = head.replace('<ul><li><a href="/news">', f'<ul>{menu}<li><a href="/news">', 1)
    teasers = "".join(
        f'<li><a href="/story/{i}"><img src="/t/{i}.jpg" alt="">Story number {i} of the day</a></li>'
        for i in range(60)
    )
    tail = tail.replace("</ul>\n</aside>", f"{teasers}</ul>\n</aside>", 1)
    links = " ".join(f'<a href="/about/{i}">About page {i}</a>' for i in range(80))
    tail = tail.replace('<a href="#top">', f'<p class="links">{links}</p><a href="#top">', 1)

    parts = [
        between(p.read_text(encoding="utf-8"), '<div class="body" role="main">', '<div class="clearer">')
        for p in PAGES
    ]
    if story_only:
        parts = [story]
    body = [story]
    length = len((head + story_start + story + "</article>" + tail).encode())
    i = 0
    while length < size:
        part = f'\n<section class="part" id="part-{i}">{parts[i % len(parts)]}</section>\n'
        body.append(part)
        length += len(part.encode())
        i += 1
    out.write_text(head + story_start + "".join(body) + "</article>" + tail, encoding="utf-8")


if __name__ == "__main__":
    main()
