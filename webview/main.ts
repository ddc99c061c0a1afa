// Webview entry. Two hosts: VS Code (acquireVsCodeApi; the view graph and its layouts come from
// the host, which analyses and lays out: served inside the page when the first view's layout was
// at hand, else by message after 'ready') and a standalone exported file (the view graph, its
// first layout and elkjs' worker inlined in the page).
import { ModelMessage, parseHostMessage, StandaloneData } from '../src/protocol/graph';
import { App, Host, Probe } from './app';
import { LayoutClient, WorkerSource } from './layoutClient';
import { afterFirstFrame } from './dom';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void };

const probe: Probe = { layouts: 0, renders: 0 };
(window as unknown as { __netlens: Probe }).__netlens = probe;

function start(): void {
  performance.mark('nl-start');
  const root = document.getElementById('app');
  if (!root) return;
  const dataEl = document.getElementById('netlens-data');
  if (dataEl) {
    // Standalone file: everything is in the page.
    const data = JSON.parse(dataEl.textContent ?? '{}') as StandaloneData;
    const worker: WorkerSource = { base64: document.getElementById('netlens-worker-src')?.textContent ?? '' };
    let state: unknown;
    const host: Host = { mode: 'standalone', post: () => undefined, getState: () => state, setState: (s) => { state = s; } };
    const layouts = new LayoutClient({ worker });
    layouts.onComputed = () => { probe.layouts++; };
    const app = new App(root, host, layouts, probe);
    app.load({ type: 'model', modelArg: data.graph.model, graph: data.graph, collapsed: data.collapsed, settings: data.settings, layouts: data.layouts, canProfile: false, profile: null })
      // Drawn: warm elkjs in the worker for the first collapse.
      .then(() => setTimeout(() => layouts.warm(data.graph, new Set(data.collapsed)), 500))
      .catch((e) => app.showError(String((e as Error).message ?? e)));
    return;
  }
  const vscode = acquireVsCodeApi();
  const host: Host = { mode: 'vscode', post: (m) => vscode.postMessage(m), getState: () => vscode.getState(), setState: (s) => vscode.setState(s) };
  // The extension host lays out (warm, off its main thread); the page only asks.
  const layouts = new LayoutClient({ host: (collapsed) => { probe.layouts++; host.post({ type: 'layoutRequest', collapsed }); } });
  const app = new App(root, host, layouts, probe);
  performance.mark('nl-app');
  // A 'select' sent while the model loads (a graph just opened by Compare's stage click) waits for
  // the first layout, or the initial fit would undo its centring.
  let loaded: Promise<unknown> = Promise.resolve();
  const load = (m: ModelMessage): void => { loaded = app.load(m).catch((e) => app.showError(String((e as Error).message ?? e))); };
  window.addEventListener('message', (ev: MessageEvent) => {
    const m = parseHostMessage(ev.data);
    if (!m) return;
    switch (m.type) {
      case 'model':
        load(m);
        break;
      case 'graph':
        void loaded.then(() => app.setGraph(m.graph));
        break;
      case 'layout':
        layouts.receive(m.layout);
        break;
      case 'layoutError':
        layouts.fail(m.key, m.message);
        break;
      case 'select':
        void loaded.then(() => app.selectLayer(m.name, { reveal: true, center: true, details: false, notify: false }));
        break;
      case 'profile':
        app.setProfile(m.result);
        break;
    }
  });
  // The host serves the model message inside the page when the first view's layout was at hand.
  const served = parseHostMessage(readJson(document.getElementById('netlens-model')));
  if (served?.type === 'model') load(served);
  host.post({ type: 'ready', embedded: served?.type === 'model' });
}

function readJson(el: HTMLElement | null): unknown {
  try {
    return el ? JSON.parse(el.textContent ?? '') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Switches the icon stylesheet on once the page has loaded and its first frame is painted
 * (src/core/graph/html.ts, ICONS_LATER): the icons' style pass and font come after the graph.
 */
function showIconsAfterLoad(): void {
  afterFirstFrame(() => { const s = document.getElementById('nl-codicons') as HTMLStyleElement | null; if (s) s.media = 'all'; });
}

showIconsAfterLoad();
start();
