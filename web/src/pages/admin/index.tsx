import { PageHeader } from '../../components/Card.js';
import { Empty } from '../../components/States.js';
import { useT } from '../../i18n/index.js';

export default function AdminPage() {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t('nav.admin')} />
      <Empty title={t('common.comingSoon')} />
    </>
  );
}
