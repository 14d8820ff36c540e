import assert from "node:assert/strict";
import { test } from "node:test";
import { mermaidDiagram, mermaidMarkdown } from "../src/diagram";
import { modelOf } from "./harness";

test("the diagram draws every tier, dataset, service and route, with Postgres and backup edges", () => {
  const model = modelOf();
  const text = mermaidDiagram(model);
  assert.match(text, /^flowchart LR\n/);
  for (const d of model.datasets) assert.ok(text.includes(`ds_${d.name.replace(/-/g, "_")}[(`), d.name);
  for (const s of model.services) assert.ok(text.includes(`svc_${s.name.replace(/-/g, "_")}[`), s.name);
  for (const r of model.services.flatMap((s) => s.routes)) assert.ok(text.includes(`${r.fqdn} (${r.exposure})`), r.fqdn);
  assert.match(text, /svc_immich -- "db immich" --> svc_postgres/);
  assert.match(text, /ds_immich_library -\. restic \.-> b2/);
  assert.match(text, /svc_postgres -\. pg_dumpall \.-> b2/);
  assert.match(text, /ds_media -\. ro \.-> svc_jellyfin/);
});

test("the diagram is valid Mermaid in shape: balanced subgraphs, quoted labels, one statement per line", () => {
  const text = mermaidDiagram(modelOf());
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.filter((l) => /^\s*subgraph /.test(l)).length, lines.filter((l) => /^\s*end$/.test(l)).length);
  for (const line of lines.slice(1)) {
    assert.equal((line.match(/"/g) ?? []).length % 2, 0, `unbalanced quotes: ${line}`);
    assert.doesNotMatch(line, /[;`]/, `a character Mermaid would misread: ${line}`);
  }
  assert.ok(mermaidMarkdown(modelOf()).startsWith("```mermaid\nflowchart LR\n"));
});

test("the same model draws the same diagram", () => {
  assert.equal(mermaidDiagram(modelOf()), mermaidDiagram(modelOf()));
});
