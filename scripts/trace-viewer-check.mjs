// trace-viewer-check.mjs - loads a glrt Chrome JSON trace headless in a real
// viewer's importer and compares what it built with what the file holds.
//
// The importer: Chrome DevTools' performance panel trace engine, as published
// on npm (@paulirish/trace_engine; scripts/trace-viewer-check.sh installs it).
// Perfetto's trace processor is not published on npm, catapult's importer
// neither. DevTools reads a trace that is not Chrome's own as a "generic"
// trace: one process per pid, one thread per tid, its X and B/E events as
// the thread's entries. This prints, per track, the slices in the file and
// the entries DevTools built, the engine's warnings, and fails (exit 1) if
// the engine threw, warned, or built a different number of entries on any
// track. Flows: DevTools binds a flow's end to an event with the very same
// ts, pid, tid and cat (stricter than Perfetto and chrome://tracing, which
// bind it to the enclosing slice), so it draws none of glrt's wake-up
// arrows; they are counted, not checked.
//
// usage: node trace-viewer-check.mjs ENGINE_DIR TRACE.json
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

const [engineDir, file] = process.argv.slice(2);
if (!engineDir || !file) {
  console.error('usage: node trace-viewer-check.mjs ENGINE_DIR TRACE.json');
  process.exit(2);
}
const mod = pathToFileURL(path.join(engineDir, 'node_modules/@paulirish/trace_engine/analyze-trace.mjs')).href;
const {analyzeEvents} = await import(mod);
const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
const events = doc.traceEvents ?? doc;
const want = new Map(); // "pid/tid" -> slices (X, or B of a B/E pair)
let flows = 0;
for (const e of events) {
  if (e.ph === 'X' || e.ph === 'B') {
    const k = `${e.pid}/${e.tid}`;
    want.set(k, (want.get(k) ?? 0) + 1);
  }
  if (e.ph === 's') flows++;
}
// Per track, B/E must nest (checked here, as the format requires).
const stacks = new Map();
let unbalanced = 0;
for (const e of [...events].filter(e => e.ph === 'B' || e.ph === 'E').sort((a, b) => a.ts - b.ts)) {
  const k = `${e.pid}/${e.tid}`;
  const st = stacks.get(k) ?? [];
  stacks.set(k, st);
  if (e.ph === 'B') st.push(e.name);
  else if (st.pop() !== e.name) unbalanced++;
}
// The engine's own complaints (console.error). One is not about the file:
// DevTools matches every B/E pair of the trace on ONE stack
// (RendererHandler's makeCompleteEvent), whatever their thread, so two
// tracks' slices that end at the same moment (the Ms' open slices, closed
// at exit) read as "Begin/End events mismatch"; counted, not failed.
const engineErrors = [];
const origError = console.error;
console.error = (...a) => engineErrors.push(a.join(' '));
let parsed;
try {
  ({parsedTrace: parsed} = await analyzeEvents(events));
} catch (err) {
  console.log(`viewer: FAIL: the engine threw: ${err && err.stack || err}`);
  process.exit(1);
}
console.error = origError;
const d = parsed.data;
const got = new Map();
const names = new Map();
for (const [pid, p] of d.Renderer.processes) {
  for (const [tid, t] of p.threads) {
    got.set(`${pid}/${tid}`, t.entries?.length ?? 0);
    names.set(`${pid}/${tid}`, t.name ?? '');
  }
}
let bad = 0;
const keys = [...new Set([...want.keys(), ...got.keys()])].sort();
console.log(`viewer: ${events.length} records, generic trace: ${d.Meta.traceIsGeneric}, ` +
            `bounds ${(d.Meta.traceBounds.range / 1000).toFixed(3)} ms`);
for (const k of keys) {
  const w = want.get(k) ?? 0, g = got.get(k) ?? 0;
  if (w !== g) bad++;
  console.log(`viewer: track ${k} ${names.get(k) ?? ''}: ${w} slices in the file, ${g} entries built${w !== g ? '  MISMATCH' : ''}`);
}
const warnings = [...(parsed.warnings?.perWarning ?? new Map()).entries()];
for (const [w, evs] of warnings) console.log(`viewer: warning ${w}: ${evs.length} events`);
console.log(`viewer: wake-up flows in the file: ${flows}, drawn by DevTools: ${d.Flows.flows.length}`);
const mism = engineErrors.filter(m => m.startsWith('Begin/End events mismatch')).length;
const other = engineErrors.filter(m => !m.startsWith('Begin/End events mismatch'));
console.log(`viewer: B/E pairs unbalanced within a track: ${unbalanced}; the engine's cross-track B/E mismatch messages: ${mism}`);
for (const m of other) console.log(`viewer: engine error: ${m}`);
if (bad || warnings.length || unbalanced || other.length) {
  console.log(`viewer: FAIL (${bad} tracks differ, ${warnings.length} warnings, ${unbalanced} unbalanced, ${other.length} engine errors)`);
  process.exit(1);
}
console.log('viewer: OK');
