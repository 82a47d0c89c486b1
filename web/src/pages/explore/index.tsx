import { PageHeader } from '../../components/Card.js';
import { Empty } from '../../components/States.js';
import { useT } from '../../i18n/index.js';

export default function ExplorePage() {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t('nav.explore')} />
      <Empty title={t('common.comingSoon')} />
    </>
  );
}
