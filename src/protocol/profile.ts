// Messages from the profile results page (webview/pages/profilePage.ts) to the host
// (src/host/profilePanel.ts): export the result in a format, draw it over the graph, or choose the
// image preprocessing again and re-profile (model files only). The host
// validates each before use and drops anything else.

export type ProfileExportFormat = 'json' | 'csv' | 'md';
export const PROFILE_EXPORT_FORMATS: readonly ProfileExportFormat[] = ['json', 'csv', 'md'];

export type ProfilePageMessage =
  | { type: 'export'; format: ProfileExportFormat }
  | { type: 'overlay' }
  | { type: 'preprocessing' }
  // Roofline (issue 21): select a layer on the graph (a chart dot, a "where the time goes" row), show
  // another run of the session, or compare the shown run with another (per-layer deltas, diff colours).
  | { type: 'select'; layer: string }
  | { type: 'showRun'; run: number }
  | { type: 'compareRun'; run: number };

export function parseProfilePageMessage(raw: unknown): ProfilePageMessage | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const m = raw as Record<string, unknown>;
  if (m.type === 'overlay') return { type: 'overlay' };
  if (m.type === 'preprocessing') return { type: 'preprocessing' };
  if (m.type === 'select' && typeof m.layer === 'string' && m.layer.length > 0 && m.layer.length <= 1000) return { type: 'select', layer: m.layer };
  if ((m.type === 'showRun' || m.type === 'compareRun') && typeof m.run === 'number' && Number.isInteger(m.run) && m.run >= 0 && m.run < 1000) return { type: m.type, run: m.run };
  if (m.type === 'export' && PROFILE_EXPORT_FORMATS.includes(m.format as ProfileExportFormat)) return { type: 'export', format: m.format as ProfileExportFormat };
  return null;
}
