// Messages between the Compare page (webview/pages/comparePage.ts) and the host
// (src/host/comparePanel.ts). The host trusts nothing the page posts: each message is validated
// field by field and anything else is dropped; the page checks the host's updates the same way.
import type { Optimizer } from '../core/analysis/analyze';
import type { CompareState } from '../core/compare/presets';

/** The page's messages to the host. */
export type CompareMessage =
  | { type: 'openGraphs' }
  | { type: 'revealStage'; stage: string }
  | { type: 'budget'; text: string }
  | { type: 'optimizer'; optimizer: Optimizer }
  | { type: 'batch'; batch: number };

/** The host's message to the page: markup it rebuilt (escaped there) and the budget's error line. */
export interface CompareUpdate {
  type: 'update';
  totals?: string;
  memory?: string;
  /** '' clears the error. */
  budgetError?: string;
}

export const MAX_COMPARE_BATCH = 4096;
export const MAX_BUDGET_TEXT = 64;

export const validCompareBatch = (b: unknown): b is number => typeof b === 'number' && Number.isInteger(b) && b >= 1 && b <= MAX_COMPARE_BATCH;

/** Returns the message if it is well formed (and names a known stage), else null. */
export function validateCompareMessage(raw: unknown, stages: readonly string[]): CompareMessage | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'openGraphs':
      return { type: 'openGraphs' };
    case 'revealStage':
      return typeof m.stage === 'string' && stages.includes(m.stage) ? { type: 'revealStage', stage: m.stage } : null;
    case 'budget':
      return typeof m.text === 'string' && m.text.length <= MAX_BUDGET_TEXT ? { type: 'budget', text: m.text } : null;
    case 'optimizer':
      return m.optimizer === 'sgd' || m.optimizer === 'momentum' || m.optimizer === 'adam' ? { type: 'optimizer', optimizer: m.optimizer } : null;
    case 'batch':
      return validCompareBatch(m.batch) ? { type: 'batch', batch: m.batch } : null;
    default:
      return null;
  }
}

/** The page's check of a host message: an update whose fields are strings, else null. */
export function parseCompareUpdate(raw: unknown): CompareUpdate | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const m = raw as Record<string, unknown>;
  if (m.type !== 'update') return null;
  const opt = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';
  return opt(m.totals) && opt(m.memory) && opt(m.budgetError) ? { type: 'update', totals: m.totals, memory: m.memory, budgetError: m.budgetError } : null;
}

// The page's webview state (the comparison asked for) is CompareState in src/core/compare/presets.ts;
// the host re-checks it on restore.
export type { CompareState } from '../core/compare/presets';

const MAX_MODELS = 16;

export function parseCompareState(raw: unknown): CompareState | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const r = (raw as { request?: unknown }).request;
  if (!r || typeof r !== 'object' || Array.isArray(r)) return null;
  const { title, story, models } = r as Record<string, unknown>;
  if (typeof title !== 'string' || title.length > 400 || (story !== undefined && (typeof story !== 'string' || story.length > 4000))) return null;
  if (!Array.isArray(models) || models.length < 2 || models.length > MAX_MODELS || !models.every((m) => typeof m === 'string' && m.length <= 200)) return null;
  return { request: { title, ...(story !== undefined ? { story } : {}), models: models as string[] } };
}
