import { useState } from 'react';
import { api, type ResponseOf } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { setParams, useLocation } from '../../app/router.js';
import { useSession } from '../../app/session.js';
import { Card } from '../../components/Card.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { Loadable } from '../../components/States.js';
import { formatDateTime } from '../../i18n/format.js';
import { ROLES, type Role } from '../../../../src/accounts/roles.js';
import { FormError, ModalForm } from './common.js';
import { useM } from './messages.js';

type AdminUser = ResponseOf<'GET /api/users'>['users'][number];
type Dialog = { kind: 'add' } | { kind: 'edit'; user: AdminUser } | { kind: 'reset'; user: AdminUser };

const opt = (s: string) => (s.trim() === '' ? undefined : s.trim());
const optNull = (s: string) => (s.trim() === '' ? null : s.trim());

function Field({ label, name, value, onChange, type = 'text', required, hint, autoComplete }: { label: string; name: string; value: string; onChange: (v: string) => void; type?: string; required?: boolean; hint?: string; autoComplete?: string }) {
  return (
    <label>
      {label}
      <input name={name} type={type} value={value} required={required} autoComplete={autoComplete} onChange={(e) => onChange(e.target.value)} data-testid={`field-${name}`} />
      {hint && <span className="muted field-hint">{hint}</span>}
    </label>
  );
}

function RoleSelect({ value, onChange }: { value: Role; onChange: (r: Role) => void }) {
  const { m } = useM();
  return (
    <select name="role" value={value} onChange={(e) => onChange(e.target.value as Role)} data-testid="field-role">
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {m(`role.${r}`)} ({r})
        </option>
      ))}
    </select>
  );
}

function UserForm({ dialog, close, done }: { dialog: Exclude<Dialog, { kind: 'reset' }>; close: () => void; done: (msg: string) => void }) {
  const { m } = useM();
  const u = dialog.kind === 'edit' ? dialog.user : undefined;
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>(u?.role ?? 'viewer');
  const [displayName, setName] = useState(u?.displayName ?? '');
  const [employeeId, setEmployee] = useState(u?.employeeId ?? '');
  const [department, setDepartment] = useState(u?.department ?? '');
  const [branch, setBranch] = useState(u?.branch ?? '');
  const submit = async () => {
    if (!u) {
      const r = await api.post('/api/users', {
        body: { login: login.trim(), password, role, displayName: opt(displayName), employeeId: opt(employeeId), department: opt(department), branch: opt(branch) },
      });
      done(m('users.added', { login: r.login }));
    } else {
      const r = await api.patch('/api/users/{login}', {
        params: { login: u.login },
        body: { role, displayName: optNull(displayName), employeeId: optNull(employeeId), department: optNull(department), branch: optNull(branch) },
      });
      done(m('users.saved', { login: r.login }));
    }
  };
  return (
    <ModalForm title={u ? m('users.editTitle', { login: u.login }) : m('users.addTitle')} onClose={close} submit={submit} submitLabel={u ? m('users.edit') : m('users.add')} testId="user-form">
      {!u && <Field label={m('users.login')} name="login" value={login} onChange={setLogin} required autoComplete="off" />}
      {!u && <Field label={m('users.password')} name="password" type="password" value={password} onChange={setPassword} required hint={m('users.passwordHint')} autoComplete="new-password" />}
      <label>
        {m('users.role')}
        <RoleSelect value={role} onChange={setRole} />
      </label>
      <Field label={m('users.name')} name="displayName" value={displayName} onChange={setName} />
      <div className="form-row">
        <Field label={m('users.employee')} name="employeeId" value={employeeId} onChange={setEmployee} />
        <Field label={m('users.department')} name="department" value={department} onChange={setDepartment} />
        <Field label={m('users.branch')} name="branch" value={branch} onChange={setBranch} />
      </div>
    </ModalForm>
  );
}

function ResetForm({ user, close, done }: { user: AdminUser; close: () => void; done: (msg: string) => void }) {
  const { m } = useM();
  const [password, setPassword] = useState('');
  return (
    <ModalForm
      title={m('users.resetTitle', { login: user.login })}
      onClose={close}
      submitLabel={m('users.resetPassword')}
      testId="reset-form"
      submit={async () => {
        await api.post('/api/users/{login}/reset-password', { params: { login: user.login }, body: { password } });
        done(m('users.reset', { login: user.login }));
      }}
    >
      <p className="muted">{m('users.resetHint')}</p>
      <Field label={m('users.newPassword')} name="password" type="password" value={password} onChange={setPassword} required hint={m('users.passwordHint')} autoComplete="new-password" />
    </ModalForm>
  );
}

/** The Users tab: every user with role, org position, row scope, state and last sign-in; add, edit, disable, reset. */
export default function UsersTab() {
  const { m, t, locale } = useM();
  const { me } = useSession();
  const loc = useLocation();
  const q = (loc.search.get('uq') ?? '').trim().toLowerCase();
  const state = useApi((signal) => api.get('/api/users', { signal }), []);
  const [dialog, setDialog] = useState<Dialog | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [rowError, setRowError] = useState<Error | undefined>(undefined);
  const done = (msg: string) => {
    setDialog(undefined);
    setNotice(msg);
    setRowError(undefined);
    state.reload();
  };
  const toggle = (u: AdminUser) => {
    setNotice(undefined);
    setRowError(undefined);
    api.patch('/api/users/{login}', { params: { login: u.login }, body: { disabled: !u.disabled } }).then(
      (r) => done(r.disabled ? m('users.disabledOk', { login: r.login }) : m('users.enabledOk', { login: r.login })),
      (e: unknown) => setRowError(e instanceof Error ? e : new Error(String(e))),
    );
  };
  const cols: Column<AdminUser>[] = [
    { key: 'login', header: m('users.login'), cell: (u) => (
      <span data-testid={`user-${u.login}`}>
        <b>{u.login}</b>
        {u.login === me.login && <span className="badge">{m('users.you')}</span>}
      </span>
    ) },
    { key: 'displayName', header: m('users.name'), cell: (u) => u.displayName ?? '–' },
    { key: 'role', header: m('users.role'), cell: (u) => <span className={`role-badge role-${u.role}`}>{m(`role.${u.role}`)}</span> },
    { key: 'position', header: m('users.position'), sortValue: (u) => [u.branch, u.department, u.employeeId].join('/'), cell: (u) => (
      <span className="position">
        {[u.employeeId && `${m('users.employee')} ${u.employeeId}`, u.department && `${m('users.department')} ${u.department}`, u.branch && `${m('users.branch')} ${u.branch}`].filter(Boolean).join(' · ') || '–'}
      </span>
    ) },
    { key: 'scope', header: m('users.scope'), cell: (u) => <span className="muted scope">{u.scope}</span> },
    { key: 'state', header: m('users.state'), sortValue: (u) => (u.disabled ? 2 : u.locked ? 1 : 0), cell: (u) => (
      <span className={u.disabled ? 'state-off' : u.locked ? 'state-warn' : 'state-on'} data-testid={`user-state-${u.login}`}>
        {u.disabled ? m('users.disabled') : u.locked ? m('users.locked', { until: formatDateTime(u.lockedUntil, locale) }) : m('users.active')}
      </span>
    ) },
    { key: 'lastLoginAt', header: m('users.lastLogin'), cell: (u) => (u.lastLoginAt ? formatDateTime(u.lastLoginAt, locale) : <span className="muted">{m('users.never')}</span>) },
    { key: 'actions', header: m('users.actions'), sortValue: () => 0, cell: (u) => (
      <span className="row-actions">
        <button type="button" className="btn-link" data-testid={`edit-${u.login}`} onClick={() => setDialog({ kind: 'edit', user: u })}>{m('users.edit')}</button>
        <button type="button" className={`btn-link${u.disabled ? '' : ' btn-danger'}`} data-testid={`toggle-${u.login}`} onClick={() => toggle(u)}>{u.disabled ? m('users.enable') : m('users.disable')}</button>
        <button type="button" className="btn-link" data-testid={`reset-${u.login}`} onClick={() => setDialog({ kind: 'reset', user: u })}>{m('users.resetPassword')}</button>
      </span>
    ) },
  ];
  return (
    <Card
      title={m('users.title', { count: state.data?.users.length ?? '…' })}
      testId="users"
      actions={
        <>
          <input type="search" className="search" placeholder={m('users.search')} aria-label={t('common.search')} value={loc.search.get('uq') ?? ''} onChange={(e) => setParams({ uq: e.target.value })} />
          <button type="button" className="btn btn-primary" data-testid="add-user" onClick={() => setDialog({ kind: 'add' })}>
            + {m('users.add')}
          </button>
        </>
      }
    >
      {notice && <div className="form-ok" data-testid="users-notice">{notice}</div>}
      <FormError error={rowError} />
      <Loadable state={state}>
        {(d) => (
          <DataTable
            columns={cols}
            rows={d.users.filter((u) => !q || [u.login, u.displayName, u.employeeId, u.department, u.branch, u.role].some((s) => (s ?? '').toLowerCase().includes(q)))}
            rowKey={(u) => u.login}
            testId="users-table"
          />
        )}
      </Loadable>
      {dialog?.kind === 'reset' && <ResetForm user={dialog.user} close={() => setDialog(undefined)} done={done} />}
      {dialog && dialog.kind !== 'reset' && <UserForm dialog={dialog} close={() => setDialog(undefined)} done={done} />}
    </Card>
  );
}
