import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { scratch } from '../testing/index.js';
import { ApiError } from './errors.js';
import { boundaryOf, readMultipart, safeFileName } from './multipart.js';

const s = scratch();
afterAll(() => s.cleanup());
let n = 0;
const newDir = () => {
  const dir = `${s.dir}/${++n}`;
  mkdirSync(dir);
  return dir;
};

/** A request whose body arrives in chunks of `size` bytes, without a Content-Length (as a browser or curl streams). */
function chunked(body: Buffer, size: number, boundary = 'BOUNDARY'): Request {
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (at >= body.length) return ctl.close();
      ctl.enqueue(new Uint8Array(body.subarray(at, at + size)));
      at += size;
    },
  });
  return new Request('http://x/api/imports', { method: 'POST', body: stream, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` }, duplex: 'half' } as RequestInit);
}

// File content that looks like a boundary without being one: CRLF, dashes, the boundary text without its CRLF prefix.
const CONTENT = Buffer.concat([Buffer.from('客户编号,姓名\r\n--BOUNDAR\r\n-BOUNDARY\r\n\r\nA1,张三\r\n', 'utf8'), Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0x0d])]);
const BODY = Buffer.concat([
  Buffer.from('preamble to ignore\r\n--BOUNDARY\r\nContent-Disposition: form-data; name="entity"\r\n\r\ncustomers\r\n'),
  Buffer.from('--BOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="C:\\Users\\李\\会员.csv"\r\nContent-Type: text/csv\r\n\r\n'),
  CONTENT,
  Buffer.from('\r\n--BOUNDARY\r\nContent-Disposition: form-data; name="mapping"\r\n\r\n{"a":"b"}\r\n--BOUNDARY--\r\nepilogue'),
]);

describe('readMultipart', () => {
  for (const size of [1, 2, 3, 7, 13, 64, 1 << 20]) {
    it(`reads fields and writes the file byte for byte, in chunks of ${size}`, async () => {
      const dir = newDir();
      const r = await readMultipart(chunked(BODY, size), { dir, maxBytes: 1 << 20, fileField: 'file', fields: ['entity', 'mapping'] });
      expect(Object.fromEntries(r.fields)).toEqual({ entity: 'customers', mapping: '{"a":"b"}' });
      expect(r.file?.name).toBe('会员.csv');
      expect(r.file?.bytes).toBe(CONTENT.length);
      expect(readFileSync(r.file!.path).equals(CONTENT)).toBe(true);
    });
  }

  const fails = async (req: Request, limits: Partial<Parameters<typeof readMultipart>[1]> = {}) => {
    try {
      await readMultipart(req, { dir: newDir(), maxBytes: 1 << 20, fileField: 'file', fields: ['entity', 'mapping'], ...limits });
    } catch (e) {
      if (e instanceof ApiError) return { status: e.status, code: e.code, field: e.field };
      throw e;
    }
    return undefined;
  };

  it('refuses a body over the limit while reading, and a cut-short or malformed body', async () => {
    expect(await fails(chunked(BODY, 10), { maxBytes: 100 })).toEqual({ status: 413, code: 'upload_too_large', field: 'file' });
    expect(await fails(chunked(BODY.subarray(0, BODY.length - 30), 10))).toMatchObject({ status: 400, code: 'invalid_multipart' });
    expect(await fails(chunked(Buffer.from('--BOUNDARY\r\nX-Nothing: 1\r\n\r\nx\r\n--BOUNDARY--'), 5))).toMatchObject({ status: 400, code: 'invalid_multipart' });
    expect(await fails(chunked(Buffer.from('--BOUNDARY\r\nContent-Disposition: form-data; name="other"\r\n\r\nx\r\n--BOUNDARY--'), 5))).toMatchObject({ status: 400, code: 'unknown_field', field: 'other' });
    expect(await fails(chunked(Buffer.from('--BOUNDARY\r\nContent-Disposition: form-data; name="entity"\r\n\r\nxxxxxxxx\r\n--BOUNDARY--'), 5), { maxFieldBytes: 4 })).toMatchObject({
      status: 400,
      code: 'field_too_large',
      field: 'entity',
    });
    expect(await fails(new Request('http://x/', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } }))).toMatchObject({ status: 415, field: 'file' });
  });

  it('parses the boundary and cleans file names', () => {
    expect(boundaryOf('multipart/form-data; boundary=----abc')).toBe('----abc');
    expect(boundaryOf('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(boundaryOf('application/json')).toBeUndefined();
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\x\\销售.xlsx')).toBe('销售.xlsx');
    expect(safeFileName('..')).toBe('upload');
    expect(safeFileName('a\u0000b\n.csv')).toBe('ab.csv');
  });
});
