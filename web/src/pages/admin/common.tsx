import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../../api/client.js';
import { useM } from './messages.js';

/** A server refusal as the form shows it: the message, its stable code and the field. */
export function FormError({ error }: { error: Error | undefined }) {
  if (!error) return null;
  return (
    <div className="form-error" role="alert" data-testid="form-error">
      {error.message}
      {error instanceof ApiError && (
        <code className="err-code">
          {' '}({error.code}
          {error.field ? ` · ${error.field}` : ''})
        </code>
      )}
    </div>
  );
}

/** A modal form: runs `submit`, shows the server's error and keeps the dialog open on failure. */
export function ModalForm({
  title,
  onClose,
  submit,
  submitLabel,
  children,
  testId,
}: {
  title: string;
  onClose: () => void;
  submit: () => Promise<void>;
  submitLabel: string;
  children: ReactNode;
  testId?: string;
}) {
  const { t } = useM();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>(undefined);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    submit().then(
      () => setBusy(false),
      (err: unknown) => {
        setBusy(false);
        setError(err instanceof Error ? err : new Error(String(err)));
      },
    );
  };
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <form className="modal admin-form" onSubmit={onSubmit} onClick={(e) => e.stopPropagation()} aria-label={title} data-testid={testId}>
        <h2>{title}</h2>
        {children}
        <FormError error={error} />
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="modal-submit">
            {submitLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
