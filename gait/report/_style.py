"""The report's inline stylesheet (no external fonts or files)."""

CSS = """
:root {
  --ink: #1d2430; --muted: #5b6472; --line: #dde2ea; --bg: #f6f7f9; --card: #ffffff;
  --ok: #1e7b3a; --ok-bg: #e3f4e8; --watch: #8a5a00; --watch-bg: #fff1d6;
  --info: #4b5563; --info-bg: #eceff3; --left: #1f77b4; --right: #ff7f0e; --accent: #2458a6;
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 1120px; margin: 0 auto; padding: 0 20px 48px; }
header.top { background: #16324f; color: #fff; padding: 28px 20px 22px; }
header.top .inner { max-width: 1120px; margin: 0 auto; }
header.top h1 { margin: 0 0 6px; font-size: 26px; overflow-wrap: anywhere; }
header.top p { margin: 2px 0; color: #cfe0f3; overflow-wrap: anywhere; }
nav.toc { max-width: 1120px; margin: 0 auto; padding: 10px 20px; font-size: 14px; }
nav.toc a { color: var(--accent); margin-right: 14px; text-decoration: none; white-space: nowrap; }
nav.toc a:hover { text-decoration: underline; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 22px; margin: 18px 0; }
section > h2 { margin: 0 0 4px; font-size: 21px; }
p.lead { margin: 0 0 14px; color: var(--muted); }
h3 { font-size: 16px; margin: 18px 0 6px; }
.note { background: #eef4fb; border-left: 4px solid var(--accent); padding: 10px 14px;
  border-radius: 6px; margin: 10px 0; }
.warn { background: var(--watch-bg); border-left: 4px solid #e0a100; padding: 8px 14px;
  border-radius: 6px; margin: 6px 0; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; }
table.facts th { width: 34%; }
table.evidence { table-layout: fixed; }
table.evidence col.m { width: 19%; } table.evidence col.v { width: 17%; }
table.evidence col.t { width: 10%; } table.evidence col.c { width: 12%; }
.chip { display: inline-block; border-radius: 999px; padding: 1px 10px; font-size: 12.5px;
  font-weight: 600; white-space: nowrap; }
.chip.ok { background: var(--ok-bg); color: var(--ok); }
.chip.watch { background: var(--watch-bg); color: var(--watch); }
.chip.info { background: var(--info-bg); color: var(--info); }
.chip.conf { background: transparent; border: 1px solid var(--line); color: var(--muted);
  font-weight: 500; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 14px; }
.card { border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px;
  background: #fcfcfd; }
.card h3 { margin: 0 0 2px; font-size: 15px; }
.card .value { font-size: 28px; font-weight: 700; margin: 2px 0; }
.card .unit { font-size: 13px; color: var(--muted); font-weight: 500; }
.card .plain { font-size: 13px; color: var(--muted); margin: 4px 0 8px; }
.card .sides { display: flex; gap: 14px; font-size: 14px; margin: 6px 0 2px; }
.card .sides .l { color: var(--left); font-weight: 600; }
.card .sides .r { color: #c25e00; font-weight: 600; }
.card .meta { font-size: 12.5px; color: var(--muted); }
.card .caveat { font-size: 12.5px; background: var(--watch-bg); color: var(--watch);
  padding: 6px 8px; border-radius: 6px; margin: 4px 0 8px; }
.finding { border: 1px solid var(--line); border-left: 5px solid #e0a100; border-radius: 8px;
  padding: 12px 16px; margin: 12px 0; }
.finding h3 { margin: 0 0 4px; }
.finding .cue { background: var(--ok-bg); padding: 6px 10px; border-radius: 6px; }
.kind-study { color: var(--ok); font-weight: 600; }
.kind-heuristic { color: var(--watch); font-weight: 600; }
ul.plain { margin: 4px 0; padding-left: 20px; }
.drill td:first-child { width: 30%; }
.figs { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 14px; }
figure { margin: 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px;
  background: #fff; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
.frames { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 14px; }
.frames img { display: block; margin: 0 auto; }
details { margin: 4px 0; }
summary { cursor: pointer; color: var(--accent); }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: 12.5px; overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 13px; text-align: center; margin: 24px 0; }
@media print {
  body { background: #fff; } section { break-inside: avoid-page; border: none; }
  nav.toc { display: none; }
}
"""
