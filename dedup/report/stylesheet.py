"""The inline stylesheet of the HTML report: layout for phone and desktop, one colour per change type."""

from __future__ import annotations

# Each change type has a colour and an underline style, so the types stay apart without colour too.
# Backgrounds are translucent so a highlight nested in another shows both.
PAGE_STYLE = """
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --paper: #fff; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f8fa; color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1400px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
header, .legend, .changes, .texts { background: var(--paper); border: 1px solid var(--line);
  border-radius: 8px; padding: .75rem 1rem; margin-bottom: 1rem; }
.verdict { font-size: 1.15rem; font-weight: 600; margin: .25rem 0 .5rem; }
.confidence { font-weight: 400; color: var(--muted); }
.documents { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .25rem .75rem;
  margin: 0; }
.documents dt { font-weight: 600; }
.documents dd { margin: 0; overflow-wrap: anywhere; }
.details { color: var(--muted); }
.legend ul { display: flex; flex-wrap: wrap; gap: .35rem 1.25rem; list-style: none; margin: 0; padding: 0; }
.changes summary { font-weight: 600; cursor: pointer; }
.changes ol { margin: .5rem 0 0; padding-left: 1.5rem; }
.changes li { margin: .35rem 0; overflow-wrap: anywhere; }
.quotes { display: block; color: var(--muted); font-size: .92rem; }
a { color: #0550ae; }
nav { margin-bottom: .25rem; }
.texts { padding: 0; overflow: hidden; }
.row { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
  border-top: 1px solid var(--line); }
.row.headings { border-top: 0; background: #eef1f4; }
.row.headings h2 { margin: 0; }
.row.between { background: #fafbfc; color: #3d444d; }
.similarity { grid-column: 1 / -1; font-size: .78rem; color: var(--muted); padding: .2rem 1rem 0; }
.cell { padding: .5rem 1rem; white-space: pre-wrap; overflow-wrap: anywhere; min-width: 0; }
.cell + .cell { border-left: 1px solid var(--line); }
a.moved { font-size: .75rem; text-decoration: none; white-space: nowrap; background: #eef1f4;
  border: 1px solid var(--line); border-radius: 3px; padding: 0 .3rem; margin-right: .3rem; }
a.moved:target { outline: 3px solid #0969da; }
mark.change { color: inherit; border-radius: 2px; padding: 0 1px; border-bottom: 2px solid; }
mark.change:target { outline: 3px solid #0969da; outline-offset: 1px; }
.kind-omitted { background: rgb(220 38 38 / 22%); border-bottom-color: #b91c1c; }
.kind-softened { background: rgb(245 158 11 / 30%); border-bottom: 2px dashed #b45309; }
.kind-hardened { background: rgb(147 51 234 / 22%); border-bottom: 3px double #7e22ce; }
.kind-altered { background: rgb(37 99 235 / 22%); border-bottom: 2px dotted #1d4ed8; }
.kind-added { background: rgb(22 163 74 / 22%); border-bottom-color: #15803d; }
.flags { list-style: none; margin: 0; padding: 0; }
.flags li { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
  padding: .6rem 1rem; margin-bottom: .5rem; overflow-wrap: anywhere; }
@media (max-width: 720px) {
  main { padding: .5rem; }
  .row { grid-template-columns: minmax(0, 1fr); }
  .row.headings { display: none; }
  .cell + .cell { border-left: 0; border-top: 1px dashed var(--line); }
  .cell.empty { display: none; }
  .cell::before { display: block; font-size: .75rem; font-weight: 600; color: var(--muted);
    text-transform: uppercase; content: attr(data-side); }
}
"""
