// The comparisons the ResNet and Xception papers tell, as ready-made presets.

/** A comparison asked for: a preset, or two or more zoo names or model file paths the user chose. */
export interface CompareRequest {
  title: string;
  /** What to look at. */
  story?: string;
  models: string[];
}

/**
 * What the Compare page keeps in its webview state (vscode.setState), so VS Code can restore the
 * panel after a window reload: the comparison asked for (checked on restore by src/protocol/compare.ts).
 */
export interface CompareState {
  request: CompareRequest;
}

export interface ComparePreset extends CompareRequest {
  id: string;
  story: string;
}

export const COMPARE_PRESETS: ComparePreset[] = [
  { id: 'plain-vs-residual', title: 'Plain-34 vs ResNet-34', models: ['plain34', 'resnet34'],
    story: 'Same layers and nearly the same cost: the shortcuts add only the 1x1 projections, yet fix the degradation of deep plain nets.' },
  { id: 'resnet-depths', title: 'ResNet-18/34/50/101/152 (the paper\'s Table 1)', models: ['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152'],
    story: 'Depth against cost: bottleneck blocks make 152 layers cost only about 3x the MACs of 34.' },
  { id: 'basic-vs-bottleneck', title: 'Basic (ResNet-34) vs bottleneck (ResNet-50) blocks', models: ['resnet34', 'resnet50'],
    story: 'Going from 34 to 50 layers by swapping 3x3-3x3 for 1x1-3x3-1x1 blocks barely moves the MACs.' },
  { id: 'se', title: 'ResNet-50 vs SE-ResNet-50', models: ['resnet50', 'se_resnet50'],
    story: 'Squeeze-and-excitation adds about 10% parameters and under 0.1% MACs.' },
  { id: 'separable', title: 'Conv vs depthwise separable (VGG-16 vs Xception vs MobileNet)', models: ['vgg16', 'xception', 'mobilenet'],
    story: 'Depthwise separable convolutions cut parameters and MACs by an order of magnitude.' },
];
