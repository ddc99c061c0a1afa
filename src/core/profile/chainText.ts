// The backend chain as the output channel prints it (the extension host imports this; it loads no engine).
import type { BackendStep } from './result';

/**
 * One line per backend tried, and under a refused one what would add it (its hint: install
 * commands). The results page and the CLI show the one line only (issue 22).
 */
export function chainWithHints(steps: BackendStep[]): string[] {
  return steps.flatMap((s) => [`  ${s.ok ? 'ok' : 'no'} ${s.backend}: ${s.detail}`, ...(!s.ok && s.hint ? [`       to add it: ${s.hint}`] : [])]);
}
