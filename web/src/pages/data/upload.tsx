import { useEffect, useRef, useState, type DragEvent } from 'react';
import { api, ApiError } from '../../api/client.js';
import { uploadImport, type ImportJob, type UploadHandle } from '../../api/upload.js';
import { setParams, useLocation } from '../../app/router.js';
import { useSession } from '../../app/session.js';
import { Card } from '../../components/Card.js';
import { label } from '../../i18n/index.js';
import { IMPORT_TARGETS } from '../../../../src/import/targets.js';
import { useM, formatBytes } from './messages.js';
import { ReportView } from './report.js';
import { stageKey } from './format.js';

const POLL_MS = 400;

function JobError({ error }: { error: Error }) {
  return (
    <div className="form-error" role="alert" data-testid="upload-error">
      {error.message}
      {error instanceof ApiError && <code className="err-code"> ({error.code})</code>}
    </div>
  );
}

/** Follows a job (the id is in the URL as ?job=, so a reload keeps following it) until it is done or failed. */
function useJob(id: string | undefined): { job: ImportJob | undefined; error: Error | undefined } {
  const [job, setJob] = useState<ImportJob | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  useEffect(() => {
    setJob(undefined);
    setError(undefined);
    if (!id) return;
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () =>
      api.get('/api/imports/jobs/{id}', { params: { id }, signal: ctl.signal }).then(
        (j) => {
          if (ctl.signal.aborted) return;
          setJob(j);
          if (j.state === 'queued' || j.state === 'running') timer = setTimeout(tick, POLL_MS);
        },
        (e: unknown) => !ctl.signal.aborted && setError(e instanceof Error ? e : new Error(String(e))),
      );
    void tick();
    return () => {
      ctl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [id]);
  return { job, error };
}

function JobView({ job, onFinished }: { job: ImportJob; onFinished: () => void }) {
  const { m } = useM();
  const finished = job.state === 'done' || job.state === 'failed';
  const seen = useRef(false);
  useEffect(() => {
    if (finished && !seen.current) {
      seen.current = true;
      onFinished();
    }
  }, [finished, onFinished]);
  const stage = (s: string) => {
    const key = stageKey(s);
    const t = m(key as Parameters<typeof m>[0]);
    return t === key ? s : t;
  };
  if (job.state === 'failed' && job.error) {
    const e = job.error;
    return (
      <div className="form-error" role="alert" data-testid="job-failed">
        <div className="state-title">{m('upload.failed')}</div>
        <div>{e.message}</div>
        <div className="muted" data-testid="job-failed-where">
          {[m('upload.where', { file: e.file }), e.line !== undefined ? m('upload.line', { line: e.line }) : '', e.column !== undefined ? m('upload.column', { column: e.column }) : ''].filter(Boolean).join(' · ')}
        </div>
        <code className="err-code">{e.code}</code>
      </div>
    );
  }
  if (job.state === 'done' && job.report) {
    return (
      <div className="job-done" data-testid="job-done">
        <div className="form-ok">
          {m('upload.done', { id: job.report.importId, seconds: job.report.seconds.toFixed(1) })}{' '}
          <button type="button" className="btn-link" data-testid="job-open-detail" onClick={() => setParams({ job: undefined, import: String(job.report!.importId), qoff: undefined }, { replace: false })}>
            {m('upload.openDetail')}
          </button>
        </div>
        {job.refreshed && <p className="muted">{m('report.refreshed', { tags: job.refreshed.tags.length, segments: job.refreshed.segments.length })}</p>}
        <ReportView report={job.report} showSample />
      </div>
    );
  }
  return (
    <div className="job-progress" data-testid="job-progress">
      <div className="progress-label">
        <span>{job.state === 'queued' ? m('upload.queued') : m('upload.jobState', { stage: stage(job.stage) })}</span>
        <span>{Math.round(job.percent)}%</span>
      </div>
      <div className="progress" role="progressbar" aria-valuenow={Math.round(job.percent)} aria-valuemin={0} aria-valuemax={100}>
        <div style={{ width: `${Math.min(100, Math.max(0, job.percent))}%` }} />
      </div>
    </div>
  );
}

/** Choose an entity and a file (picker or drop), upload with progress, then follow the import job to its report. */
export function UploadPanel({ onFinished }: { onFinished: () => void }) {
  const { m, t, locale } = useM();
  const { me } = useSession();
  const loc = useLocation();
  const jobId = loc.search.get('job') ?? undefined;
  const entity = loc.search.get('entity') ?? 'customers';
  const target = IMPORT_TARGETS.find((e) => e.name === entity) ?? IMPORT_TARGETS[0]!;
  const [file, setFile] = useState<File | undefined>(undefined);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<{ loaded: number; total: number } | undefined>(undefined);
  const [uploadError, setUploadError] = useState<Error | undefined>(undefined);
  const [unknownCustomers, setUnknown] = useState<'stub' | 'quarantine'>('stub');
  const [t2s, setT2s] = useState(false);
  const [refresh, setRefresh] = useState(true);
  const [disable, setDisable] = useState('');
  const [mapping, setMapping] = useState('');
  const handle = useRef<UploadHandle | undefined>(undefined);
  const { job, error: jobError } = useJob(jobId);
  const can = me.permissions.includes('import');

  useEffect(() => () => handle.current?.abort(), []);

  if (!can) {
    return (
      <Card title={m('upload.title')} testId="upload-card">
        <div className="notice" data-testid="upload-denied">
          {m('upload.noPermission', { role: me.role })}
        </div>
      </Card>
    );
  }

  const uploading = progress !== undefined && !jobId;
  const start = () => {
    if (!file) return;
    setUploadError(undefined);
    setProgress({ loaded: 0, total: file.size });
    const h = uploadImport(file, { entity: target.name, unknownCustomers, t2s, refresh, disable, mapping }, setProgress);
    handle.current = h;
    h.done.then(
      (j) => {
        handle.current = undefined;
        setProgress(undefined);
        setFile(undefined);
        setParams({ job: j.id }, { replace: false });
      },
      (e: unknown) => {
        handle.current = undefined;
        setProgress(undefined);
        if (!(e instanceof ApiError && e.code === 'aborted')) setUploadError(e instanceof Error ? e : new Error(String(e)));
      },
    );
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) setFile(f);
  };
  const required = target.fields.filter((f) => f.required).map((f) => label({ en: f.label, zh: f.labelZh }, locale));

  return (
    <Card
      title={m('upload.title')}
      testId="upload-card"
      actions={
        jobId && (job?.state === 'done' || job?.state === 'failed' || jobError) ? (
          <button type="button" className="btn" data-testid="upload-another" onClick={() => setParams({ job: undefined }, { replace: false })}>
            {m('upload.another')}
          </button>
        ) : undefined
      }
    >
      {jobId ? (
        jobError ? <JobError error={jobError} /> : job ? <JobView job={job} onFinished={onFinished} /> : <div className="progress"><div style={{ width: '0%' }} /></div>
      ) : (
        <div className="upload">
          <div className="upload-options">
            <label className="field">
              <span>{m('upload.entity')}</span>
              <select value={target.name} data-testid="upload-entity" disabled={uploading} onChange={(e) => setParams({ entity: e.target.value })}>
                {IMPORT_TARGETS.map((e) => (
                  <option key={e.name} value={e.name}>
                    {label({ en: e.label, zh: e.labelZh }, locale)} ({e.name})
                  </option>
                ))}
              </select>
            </label>
            <span className="muted upload-required">{m('upload.required', { fields: required.join('、') || '–' })}</span>
          </div>
          <div
            className={`dropzone${dragging ? ' dragging' : ''}`}
            data-testid="upload-drop"
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <div className="dropzone-icon" aria-hidden="true">⇪</div>
            <div>
              {m('upload.drop')}{' '}
              <label className="btn-link file-pick">
                {m('upload.choose')}
                <input type="file" data-testid="upload-file" disabled={uploading} onChange={(e) => {
                    setFile(e.target.files?.[0]);
                    e.target.value = ''; // choosing the same file again is a change too
                  }}
                />
              </label>
            </div>
            <div className="muted">{m('upload.formats')}</div>
            {file && (
              <div className="dropzone-file" data-testid="upload-selected">
                {m('upload.selected', { name: file.name, size: formatBytes(file.size) })}
              </div>
            )}
          </div>
          <details className="upload-advanced">
            <summary>{m('upload.advanced')}</summary>
            <div className="upload-advanced-body">
              <label className="field">
                <span>{m('upload.unknownCustomers')}</span>
                <select value={unknownCustomers} data-testid="upload-unknown" onChange={(e) => setUnknown(e.target.value as 'stub' | 'quarantine')}>
                  <option value="stub">{m('upload.unknown.stub')}</option>
                  <option value="quarantine">{m('upload.unknown.quarantine')}</option>
                </select>
              </label>
              <label className="check">
                <input type="checkbox" checked={t2s} onChange={(e) => setT2s(e.target.checked)} /> {m('upload.t2s')}
              </label>
              <label className="check">
                <input type="checkbox" checked={refresh} onChange={(e) => setRefresh(e.target.checked)} /> {m('upload.refresh')}
              </label>
              <label className="field">
                <span>{m('upload.disable')}</span>
                <input type="text" value={disable} onChange={(e) => setDisable(e.target.value)} placeholder="phone, email" />
              </label>
              <label className="field">
                <span>{m('upload.mapping')}</span>
                <textarea rows={2} value={mapping} onChange={(e) => setMapping(e.target.value)} placeholder='{"customer_id": "会员号"}' />
              </label>
            </div>
          </details>
          {uploadError && <JobError error={uploadError} />}
          {progress && (
            <div className="job-progress" data-testid="upload-progress">
              <div className="progress-label">
                <span>{m('upload.uploading', { done: formatBytes(progress.loaded), total: formatBytes(progress.total) })}</span>
                <span>{progress.total ? Math.round((100 * progress.loaded) / progress.total) : 0}%</span>
              </div>
              <div className="progress" role="progressbar" aria-valuenow={progress.total ? Math.round((100 * progress.loaded) / progress.total) : 0} aria-valuemin={0} aria-valuemax={100}>
                <div style={{ width: `${progress.total ? (100 * progress.loaded) / progress.total : 0}%` }} />
              </div>
            </div>
          )}
          <div className="upload-actions">
            {uploading ? (
              <button type="button" className="btn" onClick={() => handle.current?.abort()}>
                {m('upload.cancel')}
              </button>
            ) : (
              <button type="button" className="btn btn-primary" data-testid="upload-submit" disabled={!file} onClick={start}>
                {m('upload.start')}
              </button>
            )}
            {file && !uploading && (
              <button type="button" className="btn" onClick={() => setFile(undefined)}>
                {t('common.reset')}
              </button>
            )}
          </div>
        </div>
      )}
    </Card>
  );
}
