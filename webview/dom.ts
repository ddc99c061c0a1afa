// DOM helpers that only ever set text with textContent: model names never reach innerHTML here.
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string | null | undefined)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

export const icon = (name: string): HTMLElement => h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });

export function clear(e: Element): void {
  while (e.firstChild) e.removeChild(e.firstChild);
}

/** How long afterFirstFrame waits for the paint entry before it runs `f` anyway (a panel opened hidden paints later). */
const FIRST_PAINT_WAIT_MS = 1000;

/**
 * Runs `f` once the page's first frame is on screen: its `first-paint` entry, which Chromium writes
 * when the frame was presented. VS Code shows a webview at its load event; work queued for a task
 * after the load or after a frame callback still ran before that frame was presented on a busy
 * machine (the editor bench), so it waits for the paint itself.
 */
export function afterFirstFrame(f: () => void): void {
  let done = false;
  const run = (): void => {
    if (done) return;
    done = true;
    observer?.disconnect();
    setTimeout(f, 0);
  };
  let observer: PerformanceObserver | undefined;
  try {
    observer = new PerformanceObserver((list) => { if (list.getEntries().length) run(); });
    observer.observe({ type: 'paint', buffered: true });
  } catch {
    // No paint timing: the load event and a frame stand in for it.
    window.addEventListener('load', () => requestAnimationFrame(run), { once: true });
  }
  setTimeout(run, FIRST_PAINT_WAIT_MS);
}
