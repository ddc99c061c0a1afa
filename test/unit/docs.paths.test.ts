// The docs stay true about where things are: every repository path README.md, BENCHMARKS.md and
// docs/*.md name (Markdown links and `code` spans that start with a top-level folder) exists, and
// so does every test file a source comment names.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const FOLDERS = ['src', 'test', 'docs', 'bench', 'tools', 'scripts', 'webview', 'media', 'dist'];

/** Paths a document names: relative link targets, and code spans that start with a top-level folder. */
function namedPaths(text: string): { path: string; link: boolean }[] {
  const out: { path: string; link: boolean }[] = [];
  for (const m of text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)) {
    if (!/^[a-z]+:/i.test(m[1])) out.push({ path: m[1], link: true });
  }
  for (const m of text.matchAll(/`([^`\s]+)`/g)) {
    const p = m[1].replace(/[.,:;)]+$/, '');
    // Only plain paths: no globs, placeholders, options or line numbers.
    if (FOLDERS.some((f) => p.startsWith(`${f}/`)) && !/[*<>{}$|]/.test(p) && !/:\d/.test(p)) out.push({ path: p, link: false });
  }
  return out;
}

describe('docs: every path they name exists', () => {
  const docs = ['README.md', 'BENCHMARKS.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
  for (const doc of docs) {
    it(doc, () => {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      const missing = namedPaths(text).filter(({ path, link }) => {
        // dist/ is built: its files are named as the build writes them, checked only when built.
        if (path.startsWith('dist/')) return false;
        const from = link ? join(ROOT, dirname(doc)) : ROOT;
        return !existsSync(join(from, path));
      }).map((p) => p.path);
      assert.deepEqual([...new Set(missing)], [], `${doc} names paths that do not exist`);
    });
  }
});

describe('source comments: every test file they name exists', () => {
  it('src/ and webview/', () => {
    const missing: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const rel = join(dir, e.name);
        if (e.isDirectory()) walk(rel);
        else if (e.name.endsWith('.ts')) {
          for (const m of readFileSync(join(ROOT, rel), 'utf8').matchAll(/\b(test\/[A-Za-z0-9_./-]+\.test\.ts)\b/g)) {
            if (!existsSync(join(ROOT, m[1]))) missing.push(`${rel}: ${m[1]}`);
          }
        }
      }
    };
    walk('src');
    walk('webview');
    assert.deepEqual(missing, []);
  });
});
