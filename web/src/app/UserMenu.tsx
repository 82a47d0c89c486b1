import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client.js';
import { LOCALES, setLocale, useT, type Locale } from '../i18n/index.js';
import { useSession } from './session.js';

export function LanguageSwitch() {
  const { t, locale } = useT();
  return (
    <div className="lang-switch" role="group" aria-label={t('user.language')}>
      {LOCALES.map((l: Locale) => (
        <button key={l} type="button" className={`chip${l === locale ? ' active' : ''}`} aria-pressed={l === locale} onClick={() => setLocale(l)} data-locale={l}>
          {t(`locale.${l}`)}
        </button>
      ))}
    </div>
  );
}

function PasswordDialog({ onClose }: { onClose: () => void }) {
  const { t } = useT();
  const [cur, setCur] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) return setMsg({ ok: false, text: t('password.mismatch') });
    try {
      await api.post('/api/auth/password', { body: { currentPassword: cur, newPassword: next } });
      setMsg({ ok: true, text: t('password.changed') });
    } catch (err) {
      setMsg({ ok: false, text: err instanceof ApiError ? err.message : String(err) });
    }
  };
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <form className="modal" onSubmit={submit} onClick={(e) => e.stopPropagation()} aria-label={t('user.password')}>
        <h2>{t('user.password')}</h2>
        <label>
          {t('password.current')}
          <input type="password" autoComplete="current-password" value={cur} onChange={(e) => setCur(e.target.value)} required />
        </label>
        <label>
          {t('password.new')}
          <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required />
        </label>
        <label>
          {t('password.confirm')}
          <input type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required />
        </label>
        {msg && <div className={msg.ok ? 'form-ok' : 'form-error'} role="status">{msg.text}</div>}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.close')}
          </button>
          <button type="submit" className="btn btn-primary">
            {t('password.save')}
          </button>
        </div>
      </form>
    </div>
  );
}

export function UserMenu() {
  const { t } = useT();
  const { me, signedOut } = useSession();
  const [open, setOpen] = useState(false);
  const [pw, setPw] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const close = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, []);
  const logout = async () => {
    try {
      await api.post('/api/auth/logout');
    } finally {
      signedOut();
    }
  };
  return (
    <div className="user-menu" ref={ref}>
      <button type="button" className="user-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="user-menu">
        <span className="avatar" aria-hidden="true">{(me.displayName ?? me.login).slice(0, 1).toUpperCase()}</span>
        <span className="user-name">{me.displayName ?? me.login}</span>
      </button>
      {open && (
        <div className="menu" role="menu">
          <div className="menu-info">
            <div>{me.login}</div>
            <div className="muted">
              {t('user.role')}: {me.role}
              {me.employeeId ? ` · ${me.employeeId}` : me.department ? ` · ${me.department}` : me.branch ? ` · ${me.branch}` : ''}
            </div>
          </div>
          <div className="menu-section">
            <div className="muted">{t('user.language')}</div>
            <LanguageSwitch />
          </div>
          <button type="button" role="menuitem" className="menu-item" onClick={() => (setPw(true), setOpen(false))}>
            {t('user.password')}
          </button>
          <button type="button" role="menuitem" className="menu-item" onClick={logout} data-testid="logout">
            {t('user.logout')}
          </button>
        </div>
      )}
      {pw && <PasswordDialog onClose={() => setPw(false)} />}
    </div>
  );
}
