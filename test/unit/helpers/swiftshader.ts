// The WebGPU tests run on SwiftShader, the software Vulkan driver Debian's chromium ships. CI
// installs chromium (scripts/ensure-chromium.sh), so there a missing driver is a broken setup and
// the tests fail; elsewhere they are skipped, saying why.
import { existsSync } from 'node:fs';
import { SWIFTSHADER_ICD } from '../../../src/core/engines/ort/webgpu';

export function requireSwiftShader(ctx: Mocha.Context): void {
  if (existsSync(SWIFTSHADER_ICD)) return;
  const why = `${SWIFTSHADER_ICD} is missing: install Debian's chromium (scripts/ensure-chromium.sh) for the WebGPU tests`;
  if (process.env.CI) throw new Error(why);
  console.warn(`      skipped: ${why}`);
  ctx.skip();
}
