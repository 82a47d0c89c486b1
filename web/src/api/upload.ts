/**
 * A file upload with progress: POST /api/imports as multipart/form-data. The one place the dashboard uses
 * XMLHttpRequest instead of fetch (client.ts): fetch has no upload progress events. It sends the same CSRF header
 * and cookies as client.ts, and answers with the route's typed body or an ApiError.
 */
import type { ApiErrorBody } from '../../../src/server/contract.js';
import { ApiError, csrfToken, notifyUnauthenticated, type ResponseOf } from './client.js';

export type ImportJob = ResponseOf<'POST /api/imports'>;

export interface UploadProgress {
  readonly loaded: number;
  readonly total: number;
}

export interface UploadHandle {
  readonly done: Promise<ImportJob>;
  abort(): void;
}

/** The route's form fields besides the file (strings, as multipart sends them). */
export interface ImportOptions {
  readonly entity: string;
  readonly mapping?: string;
  readonly t2s?: boolean;
  readonly unknownCustomers?: 'stub' | 'quarantine';
  readonly disable?: string;
  readonly refresh?: boolean;
}

export function uploadImport(file: File, opts: ImportOptions, onProgress: (p: UploadProgress) => void): UploadHandle {
  const form = new FormData();
  // The options before the file: the server reads the fields as they stream past.
  form.append('entity', opts.entity);
  if (opts.mapping) form.append('mapping', opts.mapping);
  if (opts.t2s !== undefined) form.append('t2s', String(opts.t2s));
  if (opts.unknownCustomers) form.append('unknownCustomers', opts.unknownCustomers);
  if (opts.disable) form.append('disable', opts.disable);
  if (opts.refresh !== undefined) form.append('refresh', String(opts.refresh));
  form.append('file', file, file.name);
  const xhr = new XMLHttpRequest();
  const done = new Promise<ImportJob>((resolve, reject) => {
    xhr.open('POST', '/api/imports');
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    const t = csrfToken();
    if (t) xhr.setRequestHeader('X-CSRF-Token', t);
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) {
        resolve(body as ImportJob);
        return;
      }
      const e = (body as Partial<ApiErrorBody> | undefined)?.error;
      if (xhr.status === 401) notifyUnauthenticated();
      reject(new ApiError(xhr.status, e?.code ?? `http_${xhr.status}`, e?.message ?? (xhr.statusText || 'upload failed'), e?.field));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'the upload did not reach the server'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'upload cancelled'));
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
