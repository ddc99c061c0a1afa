// The graph page's controls: native <button>, <select> and <input> elements styled with VS Code's
// theme variables (media/graph.css, "Controls"), looking like VS Code's own editor toolbars. No
// component library: @vscode/webview-ui-toolkit's web components cost the page about 110 KB of
// script, their creation and a restyle of the whole page when their design tokens land, all before
// the first paint (BENCHMARKS.md "Editor (real VS Code)"). Callers see only these functions.

export interface ButtonOptions {
  /** Codicon name; an icon-only button when there is no label. */
  icon?: string;
  label?: string;
  title: string;
  id?: string;
  onClick: () => void;
}

const codicon = (name: string): HTMLElement => {
  const i = document.createElement('span');
  i.className = `codicon codicon-${name}`;
  i.setAttribute('aria-hidden', 'true');
  return i;
};

/** An icon button (22 px, as in VS Code's editor toolbars) or, with a label, a secondary button. */
export function button(o: ButtonOptions): HTMLElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = o.label ? 'nl-button nl-button-secondary' : 'nl-button nl-button-icon';
  b.setAttribute('aria-label', o.title);
  b.title = o.title;
  if (o.id) b.id = o.id;
  if (o.icon) b.append(codicon(o.icon));
  if (o.label) b.append(document.createTextNode(o.label));
  b.addEventListener('click', () => o.onClick());
  return b;
}

/** Toggles a button's pressed look (icon buttons) and aria-pressed. */
export function setPressed(b: HTMLElement, on: boolean): void {
  b.setAttribute('aria-pressed', String(on));
  b.classList.toggle('nl-pressed', on);
}

export interface SelectHandle {
  el: HTMLElement;
  value(): string;
  setValue(v: string): void;
  setDisabled(value: string, disabled: boolean): void;
}

export function select(o: { title: string; id?: string; options: { value: string; label: string; disabled?: boolean }[]; value: string; onChange: (v: string) => void }): SelectHandle {
  const d = document.createElement('select');
  d.className = 'nl-select';
  d.title = o.title;
  d.setAttribute('aria-label', o.title);
  if (o.id) d.id = o.id;
  const opts = new Map<string, HTMLOptionElement>();
  for (const opt of o.options) {
    const e = new Option(opt.label, opt.value, false, opt.value === o.value);
    e.disabled = !!opt.disabled;
    opts.set(opt.value, e);
    d.append(e);
  }
  d.addEventListener('change', () => o.onChange(d.value));
  return {
    el: d,
    value: () => d.value,
    setValue: (v) => { d.value = v; },
    setDisabled: (v, disabled) => { const e = opts.get(v); if (e) e.disabled = disabled; },
  };
}

export interface TextFieldHandle {
  el: HTMLElement;
  value(): string;
  setValue(v: string): void;
  focus(): void;
  setInvalid(invalid: boolean): void;
  setDisabled(disabled: boolean, title?: string): void;
}

/**
 * A text input; `el` is the input itself, or with an icon a box holding the icon and the input
 * (the id, label, title and states are always on the input).
 */
export function textField(o: { placeholder: string; title: string; id?: string; value?: string; icon?: string; size?: number; onInput?: (v: string) => void; onChange?: (v: string) => void; onKey?: (e: KeyboardEvent) => void }): TextFieldHandle {
  const t = document.createElement('input');
  t.type = 'text';
  t.className = 'nl-input';
  t.placeholder = o.placeholder;
  t.setAttribute('aria-label', o.title);
  t.title = o.title;
  t.spellcheck = false;
  t.autocomplete = 'off';
  if (o.id) t.id = o.id;
  if (o.size) t.size = o.size;
  if (o.value !== undefined) t.value = o.value;
  let el: HTMLElement = t;
  if (o.icon) {
    el = document.createElement('span');
    el.className = 'nl-input-box';
    el.append(codicon(o.icon), t);
  }
  if (o.onInput) t.addEventListener('input', () => o.onInput!(t.value));
  if (o.onChange) t.addEventListener('change', () => o.onChange!(t.value));
  if (o.onKey) t.addEventListener('keydown', (e) => o.onKey!(e));
  return {
    el,
    value: () => t.value,
    setValue: (v) => { t.value = v; },
    focus: () => t.focus(),
    setInvalid: (bad) => { t.classList.toggle('nl-invalid', bad); t.setAttribute('aria-invalid', String(bad)); },
    setDisabled: (off, title) => { t.disabled = off; t.title = off && title ? title : o.title; },
  };
}

export function divider(): HTMLElement {
  const d = document.createElement('span');
  d.className = 'nl-divider';
  d.setAttribute('role', 'separator');
  d.setAttribute('aria-orientation', 'vertical');
  return d;
}
