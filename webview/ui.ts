// The one module that knows about the UI component library. @vscode/webview-ui-toolkit is
// archived; swapping it (e.g. for @vscode-elements/elements) means rewriting this file only.
import {
  provideVSCodeDesignSystem, vsCodeButton, vsCodeDivider, vsCodeDropdown, vsCodeOption, vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;
export function registerUi(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDropdown(), vsCodeOption(), vsCodeTextField(), vsCodeDivider());
}

export interface ButtonOptions {
  /** Codicon name; an icon-only button when there is no label. */
  icon?: string;
  label?: string;
  title: string;
  id?: string;
  onClick: () => void;
}

export function button(o: ButtonOptions): HTMLElement {
  const b = document.createElement('vscode-button');
  b.setAttribute('appearance', o.label ? 'secondary' : 'icon');
  b.setAttribute('aria-label', o.title);
  b.title = o.title;
  if (o.id) b.id = o.id;
  if (o.icon) {
    const i = document.createElement('span');
    i.className = `codicon codicon-${o.icon}`;
    if (o.label) i.setAttribute('slot', 'start');
    b.append(i);
  }
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
  const d = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  d.title = o.title;
  d.setAttribute('aria-label', o.title);
  if (o.id) d.id = o.id;
  const opts = new Map<string, HTMLElement>();
  for (const opt of o.options) {
    const e = document.createElement('vscode-option');
    e.setAttribute('value', opt.value);
    e.textContent = opt.label;
    if (opt.disabled) e.setAttribute('disabled', '');
    if (opt.value === o.value) e.setAttribute('selected', '');
    opts.set(opt.value, e);
    d.append(e);
  }
  d.addEventListener('change', () => o.onChange(d.value));
  return {
    el: d,
    value: () => d.value,
    setValue: (v) => { d.value = v; },
    setDisabled: (v, disabled) => { opts.get(v)?.toggleAttribute('disabled', disabled); },
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

export function textField(o: { placeholder: string; title: string; id?: string; value?: string; icon?: string; size?: number; onInput?: (v: string) => void; onChange?: (v: string) => void; onKey?: (e: KeyboardEvent) => void }): TextFieldHandle {
  const t = document.createElement('vscode-text-field') as HTMLElement & { value: string };
  t.setAttribute('placeholder', o.placeholder);
  t.setAttribute('aria-label', o.title);
  t.title = o.title;
  if (o.id) t.id = o.id;
  if (o.size) t.setAttribute('size', String(o.size));
  if (o.value !== undefined) t.setAttribute('value', o.value);
  if (o.icon) {
    const i = document.createElement('span');
    i.className = `codicon codicon-${o.icon}`;
    i.setAttribute('slot', 'start');
    t.append(i);
  }
  if (o.onInput) t.addEventListener('input', () => o.onInput!(t.value));
  if (o.onChange) t.addEventListener('change', () => o.onChange!(t.value));
  if (o.onKey) t.addEventListener('keydown', (e) => o.onKey!(e as KeyboardEvent));
  return {
    el: t,
    value: () => t.value ?? '',
    setValue: (v) => { t.value = v; },
    focus: () => t.focus(),
    setInvalid: (bad) => { t.classList.toggle('nl-invalid', bad); t.setAttribute('aria-invalid', String(bad)); },
    setDisabled: (off, title) => { t.toggleAttribute('disabled', off); t.title = off && title ? title : o.title; },
  };
}

export function divider(): HTMLElement {
  const d = document.createElement('vscode-divider');
  d.setAttribute('role', 'separator');
  d.setAttribute('orientation', 'vertical');
  return d;
}
