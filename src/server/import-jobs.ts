/**
 * Imports started over the API run as background jobs: the upload is on disk when the job is made, the import runs
 * through `writeAs` (so it waits for any write in progress, another import included) and the job records its stage and
 * percent as the pipeline reports them, then the report or the error. Jobs live in memory (the last
 * {@link KEEP_FINISHED} finished ones are kept); the warehouse's tm_imports is the lasting history.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { MetaStore } from '../accounts/index.js';
import { ImportError, importFile, type ImportReport } from '../import/index.js';
import type { Catalog } from '../metrics/types.js';
import { refreshSaved, type Refreshed } from '../segments/refresh-saved.js';
import type { Principal } from './auth.js';
import { writeAs, type DataContext } from './data.js';

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface ImportJobOptions {
  readonly entity: string;
  readonly mapping?: Readonly<Record<string, string>>;
  readonly t2s: boolean;
  readonly unknownCustomers: 'stub' | 'quarantine';
  readonly disable: readonly string[];
  readonly refresh: boolean;
}

export interface JobError {
  /** import_failed: the file (ImportError: file, line, column); internal: anything else (the server log has it). */
  readonly code: 'import_failed' | 'internal';
  readonly message: string;
  readonly file: string;
  readonly line?: number;
  readonly column?: string | number;
}

export interface ImportJob {
  readonly id: string;
  readonly userId: number;
  readonly login: string;
  /** The uploaded file's name as the client sent it (without directories). */
  readonly file: string;
  readonly bytes: number;
  readonly options: ImportJobOptions;
  state: JobState;
  /** The pipeline's current step (reading, staged, mapping, cleaning, …, written, done), then refreshing. */
  stage: string;
  percent: number;
  readonly createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  report?: ImportReport;
  refreshed?: Refreshed;
  error?: JobError;
}

export interface Upload {
  /** The job's own directory (removed when the job ends) and the file in it. */
  readonly dir: string;
  readonly path: string;
  readonly name: string;
  readonly bytes: number;
}

export const KEEP_FINISHED = 200;

export class ImportJobs {
  private readonly jobs = new Map<string, ImportJob>();
  /** The jobs still queued or running, for tests and shutdown. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly d: { data: DataContext; meta: MetaStore; catalog: Catalog; clock: () => Date; log: (m: string) => void; uploadDir: string },
  ) {
    // Jobs do not outlive the server, so uploads left by a previous run are garbage.
    rmSync(d.uploadDir, { recursive: true, force: true });
  }

  /** A new directory for one upload; its name is the job id. */
  newUploadDir(): { id: string; dir: string } {
    const id = randomUUID();
    const dir = join(this.d.uploadDir, id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return { id, dir };
  }

  get(id: string): ImportJob | undefined {
    return this.jobs.get(id);
  }

  /** Newest first. */
  list(): ImportJob[] {
    return [...this.jobs.values()].reverse();
  }

  /** Resolves when the job has ended (done or failed); at once for an unknown or finished job. */
  settled(id: string): Promise<void> {
    return this.pending.get(id) ?? Promise.resolve();
  }

  /** Queues the import of an upload; the caller has checked the permission (writeAs checks again). */
  start(id: string, who: Principal, upload: Upload, options: ImportJobOptions): ImportJob {
    const job: ImportJob = {
      id,
      userId: who.user.userId,
      login: who.user.login,
      file: upload.name,
      bytes: upload.bytes,
      options,
      state: 'queued',
      stage: 'queued',
      percent: 0,
      createdAt: this.d.clock().toISOString(),
    };
    this.jobs.set(id, job);
    const run = Promise.resolve()
      .then(() =>
        writeAs(this.d.data, who, 'import', `import ${upload.name}`, async (wh) => {
          job.state = 'running';
          job.stage = 'reading';
          job.startedAt = this.d.clock().toISOString();
          const report = await importFile(wh, {
            file: upload.path,
            sourceName: upload.name,
            entity: options.entity,
            ...(options.mapping ? { mapping: options.mapping } : {}),
            clean: { traditionalToSimplified: options.t2s, unknownCustomers: options.unknownCustomers, disabled: [...options.disable] },
            onProgress: (step, f) => {
              job.stage = step;
              job.percent = Math.round(f * 100);
            },
          });
          job.report = report;
          if (options.refresh) {
            job.stage = 'refreshing';
            const refreshed = await refreshSaved(wh, () => this.d.catalog);
            if (refreshed) job.refreshed = refreshed;
          }
          return report;
        }),
      )
      .then(
        (report) => {
          job.state = 'done';
          job.stage = 'done';
          job.percent = 100;
          this.audit(who, job, { outcome: 'done', importId: report.importId, rowsRead: report.rowsRead, loaded: report.loaded, merged: report.merged, quarantined: report.quarantined });
        },
        (e: unknown) => {
          job.state = 'failed';
          job.error = this.describe(e, upload);
          this.audit(who, job, { outcome: 'failed', error: job.error.message });
        },
      )
      .finally(() => {
        job.finishedAt = this.d.clock().toISOString();
        rmSync(upload.dir, { recursive: true, force: true });
        this.pending.delete(id);
        this.prune();
      });
    this.pending.set(id, run);
    return job;
  }

  private describe(e: unknown, upload: Upload): JobError {
    if (e instanceof ImportError) {
      // The pipeline names the file by the path it was given: the upload's temporary path, which the client never saw.
      const detail = e.detail.split(upload.path).join(upload.name).split(upload.dir).join('.');
      const where = [upload.name, e.line !== undefined ? `line ${e.line}` : undefined, e.column !== undefined ? `column ${e.column}` : undefined].filter(Boolean).join(', ');
      return {
        code: 'import_failed',
        message: `${where}: ${detail}`,
        file: e.file === upload.path || e.file.endsWith(upload.name) ? upload.name : e.file,
        ...(e.line !== undefined ? { line: e.line } : {}),
        ...(e.column !== undefined ? { column: e.column } : {}),
      };
    }
    this.d.log(`tidemark serve: import of ${upload.name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return { code: 'internal', message: 'the import failed on an internal error; the warehouse is unchanged and the server log has the details', file: upload.name };
  }

  private audit(who: Principal, job: ImportJob, outcome: Record<string, unknown>): void {
    this.d.meta.audit({ user: who.user, action: 'import', details: { job: job.id, file: job.file, bytes: job.bytes, entity: job.options.entity, ...outcome } });
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.state === 'done' || j.state === 'failed');
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(j.id);
  }
}
