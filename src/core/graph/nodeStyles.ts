// Layer metadata as data: one row per analyser category says how the graph draws it (label,
// theme colour with a fallback for exports outside VS Code, codicon) and which config attributes
// the details panel lists. The renderer, the SVG export and the legend all read this table.
import type { Category } from '../layers/kind';

export type NodeCategory = Category | 'unsupported';

export interface CategoryStyle {
  label: string;
  /** A VS Code theme colour variable (charts palette), so light/dark/high-contrast themes apply. */
  cssVar: string;
  /** Used where the variable is undefined (standalone SVG/HTML exports opened in a browser). */
  fallback: string;
  /** Codicon name (without the `codicon-` prefix). */
  icon: string;
  /** Keras config keys shown in the details panel, in this order, when present. */
  attrs: string[];
}

export const CATEGORY_TABLE: Record<NodeCategory, CategoryStyle> = {
  input: { label: 'Input', cssVar: '--vscode-charts-foreground', fallback: '#8a8a8a', icon: 'arrow-down', attrs: ['batch_input_shape', 'batch_shape', 'dtype'] },
  preprocessing: { label: 'Preprocessing', cssVar: '--vscode-terminal-ansiCyan', fallback: '#29b8db', icon: 'wand', attrs: ['scale', 'offset', 'axis', 'mean', 'variance', 'invert', 'height', 'width', 'interpolation', 'crop_to_aspect_ratio', 'factor', 'mode', 'value_range'] },
  conv: { label: 'Convolution', cssVar: '--vscode-charts-blue', fallback: '#3794ff', icon: 'symbol-array', attrs: ['filters', 'kernel_size', 'strides', 'padding', 'dilation_rate', 'groups', 'depth_multiplier', 'activation', 'use_bias'] },
  dense: { label: 'Dense', cssVar: '--vscode-charts-purple', fallback: '#b180d7', icon: 'symbol-constant', attrs: ['units', 'activation', 'use_bias'] },
  pool: { label: 'Pooling', cssVar: '--vscode-charts-green', fallback: '#89d185', icon: 'fold-down', attrs: ['pool_size', 'strides', 'padding', 'keepdims'] },
  norm: { label: 'Normalization', cssVar: '--vscode-charts-yellow', fallback: '#cca700', icon: 'settings', attrs: ['axis', 'epsilon', 'momentum', 'center', 'scale', 'depth_radius', 'alpha', 'beta', 'bias'] },
  activation: { label: 'Activation', cssVar: '--vscode-charts-orange', fallback: '#d18616', icon: 'zap', attrs: ['activation', 'alpha', 'max_value', 'negative_slope', 'threshold'] },
  merge: { label: 'Merge', cssVar: '--vscode-charts-red', fallback: '#f14c4c', icon: 'git-merge', attrs: ['axis'] },
  reshape: { label: 'Reshape', cssVar: '--vscode-descriptionForeground', fallback: '#9d9d9d', icon: 'symbol-structure', attrs: ['target_shape', 'padding', 'cropping', 'size', 'interpolation', 'data_format'] },
  regularization: { label: 'Regularization', cssVar: '--vscode-disabledForeground', fallback: '#7f7f7f', icon: 'filter', attrs: ['rate', 'noise_shape', 'seed'] },
  unsupported: { label: 'Unsupported', cssVar: '--vscode-errorForeground', fallback: '#f48771', icon: 'warning', attrs: [] },
};

/** A collapsed block: its own colour (not a category's), drawn with a dashed outline. */
export const BLOCK_STYLE: Pick<CategoryStyle, 'label' | 'cssVar' | 'fallback'> = {
  label: 'Collapsed block', cssVar: '--vscode-terminal-ansiMagenta', fallback: '#d670d6',
};

/** What a node can be coloured by; time (and measured memory) need a profile result. */
export type ColorBy = 'category' | 'params' | 'macs' | 'memory' | 'time' | 'efficiency' | 'bound' | 'diff';

export const COLOR_BY: { id: ColorBy; label: string; needsProfile: boolean }[] = [
  { id: 'category', label: 'Category', needsProfile: false },
  { id: 'params', label: 'Parameters', needsProfile: false },
  { id: 'macs', label: 'MACs', needsProfile: false },
  { id: 'memory', label: 'Memory', needsProfile: false },
  { id: 'time', label: 'Time (profile)', needsProfile: true },
  // Roofline (issue 21, src/core/graph/rooflineColours.ts): against the machine's measured roofs, and against an earlier run.
  { id: 'efficiency', label: 'Efficiency (roofline)', needsProfile: true },
  { id: 'bound', label: 'Memory/compute bound', needsProfile: true },
  { id: 'diff', label: 'Change vs earlier run', needsProfile: true },
];

/**
 * A sequential colour for a metric: 0 -> transparent-ish, max -> hot. Log-scaled, because layer
 * costs span five orders of magnitude (a BN layer vs a 3x3 conv). Returns null for zero.
 */
export function heatColor(value: number, max: number): string | null {
  if (!(value > 0) || !(max > 0)) return null;
  const t = Math.max(0, Math.min(1, Math.log1p(value) / Math.log1p(max)));
  // Hue 210 (blue, cheap) -> 0 (red, costly); lightness stays mid so text reads on both themes.
  const hue = Math.round(210 * (1 - t));
  return `hsl(${hue}, 75%, ${Math.round(48 + 6 * (1 - t))}%)`;
}
