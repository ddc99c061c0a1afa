// `netlens`: the CLI on the same core as the extension. Errors a user can act on print one line
// to stderr and exit 1 (3: printed, but some layers were unsupported); anything else is a bug
// and keeps its stack.
import { IncompleteAnalysis, NetLensError } from './core/ir/types';
import { lookup } from './core/safeLookup';
import { listCommand } from './cli/list';
import { summaryCommand } from './cli/summary';
import { demoCommand } from './cli/demo';
import { graphCommand } from './cli/graph';
import { compareCommand } from './cli/compare';
import { memoryCommand } from './cli/memory';
import { backendUsage } from './core/profile/registry';
import { OPTIMIZATION_LEVELS } from './core/engines/ort/session';
import { writeErr, writeOut } from './cli/output';
import { printable } from './core/text/format';
import { adoptParentTty, runQuietChild, wantsQuietChild } from './cli/quietNative';

const USAGE = `usage:
  netlens list [--json]
  netlens summary <zoo-name | path> [--input HxWxC] [--dim name=N ...] [--batch N] [--optimizer sgd|momentum|adam] [--json]
  netlens graph   <zoo-name | path> --out <file.svg | file.html | file.json>
  netlens profile <zoo-name | path> [--image <file> | --input random] [--dim name=N ...] [--backend ${backendUsage()}] [--optimization ${OPTIMIZATION_LEVELS.join('|')}] [--threads N] [--runs N] [--warmup N]
                  [--preprocessing caffe|tf|torch|grayscale01|none] [--gpu-layout auto|nhwc|nchw] [--batch N] [--json] [--out x.json|x.csv|x.md|x.html] [--compare-to earlier.json]
  netlens compare <model> <model> [...] [--preset id] [--batch N] [--json]
  netlens memory  <zoo-name | path> [--budget 8GiB] [--optimizer sgd|momentum|adam] [--json]
  netlens machine [--threads N] [--refresh] [--json]   (peak GFLOP/s and memory bandwidth, cached)
  netlens demo    (what \`npm start\` runs)`;

type Command = (argv: string[]) => void | Promise<void>;

/** One entry per command; each lives in src/cli/<name>.ts. The engines' commands load on use, so
 * the others (summary, graph, ...) never load tfjs or ONNX Runtime. */
export const COMMANDS: Record<string, Command> = {
  list: listCommand,
  summary: summaryCommand,
  demo: demoCommand,
  graph: graphCommand,
  profile: async (argv) => (await import('./cli/profile')).profileCommand(argv),
  compare: compareCommand,
  memory: memoryCommand,
  machine: async (argv) => (await import('./cli/machine')).machineCommand(argv),
};

export async function main(argv: string[]): Promise<number> {
  // --verbose: native engines' and tfjs' own messages on stderr (cli/quietNative.ts); no command reads it.
  const [cmd, ...rest] = argv.filter((a) => a !== '--verbose');
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    writeOut(`${USAGE}\n`);
    return cmd ? 0 : 1;
  }
  const run = lookup(COMMANDS, cmd);
  if (!run) {
    writeErr(`netlens: unknown command "${printable(cmd)}"; commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 1;
  }
  try {
    await run(rest);
    return 0;
  } catch (e) {
    if (e instanceof NetLensError) {
      writeErr(`netlens: ${e.message}\n`);
      return e instanceof IncompleteAnalysis ? e.exitCode : 1;
    }
    throw e;
  }
}

if (require.main === module) {
  adoptParentTty();
  const argv = process.argv.slice(2);
  (wantsQuietChild(argv) ? runQuietChild(__filename, argv) : main(argv)).then((code) => { process.exitCode = code; }, (e) => {
    writeErr(`netlens: internal error: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 2;
  });
}
