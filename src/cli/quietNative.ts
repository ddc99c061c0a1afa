// A quiet stderr for the commands that load native engines (profile, machine). Dawn (ONNX Runtime's
// WebGPU provider) and the Vulkan loader write straight to file descriptor 2 from C++ while the
// backend chain looks for an adapter ("error: XDG_RUNTIME_DIR is invalid or not set", "Warning:
// Vulkan shaderUniform*ArrayDynamicIndexing required" with Dawn's source lines), and tfjs prints
// its "Hi, looks like you are running TensorFlow.js in Node.js" banner. Node cannot redirect its
// own descriptor 2, so without --verbose the CLI runs such a command in a child process with stderr
// piped and passes on every line but that noise: errors, warnings of NetLens's own and progress go
// through as they come, the exit status is the child's. With --verbose it runs in-process and
// everything is printed.
import { spawn } from 'node:child_process';

/** Commands that load ONNX Runtime or tfjs. */
export const NATIVE_COMMANDS = new Set(['profile', 'machine']);

/** Set in the child so it does not spawn again; NETLENS_STDERR_TTY says the parent's stderr is a terminal (progress). */
const CHILD_ENV = 'NETLENS_CLI_QUIET_CHILD';
const TTY_ENV = 'NETLENS_STDERR_TTY';

/** Lines native libraries and tfjs print on a run that succeeded. */
const NOISE: RegExp[] = [
  /^error: XDG_RUNTIME_DIR is invalid or not set/i,
  /^(Warning|Error): .*\b(Vulkan|adapter|Dawn|WebGPU)\b/i,
  /Couldn't load Vulkan/i,
  /^=+$/,
  /^Hi, looks like you are running TensorFlow\.js in Node\.js/,
  /^[^[]*\[[WI]:onnxruntime:/,
];
/** Lines that continue a dropped native message (Dawn's context and source location). */
const CONTINUATION = /^( - |\s+at \S)/;

/**
 * Splits stderr into lines and drops the noise; what is returned is written on. A partial line that
 * starts with a carriage return (the progress line) goes out at once.
 */
export class StderrFilter {
  private buf = '';
  private inNoise = false;

  push(chunk: string): string {
    this.buf += chunk;
    let out = '';
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      out += this.line(this.buf.slice(0, nl));
      this.buf = this.buf.slice(nl + 1);
    }
    if (this.buf.startsWith('\r')) {
      // Progress rewrites its line; keep only what follows the last carriage return buffered.
      const cr = this.buf.lastIndexOf('\r');
      out += this.buf.slice(0, cr + 1);
      this.buf = this.buf.slice(cr + 1);
      if (this.buf) { out += this.buf; this.buf = ''; }
    }
    return out;
  }

  end(): string {
    const rest = this.buf;
    this.buf = '';
    return rest ? this.line(rest).replace(/\n$/, '') : '';
  }

  private line(l: string): string {
    // A line may open with the progress line's carriage return and erase sequence: kept, so the
    // terminal's progress line is cleared as the child meant.
    const prefix = /^(?:\r|\x1b\[K)*/.exec(l)![0];
    const text = l.slice(prefix.length);
    if (this.inNoise && CONTINUATION.test(text)) return prefix;
    this.inNoise = false;
    if (text.trim() === '') return prefix;
    if (NOISE.some((re) => re.test(text))) {
      this.inNoise = true;
      return prefix;
    }
    return `${l}\n`;
  }
}

/** Whether to run argv in a quiet child: a native command, no --verbose, not already the child. */
export function wantsQuietChild(argv: string[], env: NodeJS.ProcessEnv = process.env): boolean {
  return NATIVE_COMMANDS.has(argv[0] ?? '') && !argv.includes('--verbose') && env[CHILD_ENV] !== '1';
}

/** In the child: progress goes to the parent's terminal, so the child writes it as to one. */
export function adoptParentTty(): void {
  if (process.env[CHILD_ENV] === '1' && process.env[TTY_ENV] === '1' && !process.stderr.isTTY) {
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
  }
}

/** Runs this CLI (script) again with argv, stderr filtered; resolves to its exit status. */
export function runQuietChild(script: string, argv: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
      stdio: ['inherit', 'inherit', 'pipe'],
      env: { ...process.env, [CHILD_ENV]: '1', [TTY_ENV]: process.stderr.isTTY ? '1' : '0' },
    });
    const filter = new StderrFilter();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => { const t = filter.push(d); if (t) process.stderr.write(t); });
    child.on('error', (e) => { process.stderr.write(`netlens: could not start: ${e.message}\n`); resolve(2); });
    child.on('close', (code, signal) => {
      const t = filter.end();
      if (t) process.stderr.write(`${t}\n`);
      resolve(code ?? (signal ? 128 + 2 : 1));
    });
    // Ctrl+C reaches the child through the terminal; the parent waits for it to end.
    process.on('SIGINT', () => undefined);
  });
}
