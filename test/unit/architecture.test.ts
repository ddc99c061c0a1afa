// Imports only point down (README "Layout"): every .ts file under src/ and webview/ is read, its
// imports parsed by TypeScript's scanner (`import`, `import type`, `export ... from`, `import()`,
// `require()`; not comments or strings), and the graph checked for (a) cycles, type-only and lazy
// imports included (Tarjan's strongly connected components), and (b) the layer rules below.
// No dependency beyond the compiler the build already uses.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..', '..');

/** The processes and the editor side: nothing below them imports them. */
const HOST = ['src/host/', 'src/process/', 'src/cli/', 'src/cli.ts', 'src/extension.ts'];

/**
 * The layers, top to bottom: host/process/cli and webview (side by side) -> protocol -> core; in
 * core, report/ above the rest and text/ under all. A file under a `from` prefix (and under no
 * `except` one) imports no module under a `forbid` prefix unless it is under an `allow` one
 * ('vscode' is the editor's module; other bare names are packages, not checked).
 */
interface Rule { from: string[]; except?: string[]; forbid: string[]; allow?: string[]; why: string }
const RULES: Rule[] = [
  { from: ['src/core/'], forbid: [...HOST, 'src/protocol/', 'webview/', 'vscode'], why: 'core runs in Node and in the browser, under every process' },
  { from: ['src/protocol/'], forbid: [...HOST, 'webview/', 'vscode'], why: 'the messages are shared by the host, the processes and the pages' },
  { from: ['webview/'], forbid: [...HOST, 'vscode'], why: 'browser code talks to the host only through messages' },
  { from: HOST, forbid: ['webview/'], why: 'the pages are bundled for the browser; the host only sends them messages' },
  { from: ['src/core/'], except: ['src/core/report/'], forbid: ['src/core/report/'], why: 'report/ writes pages and tables from the rest of core' },
  { from: ['src/core/text/'], forbid: ['src/', 'webview/'], allow: ['src/core/text/'], why: 'text and number formatting sits under every layer' },
];

/** Imports a rule forbids that stay, each with its reason ('from -> to', exact files). */
const EXCEPTIONS: Record<string, string> = {};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** A relative specifier as the repository path of the file it names, or undefined when none. */
function resolve(from: string, spec: string): string | undefined {
  const base = join(ROOT, dirname(from), spec);
  for (const p of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(p) && statSync(p).isFile()) return relative(ROOT, p).split(sep).join('/');
  }
  return undefined;
}

/** Every module a file imports: relative ones resolved to files, bare ones as written. */
function importsOf(file: string): { relative: Set<string>; bare: Set<string>; unresolved: string[] } {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
  const rel = new Set<string>();
  const bare = new Set<string>();
  const unresolved: string[] = [];
  for (const { fileName } of info.importedFiles) {
    if (!fileName.startsWith('.')) { bare.add(fileName); continue; }
    const to = resolve(file, fileName);
    if (!to) { if (!/\.(css|json|svg|html|wasm)$/.test(fileName)) unresolved.push(fileName); continue; }
    if (to.endsWith('.ts')) rel.add(to);
  }
  return { relative: rel, bare, unresolved };
}

/** Tarjan's strongly connected components with more than one file (or a file importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

/** One shortest cycle through the first file of a component, for the failure message: "a -> b -> a". */
function shortestCycle(graph: Map<string, string[]>, scc: string[]): string {
  const inside = new Set(scc);
  const start = scc[0];
  const prev = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const w of graph.get(queue[i]) ?? []) {
      if (w === start) {
        const path = [start];
        for (let v: string | undefined = queue[i]; v !== undefined && v !== start; v = prev.get(v)) path.splice(1, 0, v);
        return [...path, start].join(' -> ');
      }
      if (inside.has(w) && !prev.has(w)) { prev.set(w, queue[i]); queue.push(w); }
    }
  }
  return start;
}

describe('architecture: imports only point down', () => {
  const files = [...sourceFiles('src'), ...sourceFiles('webview')].sort();
  const parsed = new Map(files.map((f) => [f, importsOf(f)]));
  const graph = new Map(files.map((f) => [f, [...parsed.get(f)!.relative].sort()]));

  it('reads the tree (sanity: files, edges, every relative import resolves)', () => {
    assert.ok(files.length > 100, `only ${files.length} files under src/ and webview/`);
    assert.ok([...graph.values()].reduce((n, e) => n + e.length, 0) > files.length);
    assert.ok(graph.get('webview/main.ts')?.includes('webview/app.ts'), 'webview/main.ts -> webview/app.ts not seen');
    const unresolved = files.flatMap((f) => parsed.get(f)!.unresolved.map((s) => `${f}: ${s}`));
    assert.deepEqual(unresolved, []);
  });

  it('the cycle finder finds a two-file cycle and a self-import, and nothing in a chain', () => {
    const g = new Map([['a', ['b']], ['b', ['a', 'c']], ['c', ['c', 'd']], ['d', []], ['e', ['a']]]);
    assert.deepEqual(cycles(g).map((c) => c.join(' ')).sort(), ['a b', 'c']);
    assert.equal(shortestCycle(g, ['a', 'b']), 'a -> b -> a');
    assert.deepEqual(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', []]])), []);
  });

  it('no import cycles in src/ and webview/ (type-only and lazy imports included)', () => {
    const found = cycles(graph).map((c) => `${c.length} file(s), e.g. ${shortestCycle(graph, c)}: ${c.join(', ')}`);
    assert.deepEqual(found, [], `${found.length} cycle(s):\n  ${found.join('\n  ')}`);
  });

  const under = (t: string, p: string): boolean => (p.endsWith('/') || p.endsWith('.ts') ? t.startsWith(p) : t === p);
  for (const rule of RULES) {
    const who = `${rule.from.join(', ')}${rule.except ? ` (but ${rule.except.join(', ')})` : ''}`;
    it(`${who} imports nothing from ${rule.forbid.join(', ')}${rule.allow ? ` (but ${rule.allow.join(', ')})` : ''}: ${rule.why}`, () => {
      const bad: string[] = [];
      const checked = files.filter((x) => rule.from.some((p) => under(x, p)) && !(rule.except ?? []).some((p) => x.startsWith(p)));
      assert.ok(checked.length > 0, 'the rule matches no file (a folder renamed?)');
      for (const f of checked) {
        const { relative: rel, bare } = parsed.get(f)!;
        for (const t of [...rel, ...bare]) {
          if (rule.forbid.some((p) => under(t, p)) && !(rule.allow ?? []).some((p) => under(t, p)) && !EXCEPTIONS[`${f} -> ${t}`]) bad.push(`${f} -> ${t}`);
        }
      }
      assert.deepEqual(bad, [], `upward imports:\n  ${bad.join('\n  ')}`);
    });
  }

  it('every exception in the table is still needed', () => {
    const stale = Object.keys(EXCEPTIONS).filter((k) => {
      const [from, to] = k.split(' -> ');
      const p = parsed.get(from);
      return !p || !(p.relative.has(to) || p.bare.has(to));
    });
    assert.deepEqual(stale, []);
  });
});
