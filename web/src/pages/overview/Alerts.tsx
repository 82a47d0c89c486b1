import { Card } from '../../components/Card.js';
import { useM } from './messages.js';

/** Alerts come in a later issue: a designed placeholder saying what will appear here. */
export function Alerts() {
  const { m } = useM();
  return (
    <Card title={m('alerts')} testId="overview-alerts">
      <div className="state state-empty alerts-empty">
        <div className="state-icon" aria-hidden="true">
          !
        </div>
        <div className="state-title">{m('alertsTitle')}</div>
        <div className="state-hint">{m('alertsHint')}</div>
      </div>
    </Card>
  );
}
