/**
 * The safetensors layout (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, …,
 * "__metadata__": { string: string } }`, then the raw little-endian tensor bytes, every byte of
 * which some tensor covers. Any safetensors reader opens ditto's model files.
 */
import { ModelFileError } from './errors.js';

export type SafeDType = 'F32' | 'F64';

export interface SafeTensor {
  readonly name: string;
  readonly dtype: SafeDType;
  readonly shape: readonly number[];
  /** The tensor's little-endian bytes. */
  readonly bytes: Uint8Array;
}

export interface SafeTensorsFile {
  readonly metadata: Readonly<Record<string, string>>;
  /** In the order of their data in the file. */
  readonly tensors: readonly SafeTensor[];
}

const WIDTH: Readonly<Record<SafeDType, number>> = { F32: 4, F64: 8 };
/** The safetensors library's own limit on the header's size. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA = '__metadata__';

/** Pads the header with spaces to a multiple of 8 bytes, as the reference writer does (aligned data). */
function paddedHeader(json: string): Uint8Array {
  const raw = new TextEncoder().encode(json);
  const length = Math.ceil(raw.length / 8) * 8;
  const header = new Uint8Array(length).fill(0x20);
  header.set(raw);
  return header;
}

/** The file's bytes: tensors laid out in the order given. */
export function encodeSafeTensors(file: SafeTensorsFile): Uint8Array {
  const entries: Record<string, unknown> = { [METADATA]: file.metadata };
  let offset = 0;
  for (const t of file.tensors) {
    if (t.name === METADATA || Object.hasOwn(entries, t.name)) {
      throw new Error(`safetensors: duplicate or reserved tensor name '${t.name}'`);
    }
    entries[t.name] = {
      dtype: t.dtype,
      shape: [...t.shape],
      data_offsets: [offset, offset + t.bytes.length],
    };
    offset += t.bytes.length;
  }
  const header = paddedHeader(JSON.stringify(entries));
  const out = new Uint8Array(8 + header.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  let at = 8 + header.length;
  for (const t of file.tensors) {
    out.set(t.bytes, at);
    at += t.bytes.length;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The header's JSON text and where the data starts, checked against the file's length. */
export function readHeader(bytes: Uint8Array): { json: string; dataStart: number } {
  if (bytes.length < 8) {
    throw new ModelFileError(
      'file',
      `${bytes.length} bytes: too short for a safetensors header length (8 bytes)`,
    );
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) {
    throw new ModelFileError(
      'header length',
      `says ${length} bytes, but the file has ${bytes.length - 8} bytes after it (truncated or corrupted)`,
    );
  }
  const dataStart = 8 + Number(length);
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    throw new ModelFileError('header', 'is not valid UTF-8 (corrupted)');
  }
  return { json, dataStart };
}

/** Parses and checks the layout; every tensor's bytes are views into `bytes`. */
export function decodeSafeTensors(bytes: Uint8Array): SafeTensorsFile {
  const { json, dataStart } = readHeader(bytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new ModelFileError('header', `is not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(parsed)) throw new ModelFileError('header', 'is not a JSON object');
  const metadata = parsed[METADATA] ?? {};
  if (!isRecord(metadata) || !Object.values(metadata).every((v) => typeof v === 'string')) {
    throw new ModelFileError(METADATA, 'must be an object of strings');
  }
  const dataLength = bytes.length - dataStart;
  const tensors: SafeTensor[] = [];
  for (const [name, entry] of Object.entries(parsed)) {
    if (name === METADATA) continue;
    const where = `tensor '${name}'`;
    if (!isRecord(entry)) throw new ModelFileError(where, 'its header entry is not an object');
    const { dtype, shape, data_offsets: offsets } = entry;
    if (dtype !== 'F32' && dtype !== 'F64') {
      throw new ModelFileError(where, `dtype ${JSON.stringify(dtype)} (ditto reads F32 and F64)`);
    }
    const dims = Array.isArray(shape) ? shape : [];
    if (!Array.isArray(shape) || !dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new ModelFileError(
        where,
        `shape ${JSON.stringify(shape)} is not a list of non-negative integers`,
      );
    }
    const ok =
      Array.isArray(offsets) &&
      offsets.length === 2 &&
      offsets.every((o) => Number.isSafeInteger(o) && o >= 0) &&
      offsets[0] <= offsets[1] &&
      offsets[1] <= dataLength;
    if (!ok) {
      throw new ModelFileError(
        where,
        `data_offsets ${JSON.stringify(offsets)} do not lie within the ${dataLength} data bytes (truncated or corrupted)`,
      );
    }
    const [begin, end] = offsets as [number, number];
    const size = dims.reduce((a: number, b: number) => a * b, 1);
    if (end - begin !== size * WIDTH[dtype]) {
      throw new ModelFileError(
        where,
        `holds ${end - begin} bytes, but shape ${JSON.stringify(shape)} of ${dtype} needs ${size * WIDTH[dtype]}`,
      );
    }
    tensors.push({
      name,
      dtype,
      shape: dims as number[],
      bytes: bytes.subarray(dataStart + begin, dataStart + end),
    });
  }
  // The format requires the tensors to cover the data without gaps or overlaps.
  const sorted = [...tensors].sort((a, b) => a.bytes.byteOffset - b.bytes.byteOffset);
  let expected = bytes.byteOffset + dataStart;
  for (const t of sorted) {
    if (t.bytes.byteOffset !== expected) {
      throw new ModelFileError(
        `tensor '${t.name}'`,
        'its data overlaps another tensor or leaves a gap before it',
      );
    }
    expected += t.bytes.length;
  }
  if (expected !== bytes.byteOffset + bytes.length) {
    throw new ModelFileError(
      'file',
      `${bytes.byteOffset + bytes.length - expected} bytes after the last tensor (corrupted or appended to)`,
    );
  }
  return { metadata: metadata as Record<string, string>, tensors: sorted };
}
