import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';
import type { Loaded } from '../api/use-api.js';
import { useT } from '../i18n/index.js';

export function Loading({ label }: { label?: string }) {
  const { t } = useT();
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

export function Empty({ title, hint, action }: { title?: string; hint?: string; action?: ReactNode }) {
  const { t } = useT();
  return (
    <div className="state state-empty">
      <div className="state-icon" aria-hidden="true">∅</div>
      <div className="state-title">{title ?? t('common.empty')}</div>
      {hint && <div className="state-hint">{hint}</div>}
      {action}
    </div>
  );
}

export function ErrorState({ error, retry }: { error: Error; retry?: () => void }) {
  const { t } = useT();
  const forbidden = error instanceof ApiError && error.status === 403;
  return (
    <div className="state state-error" role="alert">
      <div className="state-title">{forbidden ? t('common.noPermission') : t('common.error')}</div>
      <div className="state-hint">
        {error.message}
        {error instanceof ApiError && <code className="err-code"> ({error.code})</code>}
      </div>
      {retry && !forbidden && (
        <button type="button" className="btn" onClick={retry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

/**
 * The three states of anything loaded: first load → spinner; error → message with retry; no data → empty; else the
 * children. A reload keeps the old content visible (dimmed) instead of flashing.
 */
export function Loadable<T>({ state, isEmpty, empty, children }: { state: Loaded<T>; isEmpty?: (d: T) => boolean; empty?: ReactNode; children: (d: T) => ReactNode }) {
  if (state.error) return <ErrorState error={state.error} retry={state.reload} />;
  if (state.data === undefined) return <Loading />;
  if (isEmpty?.(state.data)) return <>{empty ?? <Empty />}</>;
  return <div className={state.loading ? 'reloading' : undefined}>{children(state.data)}</div>;
}
