// The Keras layer kinds (src/core/layers/): each class one object holding its analysis and its ONNX
// lowering, one file per family, assembled by index.ts into the analyser's table (LAYER_KINDS) and
// the lowering's (KERAS_LOWERINGS) with the same keys the two separate tables had; the tfjs classes
// the kinds name are the ones customLayers.ts registers; analysing a model loads neither tfjs,
// ONNX Runtime nor the ONNX encoder.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import * as ts from 'typescript';
import { FAMILIES, KERAS_ALIASES, KERAS_LOWERINGS, LAYER_KINDS } from '../../src/core/layers';
import { ATTRIBUTE_TYPE } from '../../src/core/engines/ort/lowering/attr';
import { CUSTOM_LAYER_CLASSES } from '../../src/core/engines/tfjs/customLayers';

const ROOT = join(__dirname, '..', '..', '..');
const LAYERS = 'src/core/layers';

/** The analyser's table before the kinds (RULES of analysis/rules.ts at 8f753bc, aliases included). */
const ANALYSED_CLASSES = [
  'Activation', 'Add', 'AlphaDropout', 'Average', 'AveragePooling1D', 'AveragePooling2D', 'AvgPool1D', 'AvgPool2D',
  'BatchNormalization', 'CenterCrop', 'Concatenate', 'Conv1D', 'Conv2D', 'Conv2DTranspose', 'Convolution1D', 'Convolution2D',
  'Cropping2D', 'CustomScaleLayer', 'Dense', 'DepthwiseConv2D', 'Dropout', 'ELU', 'Flatten', 'GaussianDropout', 'GaussianNoise',
  'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalMaxPool1D', 'GlobalMaxPool2D',
  'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'Identity', 'InputLayer', 'LRN', 'LayerNormalization', 'LayerScale', 'LeakyReLU',
  'MaxPool1D', 'MaxPool2D', 'MaxPooling1D', 'MaxPooling2D', 'Maximum', 'Minimum', 'Multiply', 'Normalization', 'PReLU', 'Permute',
  'RandomBrightness', 'RandomColorDegeneration', 'RandomColorJitter', 'RandomContrast', 'RandomCrop', 'RandomElasticTransform',
  'RandomErasing', 'RandomFlip', 'RandomGaussianBlur', 'RandomGrayscale', 'RandomHue', 'RandomInvert', 'RandomPerspective',
  'RandomPosterization', 'RandomRotation', 'RandomSaturation', 'RandomSharpness', 'RandomShear', 'RandomTranslation', 'RandomZoom',
  'ReLU', 'Rescaling', 'Reshape', 'Resizing', 'SeparableConv2D', 'SeparableConvolution2D', 'Softmax', 'SpatialDropout1D',
  'SpatialDropout2D', 'StochasticDepth', 'Subtract', 'UpSampling2D', 'ZeroPadding2D',
];

/** Modules of src/core/layers/ that are not families: the kind type, shared helpers, the index. */
const HELPERS = ['index', 'kind', 'activationOps', 'spatial', 'lowering', 'resample', 'passThrough', 'trainingOnly'];

const sorted = (xs: Iterable<string>): string[] => [...xs].sort();
const layerModules = (): string[] => readdirSync(join(ROOT, LAYERS)).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
const importsOf = (file: string): string[] =>
  ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true).importedFiles.map((i) => i.fileName);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (e.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

describe('layer kinds: one object per Keras class', () => {
  it('every kind has a category and a shape, and every class but InputLayer an ONNX lowering', () => {
    for (const [cls, kind] of Object.entries(LAYER_KINDS)) {
      assert.equal(typeof kind.category, 'string', cls);
      assert.equal(typeof kind.shape, 'function', cls);
      if (cls === 'InputLayer') assert.equal(kind.lowering, undefined);
      else assert.equal(typeof kind.lowering?.lower, 'function', cls);
    }
  });

  it('the assembled tables have exactly the keys the two old tables had (alias rows included)', () => {
    assert.deepEqual(sorted(Object.keys(LAYER_KINDS)), ANALYSED_CLASSES);
    assert.deepEqual(sorted(Object.keys(KERAS_LOWERINGS)), ANALYSED_CLASSES.filter((c) => c !== 'InputLayer'));
  });

  it('an alias row is its class\'s kind and lowering, the same objects', () => {
    for (const [alias, cls] of Object.entries(KERAS_ALIASES)) {
      assert.equal(LAYER_KINDS[alias], LAYER_KINDS[cls], alias);
      assert.equal(KERAS_LOWERINGS[alias], KERAS_LOWERINGS[cls], alias);
    }
  });

  it('each class is in one family, and the families and aliases are the whole table', () => {
    const seen = new Map<string, string>();
    for (const [family, kinds] of Object.entries(FAMILIES)) {
      for (const cls of Object.keys(kinds)) {
        assert.ok(!seen.has(cls), `${cls} in ${seen.get(cls)} and ${family}`);
        seen.set(cls, family);
      }
    }
    assert.deepEqual(sorted([...seen.keys(), ...Object.keys(KERAS_ALIASES)]), sorted(Object.keys(LAYER_KINDS)));
  });
});

describe('layer kinds: a kind file is self-contained', () => {
  it('index.ts lists every family module of the folder, and nothing else is one', () => {
    const families = layerModules().filter((m) => !HELPERS.includes(m));
    assert.deepEqual(sorted(Object.keys(FAMILIES)), sorted(families));
    const index = importsOf(`${LAYERS}/index.ts`).filter((s) => s.startsWith('./')).map((s) => s.slice(2));
    for (const f of families) assert.ok(index.includes(f), `index.ts imports ./${f}`);
  });

  it('a family imports only helpers (never another family or the index)', () => {
    const families = new Set(Object.keys(FAMILIES));
    for (const f of families) {
      const bad = importsOf(`${LAYERS}/${f}.ts`).filter((s) => s.startsWith('./') && (families.has(s.slice(2)) || s === './index'));
      assert.deepEqual(bad, [], `${f}.ts`);
    }
  });

  it('a helper module defines no Keras class', () => {
    for (const h of HELPERS.filter((m) => m !== 'index')) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(join(ROOT, 'out', LAYERS, h)) as Record<string, unknown>;
      for (const [name, v] of Object.entries(mod)) {
        const kinds = v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).some((k) => k && typeof k === 'object' && 'category' in k && 'shape' in k);
        assert.ok(!kinds, `${h}.ts exports ${name}, a table of kinds`);
      }
    }
  });

  it('nothing outside src/core/layers/ defines a kind (names the types a kind is written with)', () => {
    const outside = [...sourceFiles('src'), ...sourceFiles('webview')].filter((f) => !f.startsWith(`${LAYERS}/`));
    const offenders = outside.filter((f) => /\bLayerKinds?\b/.test(readFileSync(join(ROOT, f), 'utf8')));
    assert.deepEqual(offenders, []);
  });
});

describe('layer kinds: tfjs and the ONNX encoder stay out of the analyser', () => {
  it('the tfjs classes the kinds name are exactly the layer classes customLayers.ts registers', () => {
    const named = new Set(Object.values(LAYER_KINDS).flatMap((k) => (k.tfjsClass === undefined ? [] : [k.tfjsClass])));
    const registered = new Set(CUSTOM_LAYER_CLASSES.map((c) => (c as unknown as { className: string }).className));
    assert.deepEqual(sorted(named), sorted(registered));
  });

  it('analysing a zoo model loads no tfjs, ONNX Runtime or onnx-proto module', function () {
    this.timeout(60_000);
    const analyze = join(ROOT, 'out/src/core/analysis/analyze');
    const zoo = join(ROOT, 'out/src/core/zoo');
    const script = `
      const { analyzeModel } = require(${JSON.stringify(analyze)});
      const { ZOO } = require(${JSON.stringify(zoo)});
      const a = analyzeModel(ZOO.find((e) => e.name === 'resnet50').build().model);
      const loaded = Object.keys(require.cache).filter((p) => /node_modules[\\\\/](@tensorflow|onnxruntime|onnx-proto|protobufjs)/.test(p));
      process.stdout.write(JSON.stringify({ params: a.totals.params, loaded }));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { params, loaded } = JSON.parse(r.stdout) as { params: number; loaded: string[] };
    assert.equal(params, 25_636_712);
    assert.deepEqual(loaded, []);
  });

  it("the lowering's attribute type codes are onnx.proto's", () => {
    const T = onnx.AttributeProto.AttributeType;
    assert.deepEqual(ATTRIBUTE_TYPE, { FLOAT: T.FLOAT, INT: T.INT, STRING: T.STRING, INTS: T.INTS });
  });
});
