import { PageHeader } from '../../components/Card.js';
import { Empty } from '../../components/States.js';
import { defineMessages } from '../../i18n/index.js';

const useM = defineMessages('overview', { soon: 'The cockpit is being built.' }, { soon: '驾驶舱正在建设中。' });

export default function OverviewPage() {
  const { m, t } = useM();
  return (
    <>
      <PageHeader title={t('nav.overview')} />
      <Empty title={m('soon')} />
    </>
  );
}
