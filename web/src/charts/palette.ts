/** The palette: calm blues first, an accent for "good" and one for "bad". Its own module, so a page can colour things
 * without loading ECharts (echarts.ts re-exports it). */
export const PALETTE = ['#2563eb', '#0ea5e9', '#14b8a6', '#f59e0b', '#8b5cf6', '#ec4899', '#64748b', '#22c55e', '#ef4444', '#a16207'];
