#!/usr/bin/env bash
# Every page of the built book, in a real browser.
#
# Builds the book, serves it on 127.0.0.1, and opens each page in headless
# Chromium over the DevTools protocol: no console error and no uncaught
# exception on any page, a title and a heading on each, the quizzes
# rendered where a chapter has one, and the search box finding a word.
# Screenshots of the introduction and of chapter 4 are taken and inspected
# (not blank; the chapter's title on the page), and left in
# ${BOOK_SCREENSHOTS:-/tmp}/book-*.png for a person to look at.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
    apt-get update && apt-get install -y chromium
fi
scratch=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
    rm -rf "$scratch"
}
trap cleanup EXIT

mdbook build book -d "$scratch/book" >/dev/null 2>&1 ||
    { echo "book-pages: mdbook build failed" >&2; mdbook build book -d "$scratch/book"; exit 1; }
(cd "$scratch/book" && exec python3 -m http.server --bind 127.0.0.1 0) >"$scratch/http.log" 2>&1 &
server=$!
port=
for _ in $(seq 100); do
    port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$scratch/http.log" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "book-pages: the HTTP server did not start" >&2; exit 1; }

python3 - "http://127.0.0.1:$port/" "$scratch" "${BOOK_SCREENSHOTS:-/tmp}" <<'PY'
import os, sys
sys.path.insert(0, ".ci")
from devtools import Browser, png_colours

base, scratch, shots = sys.argv[1:4]
flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
pages = sorted(p for p in os.listdir(f"{scratch}/book") if p.endswith(".html"))
# toc.html is mdBook's sidebar, loaded into every page; it is not a page.
pages = [p for p in pages if p != "toc.html"]
problems = []
quizzes = 0
with Browser(flags, f"{scratch}/profile") as browser:
    page = browser.page(width=1200, height=900)
    for name in pages:
        page.goto(base + name)
        errors = page.errors
        if errors:
            problems.append(f"{name}: {errors}")
        # Quizzes render from a script after the load event: give them 5 s.
        facts = page.evaluate("""new Promise(resolve => {
            const quizzes = () => [...document.querySelectorAll('.quiz-placeholder')];
            const rendered = () => quizzes().filter(q => /questions/.test(q.innerText)).length;
            let tries = 0;
            const look = () => {
                if (rendered() >= quizzes().length || ++tries > 50) resolve({
                    title: document.title,
                    heading: (document.querySelector('main h1') || {}).textContent || '',
                    quizzes: quizzes().length,
                    rendered: rendered(),
                }); else setTimeout(look, 100);
            };
            look();
        })""")
        if "Tokio Workbook" not in facts["title"]:
            problems.append(f"{name}: title {facts['title']!r}")
        if name not in ("print.html", "toc.html") and not facts["heading"].strip():
            problems.append(f"{name}: no heading")
        if facts["rendered"] < facts["quizzes"]:
            problems.append(f"{name}: {facts['quizzes'] - facts['rendered']} quiz(zes) not rendered")
        quizzes += facts["rendered"]
        print(f"book-pages: {name}: ok" if not errors else f"book-pages: {name}: {len(errors)} error(s)")

    # Search: type a word the book uses and wait for results.
    page.goto(base + "introduction.html")
    hits = page.evaluate("""new Promise(resolve => {
        const toggle = document.getElementById('mdbook-search-toggle');
        if (toggle) toggle.click();
        const bar = document.getElementById('mdbook-searchbar');
        bar.value = 'backpressure';
        bar.dispatchEvent(new Event('input', {bubbles: true}));
        bar.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true, key: 'e'}));
        let tries = 0;
        const look = () => {
            const n = document.querySelectorAll('#mdbook-searchresults li').length;
            if (n > 0 || ++tries > 40) resolve(n); else setTimeout(look, 100);
        };
        look();
    })""")
    if not hits:
        problems.append("search: no results for 'backpressure'")
    print(f"book-pages: search finds 'backpressure' on {hits} page(s)")

    # Screenshots a person can look at, checked for being more than blank.
    for name, want in [("introduction.html", "Introduction"), ("ch04-channels.html", "Chapter 4: Channels")]:
        page.goto(base + name, settle=0.8)
        png = page.screenshot()
        path = f"{shots}/book-{name.replace('.html', '')}.png"
        with open(path, "wb") as f:
            f.write(png)
        colours = png_colours(png)
        text = page.evaluate("document.querySelector('main').innerText")
        if colours < 8:
            problems.append(f"{name}: the screenshot is blank ({colours} colours)")
        if want not in text:
            problems.append(f"{name}: {want!r} is not on the page")
        print(f"book-pages: screenshot {path}: {len(png)} bytes, {colours} colours")

if quizzes < 4:
    problems.append(f"only {quizzes} quizzes rendered in the whole book")
if problems:
    print("book-pages: problems:", *problems, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"book-pages: {len(pages)} pages render without errors, {quizzes} quizzes rendered")
PY
