// Image decoding for the profiler: PNG (pngjs) and JPEG (jpeg-js), identified by their magic bytes
// rather than their file name. Dimensions are read from the header and checked BEFORE any pixel is
// decoded, so a 20000x20000 PNG (1.6 GB of RGBA) is refused in microseconds instead of exhausting
// memory. Every failure is a NetLensError naming the file and what is wrong with it.
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { NetLensError } from '../ir/types';

/** Files above this are refused before reading. */
export const MAX_IMAGE_FILE_BYTES = 64 * 1024 * 1024;
/** Largest accepted side and pixel count (50 MP, e.g. 8660x5773); decoded RGBA would be 200 MB. */
export const MAX_IMAGE_SIDE = 16384;
export const MAX_IMAGE_PIXELS = 50_000_000;
/**
 * Memory the decoders may take for one image. jpeg-js keeps every 8x8 block of every component as
 * its own Int32Array (about 576 bytes each, measured: a 50 MP 4:4:4 baseline JPEG peaked at 1.6 GB
 * although it was given a 1024 MB limit, which counts only the block data), and pngjs keeps 16-bit
 * samples beside their 8-bit copy; so the cost is worked out from the header and refused above this.
 */
export const MAX_DECODE_BYTES = 1024 * 1024 * 1024;
/** Progressive JPEG: each scan is a pass over the image (4,000 scans of a 470 KB file took 30+ s). */
export const MAX_JPEG_SCANS = 64;
/** Scans times 8x8 blocks: the decoding work of a progressive JPEG (16 scans of a 4:2:0 50 MP image). */
export const MAX_JPEG_SCAN_BLOCKS = 20_000_000;

export type ImageFormat = 'png' | 'jpeg';

export interface DecodedImage {
  format: ImageFormat;
  width: number;
  height: number;
  /** RGB, 3 bytes per pixel, row-major (alpha dropped). */
  rgb: Uint8Array;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function sniffFormat(buf: Uint8Array): ImageFormat | undefined {
  if (buf.length >= 8 && PNG_MAGIC.every((b, i) => buf[i] === b)) return 'png';
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  return undefined;
}

/** What the first bytes look like, for the "not an image" message. */
function describeStart(buf: Uint8Array): string {
  const head = buf.subarray(0, 16);
  const printable = head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
  if (buf.length === 0) return 'it is empty';
  if (printable) return `it looks like text ("${Buffer.from(head).toString('latin1').replace(/\s+/g, ' ').trim()}${buf.length > 16 ? '...' : ''}")`;
  return `it starts with bytes ${Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}

function checkDimensions(name: string, format: string, width: number, height: number): void {
  if (width <= 0 || height <= 0) throw new NetLensError(`${name}: ${format} header says ${width}x${height}; the image is empty or corrupt`);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new NetLensError(`${name}: ${format} is ${width}x${height} (${(width * height / 1e6).toFixed(0)} MP); images over ` +
      `${MAX_IMAGE_SIDE} px a side or ${MAX_IMAGE_PIXELS / 1e6} MP are refused before decoding; resize it first`);
  }
}

function checkBudget(name: string, format: string, width: number, height: number, bytes: number, why: string): void {
  if (bytes > MAX_DECODE_BYTES) {
    throw new NetLensError(`${name}: decoding this ${width}x${height} ${format} (${why}) would take about ${Math.round(bytes / 2 ** 20)} MiB, ` +
      `over the ${MAX_DECODE_BYTES / 2 ** 20} MiB allowed for an image; resize it first`);
  }
}

/** Width and height from the IHDR chunk, which the PNG spec requires to be first. */
export function pngDimensions(buf: Uint8Array, name = 'image'): { width: number; height: number } {
  if (buf.length < 24) throw new NetLensError(`${name}: PNG is truncated (${buf.length} bytes, the header alone needs 33)`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const type = String.fromCharCode(buf[12], buf[13], buf[14], buf[15]);
  if (dv.getUint32(8) !== 13 || type !== 'IHDR') throw new NetLensError(`${name}: PNG has no IHDR header chunk; the file is corrupt`);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

/** Channels per PNG colour type (PNG spec 11.2.2, IHDR). */
const PNG_CHANNELS: ReadonlyMap<number, number> = new Map([[0, 1], [2, 3], [3, 1], [4, 2], [6, 4]]);
/** Adam7 passes: x0, y0, dx, dy (PNG spec 8.2). */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

/** Bytes the image data of a PNG inflates to, from its header: filter byte + packed row, per row of each pass. */
export function pngInflatedSize(width: number, height: number, bitDepth: number, colorType: number, interlaced: boolean): number {
  const bitsPerPixel = (PNG_CHANNELS.get(colorType) ?? 4) * bitDepth;
  const rows = (w: number, h: number) => (w > 0 && h > 0 ? h * (1 + Math.ceil((w * bitsPerPixel) / 8)) : 0);
  if (!interlaced) return rows(width, height);
  return ADAM7.reduce((n, [x0, y0, dx, dy]) => n + rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)), 0);
}

/**
 * What pngjs holds at its peak, from the header: the inflated data and its unfiltered copy, the
 * unpacked samples (16-bit ones as 16-bit), their 8-bit RGBA copy, and our RGB. A 16-bit 50 MP RGB
 * PNG comes to 1.35 GB (measured 1.4 GB); an 8-bit RGBA one to 0.95 GB.
 */
export function pngDecodeBytes(width: number, height: number, bitDepth: number, colorType: number, interlaced: boolean): number {
  const pixels = width * height;
  return 2 * pngInflatedSize(width, height, bitDepth, colorType, interlaced) + pixels * 4 * (bitDepth > 8 ? 2 : 1) + pixels * 4 + pixels * 3;
}

/**
 * pngjs inflates an interlaced image's data with no output limit (its non-interlaced path has
 * one), so a 0.5 MB file can inflate to gigabytes. The IDAT stream of an interlaced PNG is first
 * inflated here with the limit its header implies; anything longer is refused.
 */
function checkInterlacedPng(buf: Uint8Array, name: string, width: number, height: number): void {
  if (buf[28] !== 1) return;
  const expected = pngInflatedSize(width, height, buf[24], buf[25], true);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const idat: Uint8Array[] = [];
  for (let at = 8; at + 8 <= buf.length;) {
    const len = dv.getUint32(at);
    const type = String.fromCharCode(buf[at + 4], buf[at + 5], buf[at + 6], buf[at + 7]);
    if (type === 'IDAT') idat.push(buf.subarray(at + 8, Math.min(buf.length, at + 8 + len)));
    if (type === 'IEND') break;
    at += 12 + len;
  }
  try {
    inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new NetLensError(`${name}: PNG image data inflates past the ${expected} bytes its ${width}x${height} header implies; refusing a decompression bomb`);
    }
    // Other stream errors are pngjs' to report with its own words.
  }
}

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * Walks the JPEG marker segments up to the first scan: the frame header (SOFn) gives the size.
 * Also checks that an end-of-image marker follows the scan data: inside entropy-coded data every
 * 0xFF is followed by 0x00 or a restart marker, so a 0xFFD9 there can only be the real EOI, and a
 * file without one was cut short.
 */
export function jpegDimensions(buf: Uint8Array, name = 'image'): { width: number; height: number } {
  const { width, height } = jpegHeader(buf, name);
  return { width, height };
}

export interface JpegHeader {
  width: number;
  height: number;
  /** Horizontal and vertical sampling factors per component. */
  sampling: [number, number][];
  /** Start-of-scan markers (1 for baseline; progressive files have several). */
  scans: number;
}

/** Every 0xFFDA from the first scan on: in entropy-coded data 0xFF is followed by 0x00 or a restart marker, so these are scans. */
function countScans(buf: Uint8Array, from: number): number {
  let n = 1;
  for (let i = buf.indexOf(0xff, from); i >= 0 && i + 1 < buf.length; i = buf.indexOf(0xff, i + 1)) if (buf[i + 1] === 0xda) n++;
  return n;
}

/** 8x8 blocks jpeg-js allocates: per component, its sampled size in whole MCUs. */
export function jpegBlocks(h: JpegHeader): number {
  const hMax = Math.max(1, ...h.sampling.map(([x]) => x));
  const vMax = Math.max(1, ...h.sampling.map(([, y]) => y));
  const mcusX = Math.ceil(h.width / (8 * hMax));
  const mcusY = Math.ceil(h.height / (8 * vMax));
  return h.sampling.reduce((n, [x, y]) => n + mcusX * x * mcusY * y, 0);
}

/** jpeg-js at its peak: about 576 bytes a block (an Int32Array(64) each, measured), a line buffer per component, the RGB output. */
export const jpegDecodeBytes = (h: JpegHeader): number => jpegBlocks(h) * 576 + h.width * h.height * (h.sampling.length + 3);

export function jpegHeader(buf: Uint8Array, name = 'image'): JpegHeader {
  let off = 2;
  let size: { width: number; height: number } | undefined;
  let sampling: [number, number][] = [];
  while (off + 4 <= buf.length) {
    if (buf[off] !== 0xff) throw new NetLensError(`${name}: JPEG is corrupt (expected a marker at byte ${off})`);
    const marker = buf[off + 1];
    if (marker === 0xff) { off++; continue; } // fill bytes
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { off += 2; continue; }
    if (marker === 0xd9) break;
    const len = (buf[off + 2] << 8) | buf[off + 3];
    if (len < 2) throw new NetLensError(`${name}: JPEG is corrupt (segment 0x${marker.toString(16)} at byte ${off} has length ${len})`);
    if (off + 2 + len > buf.length) throw new NetLensError(`${name}: JPEG is truncated (a header segment runs past the end of the file at byte ${buf.length})`);
    if (SOF_MARKERS.has(marker)) {
      if (len < 8) throw new NetLensError(`${name}: JPEG frame header is too short`);
      size = { height: (buf[off + 5] << 8) | buf[off + 6], width: (buf[off + 7] << 8) | buf[off + 8] };
      const n = Math.min(buf[off + 9], Math.floor((len - 8) / 3), 4);
      sampling = Array.from({ length: n }, (_, i) => [buf[off + 11 + 3 * i] >> 4, buf[off + 11 + 3 * i] & 15] as [number, number]);
    }
    if (marker === 0xda) {
      if (!size) throw new NetLensError(`${name}: JPEG has image data before its frame header; the file is corrupt`);
      const scanStart = off + 2 + len;
      for (let i = buf.length - 2; i >= scanStart; i--) {
        if (buf[i] === 0xff && buf[i + 1] === 0xd9) return { ...size, sampling, scans: countScans(buf, scanStart) };
      }
      throw new NetLensError(`${name}: JPEG is truncated: the image data stops at byte ${buf.length} without an end-of-image marker`);
    }
    off += 2 + len;
  }
  throw new NetLensError(`${name}: JPEG is truncated or corrupt: no image data (${size ? 'no scan' : 'no frame header'}) in ${buf.length} bytes`);
}

/** Decodes PNG or JPEG bytes into RGB; `name` labels the errors. */
export function decodeImage(buf: Uint8Array, name = 'image'): DecodedImage {
  const format = sniffFormat(buf);
  if (!format) throw new NetLensError(`${name} is not a PNG or JPEG image: ${describeStart(buf)}`);
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  let channels = 4;
  if (format === 'png') {
    ({ width, height } = pngDimensions(buf, name));
    checkDimensions(name, 'PNG', width, height);
    checkBudget(name, 'PNG', width, height, pngDecodeBytes(width, height, buf[24], buf[25], buf[28] === 1), `${buf[24]}-bit`);
    checkInterlacedPng(buf, name, width, height);
    try {
      const png = PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
      rgba = png.data;
      width = png.width;
      height = png.height;
    } catch (e) {
      const msg = (e as Error).message;
      const truncated = /unexpected end|premature|too short|Unexpected end|not enough|Invalid/i.test(msg) || buf.length < 57;
      throw new NetLensError(`${name}: cannot decode PNG${truncated ? ' (the file looks truncated or corrupt)' : ''}: ${msg}`);
    }
  } else {
    const header = jpegHeader(buf, name);
    ({ width, height } = header);
    checkDimensions(name, 'JPEG', width, height);
    checkBudget(name, 'JPEG', width, height, jpegDecodeBytes(header), `${header.sampling.map(([x, y]) => `${x}x${y}`).join(' ')} sampling`);
    const work = header.scans * jpegBlocks(header);
    if (header.scans > MAX_JPEG_SCANS || work > MAX_JPEG_SCAN_BLOCKS) {
      throw new NetLensError(`${name}: progressive JPEG with ${header.scans} scans over ${width}x${height}; NetLens decodes at most ${MAX_JPEG_SCANS} scans ` +
        `and ${MAX_JPEG_SCAN_BLOCKS / 1e6}M scan-blocks (a camera's progressive JPEG has about 10); re-save it as a baseline JPEG or a PNG`);
    }
    try {
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
      rgba = img.data;
      width = img.width;
      height = img.height;
      channels = 3;
    } catch (e) {
      throw new NetLensError(`${name}: cannot decode JPEG: ${String((e as Error).message ?? e)}`);
    }
  }
  if (rgba.length < width * height * channels) throw new NetLensError(`${name}: decoded ${rgba.length} bytes for a ${width}x${height} image; the file is corrupt`);
  let rgb: Uint8Array;
  if (channels === 3) {
    rgb = rgba.subarray(0, width * height * 3);
  } else {
    rgb = new Uint8Array(width * height * 3);
    for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
      rgb[j] = rgba[i];
      rgb[j + 1] = rgba[i + 1];
      rgb[j + 2] = rgba[i + 2];
    }
  }
  return { format, width, height, rgb };
}

/** Reads and decodes an image file; one NetLensError line for every way it can fail. */
export function readImage(path: string): DecodedImage {
  const name = basename(path);
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new NetLensError(`${path} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof NetLensError) throw e;
    throw new NetLensError(`cannot read image ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > MAX_IMAGE_FILE_BYTES) throw new NetLensError(`${name} is ${size} bytes; image files over ${MAX_IMAGE_FILE_BYTES / 1024 / 1024} MiB are refused`);
  return decodeImage(readFileSync(path), name);
}
