// The one child-process client (src/process/childClient.ts) that the profiler and the model process
// are driven through, against small stand-in children: an answer routed to its request, a crash,
// running out of a tiny heap, an exit in the middle of a request, a cancel confirmed or enforced, a
// silent child, and a malformed message dropped rather than trusted.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CallEnd, ChildClient } from '../../src/process/childClient';
import { describeExit } from '../../src/process/exitReason';
import { NetLensError } from '../../src/core/ir/types';
import { removeDir, tempDir } from '../fixtures/writers';

type Out = { type: 'work'; id: number; what: string } | { type: 'cancel'; id: number };
type In = { type: 'progress'; id: number; n: number } | { type: 'done'; id: number; value: number } | { type: 'cancelled'; id: number } | { type: 'hello' };

/** The stand-ins' protocol, parsed on receipt like the real ones: a number where a number belongs. */
function parse(raw: unknown): In | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  if (m.type === 'hello') return { type: 'hello' };
  if (typeof m.id !== 'number') return null;
  if (m.type === 'progress' && typeof m.n === 'number') return { type: 'progress', id: m.id, n: m.n };
  if (m.type === 'done' && typeof m.value === 'number') return { type: 'done', id: m.id, value: m.value };
  if (m.type === 'cancelled') return { type: 'cancelled', id: m.id };
  return null;
}

/** One stand-in child: on a 'work' request it does what the request names. */
const CHILD = `
const send = (m) => process.send(m);
let held = [];
process.on('message', (m) => {
  if (m.type === 'cancel') { if (process.env.CONFIRM_CANCEL) send({ type: 'cancelled', id: m.id }); return; }
  switch (m.what) {
    case 'answer': send({ type: 'progress', id: m.id, n: 1 }); send({ type: 'done', id: m.id, value: 42 }); break;
    case 'crash': process.stderr.write('something broke\\n'); process.exit(3);
    case 'oom': for (;;) held.push(new Array(100000).fill({ x: held.length }));
    case 'halfway': send({ type: 'progress', id: m.id, n: 1 }); setTimeout(() => process.exit(0), 50); break;
    case 'malformed': send({ type: 'progress', id: m.id, n: 'one' }); send({ type: 'progress', id: m.id, n: 2 }); send({ type: 'done', id: m.id, value: 'forty-two' }); break;
    case 'stranger': send({ type: 'done', id: 999, value: 1 }); send({ type: 'done', id: m.id, value: 7 }); break;
    case 'busy': setInterval(() => {}, 1000); break;
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'hello' });
`;

describe('process: the one child-process client', function () {
  this.timeout(60_000);
  let dir: string;
  let script: string;
  const clients: ChildClient<Out, In>[] = [];
  const warnings: string[] = [];
  const warn = console.warn;

  before(() => {
    dir = tempDir('netlens-child-');
    script = join(dir, 'child.js');
    writeFileSync(script, CHILD);
    console.warn = (...a: unknown[]) => { warnings.push(a.join(' ')); };
  });
  after(() => {
    console.warn = warn;
    for (const c of clients) c.stop();
    removeDir(dir);
  });

  function client(o: { heapMb?: number; env?: Record<string, string>; others?: In[] } = {}): ChildClient<Out, In> {
    const c = new ChildClient<Out, In>({
      script, name: 'the test process', heapMb: () => o.heapMb ?? 256, env: o.env, parse, partial: ['progress'],
      onOther: (m) => o.others?.push(m),
    });
    clients.push(c);
    return c;
  }

  /** Sends one request; resolves with the messages it got and how it ended. */
  function run(c: ChildClient<Out, In>, what: string, silenceMs?: number): { id: number; done: Promise<{ messages: In[]; end?: CallEnd }> } {
    const messages: In[] = [];
    let id = 0;
    const done = new Promise<{ messages: In[]; end?: CallEnd }>((resolve) => {
      id = c.call((id) => ({ type: 'work', id, what }), {
        silenceMs,
        message: (m) => { messages.push(m); if (m.type === 'progress') return false; resolve({ messages }); return true; },
        failed: (end) => resolve({ messages, end }),
      });
    });
    return { id, done };
  }

  it('routes each answer to its request; messages for no request go to onOther', async () => {
    const others: In[] = [];
    const c = client({ others });
    const [a, b] = [run(c, 'answer'), run(c, 'stranger')];
    assert.deepEqual(await a.done, { messages: [{ type: 'progress', id: a.id, n: 1 }, { type: 'done', id: a.id, value: 42 }] });
    assert.deepEqual(await b.done, { messages: [{ type: 'done', id: b.id, value: 7 }] });
    assert.deepEqual(others.map((m) => m.type).sort(), ['done', 'hello']);
    assert.equal(c.busy, 0);
    assert.equal(c.starts, 1);
  });

  it('a child that crashes ends its request with its exit code and last stderr line; the next request starts a fresh process', async () => {
    const c = client();
    const { done } = run(c, 'crash');
    assert.deepEqual((await done).end, { kind: 'exit', why: 'the test process exited with code 3: something broke' });
    assert.equal(c.running, false);
    assert.equal((await run(c, 'answer').done).end, undefined);
    assert.equal(c.starts, 2);
  });

  it('a child over its (tiny) heap cap is told as out of memory', async () => {
    const c = client({ heapMb: 16 });
    const { end } = await run(c, 'oom').done;
    assert.deepEqual(end, { kind: 'exit', why: 'the test process ran out of memory (limit 16 MiB)' });
  });

  it('a child that exits in the middle of a request ends it after the progress it sent', async () => {
    const c = client();
    const { messages, end } = await run(c, 'halfway').done;
    assert.deepEqual(messages.map((m) => m.type), ['progress']);
    assert.deepEqual(end, { kind: 'exit', why: 'the test process exited with code 0' });
  });

  it('a malformed progress is dropped and the request goes on; a malformed answer ends its request, never trusted', async () => {
    const c = client();
    warnings.length = 0;
    const r = run(c, 'malformed');
    const { messages, end } = await r.done;
    assert.deepEqual(messages, [{ type: 'progress', id: r.id, n: 2 }]);
    assert.deepEqual(end, { kind: 'malformed', type: 'done' });
    assert.deepEqual(warnings, ['netlens: dropped a malformed "progress" message from the test process', 'netlens: dropped a malformed "done" message from the test process']);
    assert.ok(c.running, 'the process stays up');
  });

  it('a cancel the child confirms ends the request with its answer; one it ignores stops the process after the grace period', async () => {
    const polite = client({ env: { CONFIRM_CANCEL: '1' } });
    const p = run(polite, 'busy');
    polite.cancel(p.id, { type: 'cancel', id: p.id }, 5000);
    assert.deepEqual((await p.done).messages, [{ type: 'cancelled', id: p.id }]);
    assert.ok(polite.running);

    const stubborn = client();
    const s = run(stubborn, 'busy');
    const at = Date.now();
    stubborn.cancel(s.id, { type: 'cancel', id: s.id }, 200);
    assert.deepEqual((await s.done).end, { kind: 'cancelled' });
    assert.ok(Date.now() - at < 3000);
    assert.equal(stubborn.running, false);
  });

  it('a request that hears nothing for its silence limit stops the process; the others it held end with the kill', async () => {
    const c = client();
    const quiet = run(c, 'busy', 300);
    const other = run(c, 'busy');
    assert.deepEqual((await quiet.done).end, { kind: 'silent', ms: 300 });
    assert.deepEqual((await other.done).end, { kind: 'exit', why: 'the test process was killed by SIGKILL' });
    // A request sent right after starts a fresh process, not the dying one.
    assert.equal((await run(c, 'answer').done).end, undefined);
    assert.equal(c.starts, 2);
  });

  it('a missing script is one NetLensError; stop() ends what is pending with the caller\'s words', async () => {
    const missing = new ChildClient<Out, In>({ script: join(dir, 'nope.js'), name: 'the test process', heapMb: () => 64, parse });
    assert.throws(() => missing.call((id) => ({ type: 'work', id, what: 'answer' }), { message: () => true, failed: () => undefined }),
      (e: unknown) => e instanceof NetLensError && /the test process is not built/.test(e.message));
    const c = client();
    const p = run(c, 'busy');
    c.stop('closed by the test');
    assert.deepEqual((await p.done).end, { kind: 'exit', why: 'closed by the test' });
  });

  it('exit text: out of memory wins over the signal, then the signal, then the code with the last stderr line', () => {
    const base = { heapMb: 64, code: null, signal: null, stderrTail: '' } as const;
    assert.equal(describeExit({ ...base, signal: 'SIGABRT', stderrTail: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory' }), 'ran out of memory (limit 64 MiB)');
    assert.equal(describeExit({ ...base, stderrTail: 'RangeError: WebAssembly.Memory(): could not allocate memory' }), 'ran out of memory (limit 64 MiB)');
    assert.equal(describeExit({ ...base, signal: 'SIGKILL' }), 'was killed by SIGKILL');
    assert.equal(describeExit({ ...base, code: 1, stderrTail: 'first\nlast line\n' }), 'exited with code 1: last line');
  });
});
