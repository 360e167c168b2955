"""``GET /docs``: the API reference as one self-contained HTML page rendered on the server from the
OpenAPI document. No script and nothing loaded from another host, so it works where the service
runs without internet access (an interactive Swagger UI would load its code from a CDN)."""

from __future__ import annotations

import json
from html import escape
from typing import Any

_STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#222}
code,pre{font-family:ui-monospace,monospace;font-size:.9em}
pre{background:#f5f5f5;padding:.75rem;overflow-x:auto}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;
vertical-align:top}
.method{font-weight:bold;padding:.1rem .4rem;border-radius:.2rem;background:#e8eef8}
section{border-top:1px solid #ddd;margin-top:1.5rem}
"""


def _schema_name(content: dict[str, Any]) -> str:
    for media, body in content.items():
        ref = body.get("x-line-schema", body.get("schema", {}))
        refs = [ref] if "$ref" in ref else ref.get("oneOf", [])
        names = " | ".join(
            f'<a href="#schema-{escape(r["$ref"].rsplit("/", 1)[1])}">{escape(r["$ref"].rsplit("/", 1)[1])}</a>'
            for r in refs
        )
        return f"<code>{escape(media)}</code> {names}"
    return ""


def _operation(path: str, method: str, op: dict[str, Any]) -> str:
    parts = [
        f'<section id="{escape(op.get("operationId", path))}">',
        f'<h3><span class="method">{method.upper()}</span> <code>{escape(path)}</code></h3>',
        f"<p><strong>{escape(op.get('summary', ''))}</strong></p>",
    ]
    if op.get("description"):
        parts.append(f"<p>{escape(op['description'])}</p>")
    params = op.get("parameters", [])
    if params:
        parts.append("<table><tr><th>parameter</th><th>in</th><th>type</th><th>description</th></tr>")
        for p in params:
            kind = p["schema"].get("type", "")
            if "enum" in p["schema"]:
                kind += " (" + ", ".join(p["schema"]["enum"]) + ")"
            parts.append(
                f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td><td>{escape(kind)}</td>"
                f"<td>{escape(p.get('description', ''))}</td></tr>"
            )
        parts.append("</table>")
    if "requestBody" in op:
        parts.append(f"<p>Request body: {_schema_name(op['requestBody']['content'])}</p>")
    parts.append("<table><tr><th>status</th><th>meaning</th><th>body</th></tr>")
    for status, response in op["responses"].items():
        body = _schema_name(response.get("content", {}))
        parts.append(f"<tr><td>{escape(status)}</td><td>{escape(response['description'])}</td><td>{body}</td></tr>")
    parts.append("</table></section>")
    return "\n".join(parts)


_EXAMPLE = """curl -sS -X POST --data-binary @examples/beijing-sample.json \\
     -H 'Content-Type: application/json' 'http://127.0.0.1:8000/v1/check?as_of=2026-07-15'

curl -sS -X POST --data-binary @batch.jsonl \\
     -H 'Content-Type: application/x-ndjson' 'http://127.0.0.1:8000/v1/check/batch'"""


def render_docs(openapi_text: str) -> str:
    doc = json.loads(openapi_text)
    info = doc["info"]
    ops = [_operation(path, method, op) for path, methods in doc["paths"].items() for method, op in methods.items()]
    schemas = [
        f'<details id="schema-{escape(name)}"><summary><code>{escape(name)}</code></summary>'
        f"<pre>{escape(json.dumps(schema, ensure_ascii=False, indent=2))}</pre></details>"
        for name, schema in doc["components"]["schemas"].items()
    ]
    index = "".join(
        f'<li><a href="#{escape(op.get("operationId", path))}">{method.upper()} {escape(path)}</a>'
        f" — {escape(op.get('summary', ''))}</li>"
        for path, methods in doc["paths"].items()
        for method, op in methods.items()
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(info["title"])} {escape(info["version"])} — API</title>
<style>{_STYLE}</style></head><body>
<h1>{escape(info["title"])} {escape(info["version"])} — HTTP API</h1>
<p>{escape(info["summary"])}. {escape(info["description"])}</p>
<p>Machine-readable: <a href="/openapi.json"><code>/openapi.json</code></a> (OpenAPI 3.1; generate a client from it,
e.g. with openapi-generator for Java). This page needs no network access.</p>
<h2>Endpoints</h2><ul>{index}</ul>
<h2>Example</h2><pre>{escape(_EXAMPLE)}</pre>
{"".join(ops)}
<section><h2>Schemas</h2>{"".join(schemas)}</section>
</body></html>
"""
