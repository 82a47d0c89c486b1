import { PageHeader } from '../../components/Card.js';
import { Empty } from '../../components/States.js';
import { useT } from '../../i18n/index.js';

export default function DataPage() {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t('nav.data')} />
      <Empty title={t('common.comingSoon')} />
    </>
  );
}
