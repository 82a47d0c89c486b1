/**
 * "Save as segment" for an analysis group (an RFM segment, a value tier or type, a cluster). Two calls:
 *  1. the analysis again with `save: true`, which stores each customer's group for that as-of date (the catalog's
 *     rfm_segment / value_tier / value_type / cluster dimensions read the latest stored result);
 *  2. POST /api/segments with the rule "<dimension> in [<group>]", which fills the segment from that stored result.
 * Both write shared tables: the server wants the `import` permission and a role whose row scope is all rows. The
 * button is shown only with `import`; a scoped role still gets the server's 403 message in the dialog (me does not
 * tell the scope).
 */
import { useState, type FormEvent, type MouseEvent } from 'react';
import { api, ApiError, type ResponseOf } from '../../api/client.js';
import { navigate, pageHref } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { formatNumber } from '../../i18n/format.js';
import type { AnalysisName } from './analysis-common.js';
import { keyOf } from './analysis-logic.js';
import { useAm } from './analyses-messages.js';

type Saved = ResponseOf<'POST /api/segments'>;
type Members = ResponseOf<'GET /api/segments/{key}'>['members'];

/** In-app navigation for a plain link (a new tab still works with the href). */
function go(e: MouseEvent<HTMLAnchorElement>): void {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
  e.preventDefault();
  navigate(e.currentTarget.getAttribute('href')!);
}

export function SaveSegment({ analysis, body, dimension, value, defaultName, customers, compact }: {
  compact?: boolean;
  analysis: Exclude<AnalysisName, 'cohorts' | 'members'>; body: Record<string, unknown>; dimension: string; value: string; defaultName: string; customers: number }) {
  const { m } = useAm();
  const can = useCan('import');
  const [open, setOpen] = useState(false);
  if (!can) return null;
  return (
    <>
      <button type="button" className={compact ? 'btn btn-small' : 'btn btn-primary'} data-testid="save-segment" onClick={() => setOpen(true)}>
        {m('save.button')}
      </button>
      {open && <SaveDialog analysis={analysis} body={body} dimension={dimension} value={value} defaultName={defaultName} customers={customers} onClose={() => setOpen(false)} />}
    </>
  );
}

function SaveDialog({ analysis, body, dimension, value, defaultName, customers, onClose }: { analysis: string; body: Record<string, unknown>; dimension: string; value: string; defaultName: string; customers: number; onClose: () => void }) {
  const { m, locale } = useAm();
  const [name, setName] = useState(defaultName);
  const [key, setKey] = useState(keyOf(defaultName));
  const [keyTouched, setKeyTouched] = useState(false);
  const [description, setDescription] = useState('');
  const [replace, setReplace] = useState(false);
  const [step, setStep] = useState<'idle' | 'analysis' | 'segment'>('idle');
  const [error, setError] = useState<ApiError | Error | undefined>();
  const [saved, setSaved] = useState<{ segment: Saved; members: Members } | undefined>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      setStep('analysis');
      const run = (await api.post(`/api/analyses/${analysis}` as '/api/analyses/rfm', { body: { ...body, save: true } as never })) as unknown as { params: { asOf?: string } };
      setStep('segment');
      const asOf = typeof run.params?.asOf === 'string' ? run.params.asOf : undefined;
      const segment = await api.post('/api/segments', {
        body: {
          key,
          name: name.trim(),
          ...(description.trim() ? { description: description.trim() } : {}),
          definition: { filters: [{ dimension, op: 'in', values: [value] }] },
          ...(replace ? { replace: true } : {}),
          ...(asOf ? { asOf } : {}),
        },
      });
      const detail = await api.get('/api/segments/{key}', { params: { key: segment.key }, query: { limit: 10 } });
      setSaved({ segment, members: detail.members });
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setStep('idle');
    }
  };

  const busy = step !== 'idle';
  const conflict = error instanceof ApiError && error.status === 409;
  return (
    <div className="modal-backdrop" onClick={busy ? undefined : onClose}>
      <form className="modal" onSubmit={submit} onClick={(e) => e.stopPropagation()} aria-label={m('save.title')} data-testid="save-segment-dialog">
        <h2>{m('save.title')}</h2>
        {saved ? (
          <div className="form-ok" role="status" data-testid="save-segment-done">
            <p>{m('save.done', { name: saved.segment.name, n: formatNumber(saved.segment.customers, locale) })}</p>
            {saved.members.length > 0 && (
              <ul className="ca-members">
                {saved.members.map((row, i) => {
                  const id = String(row.customer_id ?? row.customerId ?? row.id ?? '');
                  const label = String(row.name ?? id);
                  return (
                    <li key={`${id}-${i}`}>
                      <a href={pageHref('customers', [id])} onClick={go}>
                        {label}
                      </a>
                      {label !== id && <span className="muted"> {id}</span>}
                    </li>
                  );
                })}
              </ul>
            )}
            <a href={pageHref('customers', [], { tab: 'segments' })} onClick={go} data-testid="save-segment-link">
              {m('save.open')}
            </a>
          </div>
        ) : (
          <>
            <p className="muted">{m('save.explain', { n: formatNumber(customers, locale) })}</p>
            <label>
              {m('save.name')}
              <input
                name="name"
                value={name}
                required
                maxLength={200}
                onChange={(e) => {
                  setName(e.target.value);
                  if (!keyTouched) setKey(keyOf(e.target.value));
                }}
              />
            </label>
            <label>
              {m('save.key')}
              <input
                name="key"
                value={key}
                required
                maxLength={64}
                pattern="[\p{L}\p{N}_][\p{L}\p{N}_.:\-]{0,63}"
                onChange={(e) => {
                  setKey(e.target.value);
                  setKeyTouched(true);
                }}
              />
              <span className="muted ca-small">{m('save.keyHint')}</span>
            </label>
            <label>
              {m('save.description')}
              <textarea name="description" rows={2} maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} />
            </label>
            {conflict && (
              <label className="inline">
                <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} data-testid="save-segment-replace" /> {m('save.replace')}
              </label>
            )}
            {error && (
              <div className="form-error" role="alert">
                {error instanceof ApiError && error.status === 403 ? `${m('save.forbidden')} ` : ''}
                {error.message}
                {error instanceof ApiError && <code className="err-code"> ({error.code})</code>}
              </div>
            )}
            {busy && (
              <div className="muted" role="status">
                {step === 'analysis' ? m('save.step1') : m('save.step2')}
              </div>
            )}
          </>
        )}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            {saved ? m('close') : m('cancel')}
          </button>
          {!saved && (
            <button type="submit" className="btn btn-primary" disabled={busy || !name.trim() || !key} data-testid="save-segment-submit">
              {m('save.submit')}
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
