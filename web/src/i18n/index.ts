/**
 * Languages: zh-CN (default for a Chinese browser) and English, switchable from the user menu and remembered.
 * Labels that come from the server (metric and dimension names) are already {en, zh}: see `label()`.
 */
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { en, type MessageKey } from './en.js';
import { zhCN } from './zh-CN.js';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
const STORAGE_KEY = 'tidemark.locale';

function initialLocale(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return typeof navigator !== 'undefined' && navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng: initialLocale(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18next.language;

export function setLocale(l: Locale): void {
  localStorage.setItem(STORAGE_KEY, l);
  document.documentElement.lang = l;
  void i18next.changeLanguage(l);
}

/** t() restricted to the keys that exist, plus the current locale. */
export function useT(): { t: (key: MessageKey, vars?: Record<string, unknown>) => string; locale: Locale } {
  const { t, i18n } = useTranslation();
  return { t: (key, vars) => t(key, vars ?? {}) as string, locale: (i18n.language === 'en' ? 'en' : 'zh-CN') as Locale };
}

/** A server label ({en, zh} or a plain string) in the current language. */
export function label(l: unknown, locale: Locale): string {
  if (l && typeof l === 'object') {
    const o = l as { en?: string; zh?: string };
    return (locale === 'en' ? (o.en ?? o.zh) : (o.zh ?? o.en)) ?? '';
  }
  return l === undefined || l === null ? '' : String(l);
}

export type { MessageKey };

/**
 * A page's own labels, registered as an i18next namespace so pages do not share one big file:
 *   const useM = defineMessages('customers', { title: 'Customers' }, { title: '客户' });
 *   const { m } = useM(); m('title')
 * zh-CN must have exactly the English keys (a type error otherwise).
 */
export function defineMessages<E extends Record<string, string>>(ns: string, enMessages: E, zhMessages: { readonly [K in keyof E]: string }) {
  i18next.addResourceBundle('en', ns, enMessages, true, true);
  i18next.addResourceBundle('zh-CN', ns, zhMessages, true, true);
  return function useMessages(): { m: (key: keyof E & string, vars?: Record<string, unknown>) => string; t: ReturnType<typeof useT>['t']; locale: Locale } {
    const { t: tn } = useTranslation(ns);
    const base = useT();
    return { m: (key, vars) => tn(key, vars ?? {}) as string, t: base.t, locale: base.locale };
  };
}
