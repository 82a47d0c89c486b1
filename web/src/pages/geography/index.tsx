import { PageHeader } from '../../components/Card.js';
import { Empty } from '../../components/States.js';
import { useT } from '../../i18n/index.js';

export default function GeographyPage() {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t('nav.geography')} />
      <Empty title={t('common.comingSoon')} />
    </>
  );
}
