import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client.js';
import { LanguageSwitch } from './UserMenu.js';
import { useT } from '../i18n/index.js';
import type { Me } from './session.js';

export function LoginPage({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const { t } = useT();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const s = await api.post('/api/auth/login', { body: { login, password } });
      onSignedIn(s.user);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login-screen">
      <form className="login-card" onSubmit={submit} aria-label={t('login.title')}>
        <div className="brand brand-large">
          <span className="brand-mark">≋</span> {t('app.name')}
          <span className="brand-tag">{t('app.tagline')}</span>
        </div>
        <h1>{t('login.title')}</h1>
        <label>
          {t('login.login')}
          <input name="login" autoComplete="username" value={login} onChange={(e) => setLogin(e.target.value)} required autoFocus />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && (
          <div className="form-error" role="alert">
            {t('login.failed')}: {error}
          </div>
        )}
        <button className="btn btn-primary" type="submit" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
        <LanguageSwitch />
      </form>
    </div>
  );
}
