/**
 * Explore: self-service analysis over the metric catalog. The view (metrics, rows, columns, compare, chart, drill
 * path, sort) lives in the URL (state.ts); the answer comes from POST /api/query (no column dimensions: compare
 * works) or POST /api/pivot (rows × columns with totals), both turned into one Grid (grid.ts) for the chart
 * (chart.ts) and the table (PivotTable). Clicks drill down (a label, a chart category) or through (a number).
 */
import { useCallback, useMemo, useState } from 'react';
import { api } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { queryScope, useShared } from '../../app/filters.js';
import { setParams, useLocation } from '../../app/router.js';
import { PageHeader } from '../../components/Card.js';
import { Loading } from '../../components/States.js';
import { Builder } from './Builder.js';
import { catalogOf, type Catalog } from './catalog.js';
import { ExploreError } from './ExploreError.js';
import { Results } from './Results.js';
import { useM } from './messages.js';
import { parseState, stateParams, type ExploreState } from './state.js';
import './explore.css';

export default function ExplorePage() {
  const { m, t } = useM();
  const metrics = useApi((signal) => api.get('/api/metrics', { signal }), []);
  const dims = useApi((signal) => api.get('/api/dimensions', { signal }), []);
  const cat = useMemo(() => (metrics.data && dims.data ? catalogOf(metrics.data.metrics, dims.data.dimensions) : undefined), [metrics.data, dims.data]);
  const err = metrics.error ?? dims.error;
  return (
    <>
      <PageHeader title={t('nav.explore')} subtitle={m('subtitle')} />
      {err ? (
        <ExploreError
          error={err}
          retry={() => {
            metrics.reload();
            dims.reload();
          }}
        />
      ) : !cat ? (
        <Loading />
      ) : (
        <Explore cat={cat} />
      )}
    </>
  );
}

function Explore({ cat }: { cat: Catalog }) {
  const loc = useLocation();
  const shared = useShared();
  const st = useMemo(() => parseState(loc.search), [loc.search]);
  const [clickThrough, setClickThrough] = useState(false);
  const update = useCallback((p: Partial<ExploreState>) => setParams(stateParams({ ...parseState(new URLSearchParams(window.location.search)), ...p }), { replace: false }), []);
  const scope = queryScope(shared);
  return (
    <div className="explore">
      <Builder cat={cat} st={st} update={update} />
      <div className="explore-main">
        <Results cat={cat} st={st} scope={scope} update={update} clickThrough={clickThrough} setClickThrough={setClickThrough} />
      </div>
    </div>
  );
}
