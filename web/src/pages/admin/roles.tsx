import { useEffect, useState } from 'react';
import { api, type ResponseOf } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { Card } from '../../components/Card.js';
import { Loadable } from '../../components/States.js';
import { FormError } from './common.js';
import { useM } from './messages.js';

type Roles = ResponseOf<'GET /api/roles'>;
type RoleRow = Roles['roles'][number];
type Permission = Roles['permissions'][number];

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** One role's row of the matrix: its own draft, saved on its own (PUT /api/roles/{role}). */
function RoleLine({ row, permissions, saved }: { row: RoleRow; permissions: readonly Permission[]; saved: (r: RoleRow) => void }) {
  const { m } = useM();
  const [draft, setDraft] = useState<Permission[]>([...row.permissions]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [ok, setOk] = useState(false);
  useEffect(() => setDraft([...row.permissions]), [row]);
  const dirty = !same(draft, row.permissions);
  const save = (perms: Permission[]) => {
    setBusy(true);
    setError(undefined);
    setOk(false);
    api.put('/api/roles/{role}', { params: { role: row.role }, body: { permissions: perms } }).then(
      (r) => {
        setBusy(false);
        setOk(true);
        saved(r);
      },
      (e: unknown) => {
        setBusy(false);
        setError(e instanceof Error ? e : new Error(String(e)));
      },
    );
  };
  return (
    <>
      <tr data-testid={`role-${row.role}`}>
        <th scope="row" className="role-name">
          {m(`role.${row.role}`)} <code className="muted">{row.role}</code>
        </th>
        {permissions.map((p) => {
          const on = draft.includes(p);
          const dflt = row.defaults.includes(p);
          return (
            <td key={p} className={`perm-cell${on !== dflt ? ' changed' : ''}`}>
              <label title={dflt ? m('roles.default') : undefined}>
                <input
                  type="checkbox"
                  data-testid={`perm-${row.role}-${p}`}
                  aria-label={`${m(`role.${row.role}`)} · ${m(`perm.${p}`)}`}
                  checked={on}
                  onChange={(e) => setDraft((d) => (e.target.checked ? [...d, p] : d.filter((x) => x !== p)))}
                />
                {dflt && <span className="default-dot" aria-label={m('roles.default')}>•</span>}
              </label>
            </td>
          );
        })}
        <td className="role-actions">
          <button type="button" className="btn btn-primary" disabled={!dirty || busy} data-testid={`save-role-${row.role}`} onClick={() => save(draft)}>
            {m('roles.save')}
          </button>
          <button type="button" className="btn" disabled={busy || same(row.permissions, row.defaults)} data-testid={`defaults-role-${row.role}`} onClick={() => save([...row.defaults])}>
            {m('roles.defaults')}
          </button>
          {dirty && <span className="muted">{m('roles.unsaved')}</span>}
          {ok && !dirty && <span className="good" data-testid={`saved-role-${row.role}`}>✓ {m('roles.saved', { role: m(`role.${row.role}`) })}</span>}
        </td>
      </tr>
      {error && (
        <tr>
          <td colSpan={permissions.length + 2}>
            <FormError error={error} />
          </td>
        </tr>
      )}
    </>
  );
}

/** The Roles tab: role × permission checkboxes, the defaults marked, saved per role. */
export default function RolesTab() {
  const { m } = useM();
  const state = useApi((signal) => api.get('/api/roles', { signal }), []);
  const [rows, setRows] = useState<Record<string, RoleRow>>({});
  return (
    <Card title={m('roles.title')} testId="roles">
      <p className="muted">{m('roles.hint')}</p>
      <Loadable state={state}>
        {(d) => (
          <div className="table-wrap">
            <table className="table matrix" data-testid="perm-matrix">
              <thead>
                <tr>
                  <th>{m('roles.role')}</th>
                  {d.permissions.map((p) => (
                    <th key={p} className="perm-head">
                      {m(`perm.${p}`)}
                      <div className="muted perm-key">{p}</div>
                    </th>
                  ))}
                  <th />
                </tr>
              </thead>
              <tbody>
                {d.roles.map((r) => (
                  <RoleLine key={r.role} row={rows[r.role] ?? r} permissions={d.permissions} saved={(x) => setRows((s) => ({ ...s, [x.role]: x }))} />
                ))}
              </tbody>
            </table>
            <p className="muted legend">
              <span className="default-dot">•</span> {m('roles.default')} · <span className="changed-swatch" /> {m('roles.changed')}
            </p>
          </div>
        )}
      </Loadable>
    </Card>
  );
}
