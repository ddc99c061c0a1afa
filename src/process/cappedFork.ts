// A Node.js child process for heavy or untrusted work (the profiler, the model process): forked as
// plain Node.js even under Electron (the desktop extension host), with a V8 heap cap, stdout
// ignored, and the tail of its stderr kept so that an exit can be explained to the user.
import { ChildProcess, fork } from 'node:child_process';

export interface CappedProcess {
  child: ChildProcess;
  /** The last characters the process wrote to stderr. */
  stderrTail(): string;
}

export function forkCapped(script: string, o: { heapMb: number; tailChars: number; execPath?: string; env?: NodeJS.ProcessEnv }): CappedProcess {
  const child = fork(script, [], {
    ...(o.execPath ? { execPath: o.execPath } : {}),
    execArgv: [`--max-old-space-size=${o.heapMb}`],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...o.env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => { tail = (tail + d).slice(-o.tailChars); });
  return { child, stderrTail: () => tail };
}
