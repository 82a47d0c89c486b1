import { ENTITIES, entity as schemaEntity, type EntityDef, type FieldDef } from '../schema/index.js';

function pick(entityName: string, fieldName: string, over: Partial<FieldDef> = {}): FieldDef {
  const f = schemaEntity(entityName)?.fields.find((x) => x.name === fieldName);
  if (!f) throw new Error(`schema has no ${entityName}.${fieldName}`);
  return { ...f, references: undefined, ...over } as FieldDef;
}

/**
 * `sales_lines`: the flat export most users have, one row per line item. It is not a table: an import
 * splits it into orders, order_items, products and returns. Fields reuse the schema's definitions.
 */
export const SALES_LINES: EntityDef = {
  name: 'sales_lines',
  label: 'Sales lines',
  labelZh: '销售明细',
  description: 'One row per line item; imported as orders + order_items + products (+ returns for negative quantities or cancellation markers).',
  key: ['order_id'],
  fields: [
    pick('orders', 'order_id', { required: true }),
    pick('orders', 'customer_id'),
    pick('orders', 'ordered_at', { required: true }),
    pick('orders', 'paid_at'),
    pick('orders', 'channel'),
    pick('orders', 'store_id'),
    pick('orders', 'status'),
    pick('order_items', 'product_id', { required: true, aliases: ['商品ID', '商品编号', '商品编码', 'SKU', '货号', '产品编号', 'StockCode', 'product', 'item_id'] }),
    pick('products', 'name', { name: 'product_name', labelZh: '商品名称', aliases: ['商品名称', '品名', '产品名称', '宝贝标题', 'Description', 'product_name'] }),
    pick('products', 'category_l1'),
    pick('products', 'category_l2'),
    pick('products', 'brand'),
    pick('order_items', 'quantity', { required: true, aliases: ['数量', '购买数量', '件数', 'Quantity', 'qty'] }),
    pick('order_items', 'unit_price', { aliases: ['单价', '成交单价', '售价', '商品单价', 'UnitPrice', 'price'] }),
    pick('order_items', 'amount', { aliases: ['金额', '小计', '行金额', '商品金额', '成交金额', 'line_amount', 'sales'] }),
    pick('order_items', 'discount', { aliases: ['优惠金额', '折扣金额', '优惠'] }),
  ],
};

export const IMPORT_TARGETS: readonly EntityDef[] = [...ENTITIES, SALES_LINES];

export function importTarget(name: string): EntityDef | undefined {
  return IMPORT_TARGETS.find((e) => e.name === name);
}
