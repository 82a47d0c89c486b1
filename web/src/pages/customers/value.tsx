import { Empty } from '../../components/States.js';
import { useM } from './messages.js';

export default function Placeholder() {
  const { m } = useM();
  return <Empty title={m('soon')} />;
}
