import type { CleaningRule } from './types.js';

/** Stable rule names: they appear in import logs and in CleanConfig.disabled. */
export const RULE = {
  trim: 'trim',
  nullTokens: 'null_tokens',
  fullwidth: 'fullwidth_to_halfwidth',
  t2s: 'traditional_to_simplified',
  id: 'id_normalize',
  phone: 'phone_e164',
  email: 'email_normalize',
  date: 'date_parse',
  timestamp: 'timestamp_parse',
  amount: 'amount_parse',
  number: 'number_parse',
  region: 'region_normalize',
  gender: 'gender_normalize',
  bool: 'bool_normalize',
  enum: 'enum_normalize',
  json: 'json_parse',
} as const;

export type RuleName = (typeof RULE)[keyof typeof RULE];

export const RULES: readonly CleaningRule[] = [
  {
    name: RULE.trim,
    description: 'Strips leading and trailing whitespace (incl. ideographic space U+3000, NBSP, zero-width characters and BOM); an empty value becomes missing.',
    descriptionZh: '去除首尾空白（含全角空格、不间断空格、零宽字符和 BOM），空值视为缺失。',
  },
  {
    name: RULE.nullTokens,
    description: 'Placeholders such as NULL, N/A, -, 无, 空, (空) and #N/A become missing values.',
    descriptionZh: 'NULL、N/A、-、无、空、(空)、#N/A 等占位符视为缺失值。',
  },
  {
    name: RULE.fullwidth,
    description: 'Full-width letters, digits and punctuation (Ａ１！) become half-width ASCII; in free text only letters, digits and the ideographic space are converted.',
    descriptionZh: '全角字母、数字和标点转为半角；自由文本只转换字母、数字和全角空格。',
  },
  {
    name: RULE.t2s,
    description: 'Traditional Chinese becomes Simplified Chinese (OpenCC), when switched on for the import.',
    descriptionZh: '繁体中文转为简体中文（OpenCC），需在导入时开启。',
  },
  {
    name: RULE.id,
    description: 'Identifiers spoiled by spreadsheets are repaired: 17850.0 → 17850, 1.785E+04 → 17850.',
    descriptionZh: '修复被表格软件改写的编号：17850.0 → 17850，1.785E+04 → 17850。',
  },
  {
    name: RULE.phone,
    description:
      'Mainland mobile and landline numbers (with +86/0086/86, separators, area codes in parentheses, extensions) and 400/800 numbers become E.164 (+8613812345678); +852/+853/+886 numbers are kept; anything else is invalid.',
    descriptionZh: '大陆手机号、固话（含 +86/0086/86 前缀、分隔符、括号区号、分机号）及 400/800 号码转为 E.164 格式（+8613812345678）；港澳台号码保留；其他视为无效。',
  },
  {
    name: RULE.email,
    description: 'Email addresses are lower-cased and checked (name@domain.tld); anything else is invalid.',
    descriptionZh: '邮箱地址转为小写并校验格式（name@domain.tld），不符合的视为无效。',
  },
  {
    name: RULE.date,
    description: 'Dates in common Chinese and international forms (2023-10-15, 2023/1/5, 2023.10.15, 20231015, 2023年10月15日, 10/15/2023, Excel serial numbers) become DATE; impossible dates are invalid.',
    descriptionZh: '常见日期格式（2023-10-15、2023/1/5、2023.10.15、20231015、2023年10月15日、10/15/2023、Excel 序列号）转为日期；不存在的日期视为无效。',
  },
  {
    name: RULE.timestamp,
    description:
      'Date-times in the same forms, with times such as 14:30, 14:30:15.123 or 14时30分, ISO 8601 with Z or an offset (converted to the business time zone), become TIMESTAMP in the business time zone.',
    descriptionZh: '日期时间（含 14:30、14:30:15.123、14时30分，以及带 Z 或时区偏移的 ISO 8601，换算到业务时区）转为业务时区的时间戳。',
  },
  {
    name: RULE.amount,
    description: 'Money: currency signs (¥ ￥ RMB CNY 元 $), thousands separators, 万/亿 multipliers, (1,234.50) and trailing minus for negatives; rounded half away from zero to 2 decimals.',
    descriptionZh: '金额：去除货币符号（¥ ￥ RMB CNY 元 $）和千分位，识别“万”“亿”，(1,234.50) 和尾部负号表示负数；四舍五入到分。',
  },
  {
    name: RULE.number,
    description: 'Numbers: thousands separators, 万/亿 multipliers and negatives as for money; 12.5% → 0.125 on decimal fields; whole-number fields reject fractions.',
    descriptionZh: '数值：千分位、“万”“亿”、负数写法同金额；小数字段中 12.5% → 0.125；整数字段不接受小数。',
  },
  {
    name: RULE.region,
    description:
      'Provinces, cities and districts in full, short, traditional or English form (广东, 粤, Guangdong, 深圳, 南山) become the official name, with the 6-digit GB/T 2260 code in the sibling *_code column; districts are resolved within their city or province.',
    descriptionZh: '省、市、区县的全称、简称、繁体或英文（广东、粤、Guangdong、深圳、南山）转为官方名称，并在 *_code 列写入 6 位 GB/T 2260 代码；区县在所属城市或省份内匹配。',
  },
  {
    name: RULE.gender,
    description: '男/男性/M/male/先生/1 → male, 女/女性/F/female/女士/2 → female (GB/T 2261.1); 0, 9 and missing → unknown; anything else → unknown and flagged.',
    descriptionZh: '男/男性/M/male/先生/1 → male，女/女性/F/female/女士/2 → female（GB/T 2261.1）；0、9 和缺失 → unknown；其他值 → unknown 并标记。',
  },
  {
    name: RULE.bool,
    description: '是/否, Y/N, yes/no, true/false, 1/0, 对/错, √/×, 有/无, T/F become true/false; anything else is invalid.',
    descriptionZh: '是/否、Y/N、yes/no、true/false、1/0、对/错、√/×、有/无、T/F 转为布尔值，其他视为无效。',
  },
  {
    name: RULE.enum,
    description:
      "Chinese and English synonyms (天猫 → tmall, 已发货 → shipped, 赢单 → won …) map to the field's vocabulary, case-insensitively; unrecognised values become unknown/other where the vocabulary has it, and are flagged.",
    descriptionZh: '中英文同义词（天猫 → tmall、已发货 → shipped、赢单 → won 等）不区分大小写映射到字段取值；无法识别的值记为 unknown/other（若取值中有）并标记。',
  },
  {
    name: RULE.json,
    description: 'JSON fields must hold valid JSON; anything else is invalid.',
    descriptionZh: 'JSON 字段必须是合法 JSON，否则视为无效。',
  },
];
