import { useState, type FormEvent } from 'react';
import { api, type ResponseOf } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { setParams, useLocation } from '../../app/router.js';
import { Card } from '../../components/Card.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { Empty, Loadable } from '../../components/States.js';
import { formatDateTime } from '../../i18n/format.js';
import { FormError } from './common.js';
import { useM } from './messages.js';

type Token = ResponseOf<'GET /api/users/{login}/tokens'>['tokens'][number];
type Created = ResponseOf<'POST /api/users/{login}/tokens'>;

/** The secret of a new token, shown this once, with a copy button. */
function Secret({ created, close }: { created: Created; close: () => void }) {
  const { m } = useM();
  const [copied, setCopied] = useState(false);
  const copy = () => {
    const done = () => setCopied(true);
    if (navigator.clipboard?.writeText) navigator.clipboard.writeText(created.token).then(done, () => selectSecret());
    else selectSecret();
  };
  const selectSecret = () => {
    const el = document.querySelector<HTMLInputElement>('[data-testid=token-secret]');
    el?.select();
  };
  return (
    <div className="secret" data-testid="token-created" role="status">
      <div className="state-title">{m('tokens.secretTitle', { name: created.name })}</div>
      <p className="muted">{m('tokens.secretHint')}</p>
      <div className="secret-row">
        <input className="secret-value" readOnly value={created.token} data-testid="token-secret" onFocus={(e) => e.target.select()} />
        <button type="button" className="btn" data-testid="token-copy" onClick={copy}>
          {copied ? `✓ ${m('tokens.copied')}` : m('tokens.copy')}
        </button>
        <button type="button" className="btn btn-primary" data-testid="token-secret-done" onClick={close}>
          {m('tokens.done')}
        </button>
      </div>
    </div>
  );
}

function UserTokens({ login }: { login: string }) {
  const { m, locale } = useM();
  const state = useApi((signal) => api.get('/api/users/{login}/tokens', { params: { login }, signal }), [login]);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<Created | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const create = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    api.post('/api/users/{login}/tokens', { params: { login }, body: { name: name.trim() } }).then(
      (t) => {
        setBusy(false);
        setCreated(t);
        setName('');
        state.reload();
      },
      (err: unknown) => {
        setBusy(false);
        setError(err instanceof Error ? err : new Error(String(err)));
      },
    );
  };
  const revoke = (t: Token) => {
    if (!window.confirm(m('tokens.revokeConfirm', { name: t.name, login: t.login }))) return;
    setError(undefined);
    api.delete('/api/tokens/{id}', { params: { id: t.tokenId } }).then(
      () => state.reload(),
      (err: unknown) => setError(err instanceof Error ? err : new Error(String(err))),
    );
  };
  const cols: Column<Token>[] = [
    { key: 'tokenId', header: '#', numeric: true },
    { key: 'name', header: m('tokens.name'), cell: (t) => <span data-testid={`token-${t.tokenId}`}>{t.name}</span> },
    { key: 'createdAt', header: m('tokens.created'), cell: (t) => formatDateTime(t.createdAt, locale) },
    { key: 'lastUsedAt', header: m('tokens.lastUsed'), cell: (t) => (t.lastUsedAt ? formatDateTime(t.lastUsedAt, locale) : '–') },
    { key: 'revokedAt', header: m('tokens.state'), cell: (t) => (t.revokedAt ? <span className="state-off">{m('tokens.revoked', { at: formatDateTime(t.revokedAt, locale) })}</span> : <span className="state-on">{m('tokens.activeState')}</span>) },
    { key: 'actions', header: '', sortValue: () => 0, cell: (t) => (t.revokedAt ? null : (
      <button type="button" className="btn-link btn-danger" data-testid={`revoke-${t.tokenId}`} onClick={() => revoke(t)}>{m('tokens.revoke')}</button>
    )) },
  ];
  return (
    <Card title={m('tokens.title', { login })} testId="tokens">
      {created && <Secret created={created} close={() => setCreated(undefined)} />}
      <form className="token-create" onSubmit={create}>
        <input type="text" value={name} required maxLength={100} placeholder={m('tokens.namePlaceholder')} aria-label={m('tokens.name')} data-testid="token-name" onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()} data-testid="token-create">
          {m('tokens.create')}
        </button>
      </form>
      <FormError error={error} />
      <Loadable state={state} isEmpty={(d) => d.tokens.length === 0} empty={<Empty title={m('tokens.empty')} hint={m('tokens.emptyHint')} />}>
        {(d) => <DataTable columns={cols} rows={d.tokens} rowKey={(t) => String(t.tokenId)} testId="tokens-table" initialSort={{ key: 'tokenId', desc: true }} />}
      </Loadable>
    </Card>
  );
}

/** The Tokens tab: choose a user (?user=), list their API tokens, create one (secret shown once), revoke. */
export default function TokensTab() {
  const { m } = useM();
  const loc = useLocation();
  const users = useApi((signal) => api.get('/api/users', { signal }), []);
  const chosen = loc.search.get('user') ?? users.data?.users[0]?.login;
  return (
    <div className="admin-tokens">
      <label className="inline">
        <span className="muted">{m('tokens.user')}</span>
        <select value={chosen ?? ''} data-testid="token-user" onChange={(e) => setParams({ user: e.target.value })}>
          {(users.data?.users ?? []).map((u) => (
            <option key={u.login} value={u.login}>
              {u.login}
              {u.displayName ? ` · ${u.displayName}` : ''} ({m(`role.${u.role}`)})
            </option>
          ))}
        </select>
      </label>
      <Loadable state={users}>{() => (chosen ? <UserTokens key={chosen} login={chosen} /> : <Empty />)}</Loadable>
    </div>
  );
}
