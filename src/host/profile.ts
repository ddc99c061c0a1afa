// "NetLens: Profile Model with Image..." (netlens.profileModel). Runs in the extension host but
// does no profiling here: it picks a model and an image, hands the job to the profiler process
// (src/process/profilerClient.ts), shows stages in a cancellable progress notification, then opens the
// results page and asks the graph view to draw the overlay (SHOW_PROFILE_COMMAND).
//
// Arguments: none (palette: pick both), a model (zoo name string, or the Uri of a model file, as the
// graph toolbar and model tree pass), or an image Uri (explorer context menu on .png/.jpg: pick the
// model). Settings: netlens.backend, netlens.profile.runs, netlens.profile.warmup, netlens.profile.gpuLayout,
// netlens.profile.batch, netlens.nodePath. The output channel gets the backend chain with what to install
// for each route that was refused (the results page shows only the one line per backend).
import * as vscode from 'vscode';
import { basename, extname } from 'node:path';
import type { ProfileBackendRequest, ProfileOptimization } from '../protocol/worker';
import { chainWithHints } from '../core/profile/chainText';
import { CHANGE_PREPROCESSING_COMMAND, SHOW_PROFILE_COMMAND } from '../protocol/commands';
import { ZOO } from '../core/zoo';
import { fileRef, ModelRef, modelRefOf, parseModelRef } from '../protocol/modelRef';
import { NetLensError } from '../core/ir/types';
import { ProfileCancelledError } from '../core/profile/errors';
import { ProfilerClient, ProfilerCrashError } from '../process/profilerClient';
import { ProfilePanel } from './profilePanel';
import { activeGraph } from './activeGraph';
import { pickPreprocessing, preprocessingForRequest } from './preprocessingChoice';
import { sharedModelService } from './sharedModelService';
import { isImageInput } from '../core/profile/inputKind';
import type { ViewGraph } from '../core/graph/viewTypes';
import { SelfRescaling, viewGraphRescaling } from '../core/profile/selfRescaling';

export const PROFILE_COMMAND = 'netlens.profileModel';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);
const SAMPLES = [
  { file: 'chelsea.png', label: 'Chelsea the cat', detail: '451×300 PNG, CC0' },
  { file: 'coffee.png', label: 'A coffee cup', detail: '600×400 PNG, CC0' },
  { file: 'rocket.jpg', label: 'DSCOVR launch on Falcon 9', detail: '640×427 JPEG, public domain' },
];

function asPath(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (arg && typeof arg === 'object' && 'fsPath' in arg && typeof (arg as { fsPath: unknown }).fsPath === 'string') return (arg as { fsPath: string }).fsPath;
  return undefined;
}

async function pickModel(): Promise<ModelRef | undefined> {
  // The model whose graph is open comes first (the quick pick starts on it).
  const open = activeGraph();
  const items: (vscode.QuickPickItem & { value?: string })[] = [
    ...(open ? [{ label: ZOO.find((z) => z.name === open.modelArg)?.title ?? open.name, description: 'the open graph', detail: open.modelArg, value: open.modelArg }] : []),
    ...ZOO.filter((z) => z.name !== open?.modelArg).map((z) => ({ label: z.title, description: z.name, detail: z.description, value: z.name })),
    { label: '$(folder-opened) Model file...', description: '.json, .keras, .h5, .onnx' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Profile which model?', matchOnDescription: true, matchOnDetail: true });
  if (!pick) return undefined;
  if (pick.value) return parseModelRef(pick.value);
  const uri = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Keras / tfjs / ONNX models': ['json', 'keras', 'h5', 'onnx'] }, title: 'Model to profile' });
  return uri?.[0] ? fileRef(uri[0].fsPath) : undefined;
}

/** The image picker's choice that feeds seeded random data instead of an image. */
const RANDOM_PICK = '\u0000random';

async function pickImage(context: vscode.ExtensionContext): Promise<string | undefined> {
  const items: (vscode.QuickPickItem & { value?: string })[] = [
    ...SAMPLES.map((s) => ({ label: s.label, description: s.file, detail: `bundled sample, ${s.detail}`, value: context.asAbsolutePath(`media/samples/${s.file}`) })),
    { label: '$(symbol-numeric) Random input', description: 'seeded', detail: 'random data for every model input (video clips, token ids, several inputs)', value: RANDOM_PICK },
    { label: '$(file-media) Image file...', description: '.png, .jpg' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Profile against which image?' });
  if (!pick) return undefined;
  if (pick.value) return pick.value;
  const uri = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Images: ['png', 'jpg', 'jpeg'] }, title: 'Image to profile against' });
  return uri?.[0]?.fsPath;
}

export function registerProfiler(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('NetLens Profiler');
  let client: ProfilerClient | undefined;
  let clientKey = '';
  const getClient = (): ProfilerClient => {
    const nodePath = vscode.workspace.getConfiguration('netlens').get<string>('nodePath')?.trim() || undefined;
    const timeoutMs = Math.max(10, vscode.workspace.getConfiguration('netlens').get<number>('profile.timeoutSeconds', 600)) * 1000;
    const key = `${nodePath ?? ''}\n${timeoutMs}`;
    if (!client || key !== clientKey) {
      client?.dispose();
      client = new ProfilerClient({ workerPath: context.asAbsolutePath('dist/worker.js'), nodePath, timeoutMs });
      clientKey = key;
    }
    return client;
  };
  context.subscriptions.push(output, { dispose: () => client?.dispose() });

  // The model's view graph, read in the model process (the file is read there, never here), at
  // most once per command: whether it takes an image and whether it rescales itself both ask it.
  const graphReader = (model: ModelRef): (() => Promise<ViewGraph>) => {
    let read: Promise<ViewGraph> | undefined;
    return () => (read ??= Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `NetLens: reading ${basename(model.arg)}` },
      () => sharedModelService(context).open(model.arg))));
  };

  // Whether a model file rescales itself. An .onnx file is not asked about: the rule is for Keras
  // layers. A failure is logged and the question is asked; the profile then reports a bad file itself.
  const rescaling = async (model: ModelRef, read: () => Promise<ViewGraph>): Promise<SelfRescaling> => {
    if (model.kind === 'file' && model.format === 'onnx') return 'unknown';
    try {
      return viewGraphRescaling(await read());
    } catch (e) {
      output.appendLine(`${basename(model.arg)}: could not tell whether it rescales its own input (${(e as Error)?.message ?? e}); asking`);
      return 'unknown';
    }
  };

  // Whether the model takes one image, from its view graph (read in the model process). When that
  // cannot be told, the picker asks (it offers random input too).
  const takesImage = async (model: ModelRef, read: () => Promise<ViewGraph>): Promise<boolean> => {
    if (model.kind === 'zoo') return true;
    try {
      const graph = await read();
      return isImageInput(graph.input) && graph.nodes.filter((n) => n.className === 'Input' || n.className === 'InputLayer').length <= 1;
    } catch (e) {
      output.appendLine(`${basename(model.arg)}: could not read its input (${(e as Error)?.message ?? e}); asking for an image`);
      return true;
    }
  };

  context.subscriptions.push(vscode.commands.registerCommand(CHANGE_PREPROCESSING_COMMAND, async (arg: unknown, image: unknown) => {
    const model = typeof arg === 'string' ? modelRefOf(arg) : undefined;
    if (model?.kind !== 'file') return;
    if (await pickPreprocessing(context.workspaceState, model)) await vscode.commands.executeCommand(PROFILE_COMMAND, model.arg, image);
  }));

  // Second argument: the image (path or Uri), when re-profiling from the profile page.
  context.subscriptions.push(vscode.commands.registerCommand(PROFILE_COMMAND, async (arg?: unknown, imageArg?: unknown) => {
    // Untrusted workspaces: models are read and drawn, never run (package.json capabilities).
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('NetLens: the profiler runs models, so it is off in untrusted workspaces; trust this workspace to profile.');
      return;
    }
    try {
      // The model is parsed once here (zoo name or file) and passed on as that one ModelRef.
      let model: ModelRef | undefined;
      let image: string | undefined = asPath(imageArg) ?? (typeof imageArg === 'string' && imageArg ? imageArg : undefined);
      const path = asPath(arg);
      if (path && IMAGE_EXT.has(extname(path).toLowerCase())) image = path;
      else model = modelRefOf(arg);
      model ??= await pickModel();
      if (!model) return;
      // A model whose input is not an image (a video clip, token ids, several inputs) is fed random data without asking.
      const read = graphReader(model);
      if (!image && !(await takesImage(model, read))) image = RANDOM_PICK;
      image ??= await pickImage(context);
      if (!image) return;
      const feed = image === RANDOM_PICK ? 'random' as const : 'image' as const;
      // A model file does not say how it sees images: asked once, remembered per file, unless it
      // rescales its own input (preprocessingChoice.ts). Random data needs no preprocessing.
      const preprocessing = feed === 'random' ? undefined : await preprocessingForRequest(context.workspaceState, model, (m) => rescaling(m, read));
      if (preprocessing === null) return;

      const cfg = vscode.workspace.getConfiguration('netlens');
      const backend = cfg.get<ProfileBackendRequest>('backend', 'auto');
      const runs = Math.max(1, Math.floor(cfg.get<number>('profile.runs', 5)));
      const warmup = Math.max(0, Math.floor(cfg.get<number>('profile.warmup', 1)));
      const optimization = cfg.get<ProfileOptimization>('profile.optimization', 'all');
      const gpuLayout = cfg.get<string>('profile.gpuLayout', 'auto');
      const batch = Math.max(1, Math.floor(cfg.get<number>('profile.batch', 1)));
      const title = `Profiling ${basename(model.arg)} ${feed === 'random' ? 'on seeded random input' : `against ${basename(image)}`}`;
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        return getClient().profile({ model: model!.arg, image: feed === 'random' ? '' : image!, feed, backend, runs, warmup, optimization, gpuLayout, batch, ...(preprocessing ? { preprocessing } : {}) }, {
          signal: abort.signal,
          onProgress: (stage, message, fraction) => {
            const pct = Math.round(fraction * 100);
            progress.report({ message: `${stage}: ${message}`, increment: Math.max(0, pct - reported) });
            reported = Math.max(reported, pct);
          },
        });
      });
      output.appendLine(`${new Date().toISOString()} ${result.model} on ${result.backendLabel ?? result.backend}: ` +
        `${result.endToEndMs.median.toFixed(2)} ms end to end${(result.batch ?? 1) > 1 ? ` at batch ${result.batch}` : ''}, ` +
        `${(result.imagesPerSecond ?? 0).toFixed(1)} images/s, overhead ${result.overhead.toFixed(3)}`);
      for (const line of chainWithHints(result.backendSteps ?? [])) output.appendLine(line);
      // The overlay first, so the graph opens (or is revealed) where the user works and the results
      // page lands beside it rather than under a graph opened in its column.
      await vscode.commands.executeCommand(SHOW_PROFILE_COMMAND, model.arg, result);
      ProfilePanel.show(context.extensionUri, model, result);
    } catch (e) {
      if (e instanceof ProfileCancelledError) {
        void vscode.window.showInformationMessage('NetLens: profile cancelled.');
      } else if (e instanceof ProfilerCrashError || e instanceof NetLensError) {
        output.appendLine(`error: ${e.message}`);
        void vscode.window.showErrorMessage(`NetLens: ${e.message}`);
      } else {
        output.appendLine(`internal error: ${(e as Error)?.stack ?? e}`);
        void vscode.window.showErrorMessage(`NetLens profiler failed: ${(e as Error)?.message ?? e} (details in the "NetLens Profiler" output)`);
      }
    }
  }));
}
