/**
 * A streaming multipart/form-data reader for uploads: the file part goes straight to disk chunk by chunk (never whole
 * in memory), the other parts are small text fields. Hono's parseBody and bodyLimit buffer the body, so uploads do not
 * use them. Size is counted over the whole body; over the limit is 413 as soon as it is known.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from './errors.js';

export interface UploadedFile {
  /** Where the bytes are (inside the directory given). */
  readonly path: string;
  /** The client's file name, without any directory part. */
  readonly name: string;
  readonly bytes: number;
}

export interface MultipartUpload {
  readonly fields: ReadonlyMap<string, string>;
  readonly file?: UploadedFile;
}

export interface MultipartLimits {
  /** The directory the file part is written to (must exist; the caller removes it). */
  readonly dir: string;
  /** The whole request body, in bytes. */
  readonly maxBytes: number;
  /** The name of the file part. */
  readonly fileField: string;
  /** Allowed names of the text parts. */
  readonly fields: readonly string[];
  readonly maxFieldBytes?: number;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The client's file name as a plain name: no directories, no control characters, at most 200 characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = Array.from(base.replace(/[\u0000-\u001f\u007f]/g, '').trim()).slice(-200).join('');
  return clean === '' || clean === '.' || clean === '..' ? 'upload' : clean;
}

interface PartHeaders {
  readonly name: string;
  readonly filename?: string;
}

function parsePartHeaders(block: string): PartHeaders {
  const disposition = block.split('\r\n').find((l) => /^content-disposition\s*:/i.test(l));
  if (!disposition || !/:\s*form-data\s*(;|$)/i.test(disposition)) throw new ApiError(400, 'invalid_multipart', 'each part needs a Content-Disposition: form-data header', 'file');
  const param = (key: string) => {
    const m = new RegExp(`;\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition) ?? new RegExp(`;\\s*${key}=([^;\\s]+)`, 'i').exec(disposition);
    return m ? m[1]!.replace(/\\"/g, '"') : undefined;
  };
  const name = param('name');
  if (name === undefined) throw new ApiError(400, 'invalid_multipart', 'a part has no name in its Content-Disposition header', 'file');
  const star = /;\s*filename\*=UTF-8''([^;\s]+)/i.exec(disposition);
  let filename = param('filename');
  if (star) {
    try {
      filename = decodeURIComponent(star[1]!);
    } catch {
      // keep the plain filename
    }
  }
  return filename === undefined ? { name } : { name, filename };
}

/**
 * Reads a multipart/form-data request. Throws ApiError: 415 when it is not multipart, 413 over `maxBytes`, 400 for a
 * malformed body, an unknown or repeated part, or a text field over its limit. A file part written before an error is
 * left in `dir` for the caller to remove with the directory.
 */
export async function readMultipart(req: Request, limits: MultipartLimits): Promise<MultipartUpload> {
  const boundary = boundaryOf(req.headers.get('content-type') ?? undefined);
  if (!boundary) throw new ApiError(415, 'unsupported_media_type', 'send the file as multipart/form-data with a `file` part (curl -F file=@data.csv)', 'file');
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  if (!req.body) throw new ApiError(400, 'file_missing', 'the request has no body; send a `file` part', 'file');

  const maxField = limits.maxFieldBytes ?? 64 * 1024;
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const fields = new Map<string, string>();
  let file: UploadedFile | undefined;
  let fh: FileHandle | undefined;
  let fileBytes = 0;
  let fieldChunks: Buffer[] = [];
  let fieldBytes = 0;
  let current: PartHeaders | undefined;
  let state: 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done' = 'preamble';
  // A CRLF in front, so the first boundary (which has none) matches the delimiter like the others.
  let buf: Buffer = Buffer.from(CRLF);
  let total = 0;

  const reader = req.body.getReader();
  const emit = async (data: Buffer) => {
    if (!current || data.length === 0) return;
    if (current.filename !== undefined) {
      fileBytes += data.length;
      await fh!.write(data);
    } else {
      fieldBytes += data.length;
      if (fieldBytes > maxField) throw new ApiError(400, 'field_too_large', `the form field ${current.name} is over ${maxField / 1024} KiB`, current.name);
      fieldChunks.push(data);
    }
  };
  const startPart = async (h: PartHeaders) => {
    if (h.name === limits.fileField) {
      if (h.filename === undefined) throw new ApiError(400, 'file_missing', `the ${limits.fileField} part must be a file (curl -F ${limits.fileField}=@data.csv)`, limits.fileField);
      if (file) throw new ApiError(400, 'invalid_multipart', `only one ${limits.fileField} part per upload`, limits.fileField);
      const name = safeFileName(h.filename);
      file = { path: join(limits.dir, name), name, bytes: 0 };
      fh = await open(file.path, 'wx');
      fileBytes = 0;
    } else {
      if (!limits.fields.includes(h.name)) {
        throw new ApiError(400, 'unknown_field', `unknown form field ${JSON.stringify(h.name)}; expected ${[limits.fileField, ...limits.fields].join(', ')}`, h.name);
      }
      if (fields.has(h.name)) throw new ApiError(400, 'invalid_multipart', `the form field ${h.name} is given twice`, h.name);
      if (h.filename !== undefined) throw new ApiError(400, 'invalid_input', `the form field ${h.name} must be text, not a file`, h.name);
      fieldChunks = [];
      fieldBytes = 0;
    }
    current = h;
  };
  const endPart = async () => {
    if (!current) return;
    if (current.filename !== undefined) {
      await fh!.close();
      fh = undefined;
      file = { ...file!, bytes: fileBytes };
    } else {
      fields.set(current.name, Buffer.concat(fieldChunks).toString('utf8'));
    }
    current = undefined;
  };

  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limits.maxBytes) throw tooLarge(limits.maxBytes);
      buf = buf.length ? Buffer.concat([buf, value]) : Buffer.from(value);
      for (let progressed = true; progressed && state !== 'done'; ) {
        progressed = false;
        if (state === 'preamble' || state === 'body') {
          const at = buf.indexOf(delimiter);
          if (at >= 0) {
            if (state === 'body') {
              await emit(buf.subarray(0, at));
              await endPart();
            }
            buf = buf.subarray(at + delimiter.length);
            state = 'after-delimiter';
            progressed = true;
          } else {
            // keep a tail that may be the start of the delimiter
            const keep = Math.min(buf.length, delimiter.length - 1);
            if (state === 'body') await emit(buf.subarray(0, buf.length - keep));
            buf = Buffer.from(buf.subarray(buf.length - keep));
          }
        } else if (state === 'after-delimiter') {
          if (buf.length < 2) break;
          if (buf[0] === 0x2d && buf[1] === 0x2d) {
            state = 'done';
            break;
          }
          const eol = buf.indexOf(CRLF);
          if (eol < 0) {
            if (buf.length > 256) throw malformed();
            break;
          }
          if (buf.subarray(0, eol).toString('latin1').trim() !== '') throw malformed();
          buf = buf.subarray(eol + 2);
          state = 'headers';
          progressed = true;
        } else if (state === 'headers') {
          const end = buf.indexOf(HEADER_END);
          if (end < 0) {
            if (buf.length > MAX_HEADER_BYTES) throw malformed();
            break;
          }
          await startPart(parsePartHeaders(buf.subarray(0, end).toString('utf8')));
          buf = buf.subarray(end + HEADER_END.length);
          state = 'body';
          progressed = true;
        }
      }
      if ((state as string) === 'done') break;
    }
    if ((state as string) !== 'done') throw malformed();
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    throw e;
  } finally {
    await fh?.close().catch(() => undefined);
  }
  return file ? { fields, file } : { fields };
}

function tooLarge(max: number): ApiError {
  return new ApiError(413, 'upload_too_large', `the upload is over the server's limit of ${formatLimit(max)}`, 'file');
}

function malformed(): ApiError {
  return new ApiError(400, 'invalid_multipart', 'the multipart/form-data body is malformed or cut short', 'file');
}

function formatLimit(bytes: number): string {
  if (bytes >= 1 << 30 && bytes % (1 << 30) === 0) return `${bytes / (1 << 30)} GiB`;
  if (bytes >= 1 << 20) return `${Math.round((bytes / (1 << 20)) * 10) / 10} MiB`;
  return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
}
