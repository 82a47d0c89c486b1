// Minimal typings for the parts of opencc-js 1.0.5 used here (the package ships none).
declare module 'opencc-js/t2cn' {
  export type DictLike = string | string[][];
  export type DictGroup = DictLike[];
  export const Locale: { readonly from: Readonly<Record<string, DictGroup>>; readonly to: Readonly<Record<string, DictGroup>> };
  export function ConverterFactory(...groups: DictGroup[]): (s: string) => string;
  export function Converter(options: { from: string; to: string }): (s: string) => string;
}

declare module 'opencc-js/cn2t' {
  export type DictLike = string | string[][];
  export type DictGroup = DictLike[];
  export const Locale: { readonly from: Readonly<Record<string, DictGroup>>; readonly to: Readonly<Record<string, DictGroup>> };
  export function ConverterFactory(...groups: DictGroup[]): (s: string) => string;
  export function Converter(options: { from: string; to: string }): (s: string) => string;
}
