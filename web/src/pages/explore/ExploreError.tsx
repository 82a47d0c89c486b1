/** An API error as the server said it: message, stable code and the field it is about. */
import { ApiError } from '../../api/client.js';
import { useT } from '../../i18n/index.js';

export function ExploreError({ error, retry }: { error: Error; retry?: () => void }) {
  const { t } = useT();
  const api = error instanceof ApiError ? error : undefined;
  return (
    <div className="state state-error" role="alert" data-testid="explore-error">
      <div className="state-title">{api?.status === 403 ? t('common.noPermission') : t('common.error')}</div>
      <div className="state-hint">
        {error.message}
        {api && (
          <code className="err-code">
            {' '}
            ({api.code}
            {api.field ? ` · ${api.field}` : ''})
          </code>
        )}
      </div>
      {retry && api?.status !== 403 && (
        <button type="button" className="btn" onClick={retry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
