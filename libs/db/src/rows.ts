import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

type Pairs = [property: string, column: string][];
const columnsOf = new WeakMap<object, Pairs>();

/**
 * Maps rows of a plain SQL query (`SELECT <table>.* ...`) to entities: each column's value is
 * copied to its property, as the pg driver parsed it (the entities use no transformers, so this is
 * what TypeORM would set). For the hot paths: TypeORM's query builder spends more time generating
 * the SQL and mapping the result than the database spends answering a one-row read.
 */
export function toEntities<T extends ObjectLiteral>(ds: DataSource, target: EntityTarget<T>, rows: Record<string, unknown>[]): T[] {
  const meta = ds.getMetadata(target);
  let pairs = columnsOf.get(meta);
  if (!pairs) {
    pairs = meta.columns.map((c) => [c.propertyName, c.databaseName]);
    columnsOf.set(meta, pairs);
  }
  return rows.map((row) => {
    const e = meta.create() as T;
    for (const [property, column] of pairs) (e as Record<string, unknown>)[property] = row[column];
    return e;
  });
}

/**
 * `SET` assignments for a partial entity, with their values numbered from `$first`: column names
 * from the entity's metadata, jsonb values serialised (pg would send an array as a PostgreSQL
 * array), and `updated_at = now()` when the entity has an update date and the patch does not set it.
 */
export function setClause<T extends ObjectLiteral>(ds: DataSource, target: EntityTarget<T>, patch: Partial<T>, first: number): { sql: string; values: unknown[] } {
  const meta = ds.getMetadata(target);
  const parts: string[] = [];
  const values: unknown[] = [];
  for (const [property, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const col = meta.findColumnWithPropertyName(property);
    if (!col) throw new Error(`${meta.name} has no column for ${property}`);
    values.push(col.type === 'jsonb' && value !== null ? JSON.stringify(value) : value);
    parts.push(`"${col.databaseName}" = $${first + values.length - 1}`);
  }
  const updated = meta.updateDateColumn;
  if (updated && !(updated.propertyName in patch)) parts.push(`"${updated.databaseName}" = now()`);
  return { sql: parts.join(', '), values };
}
