import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

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

/**
 * Inserts many rows of one entity in one statement and returns them as stored (generated ids,
 * defaults and dates included), in the order given. The rows must set the same properties (those
 * of the first row are the columns; a property a row leaves unset is stored as null). One
 * `INSERT … SELECT FROM jsonb_populate_recordset`: the values travel as one JSON document, where
 * TypeORM's insert builder spent more time building the statement and reading back the generated
 * columns than the database spent inserting.
 */
export async function insertEntities<T extends ObjectLiteral>(ds: DataSource, m: EntityManager, target: EntityTarget<T>, rows: Partial<T>[]): Promise<T[]> {
  if (!rows.length) return [];
  const meta = ds.getMetadata(target);
  const cols = meta.columns.filter((c) => (rows[0] as Record<string, unknown>)[c.propertyName] !== undefined);
  const doc = rows.map((r) => Object.fromEntries(cols.map((c) => [c.databaseName, (r as Record<string, unknown>)[c.propertyName] ?? null])));
  const names = cols.map((c) => `"${c.databaseName}"`).join(', ');
  const stored: Record<string, unknown>[] = await m.query(
    `INSERT INTO "${meta.tableName}" (${names})
     SELECT ${names} FROM ROWS FROM (jsonb_populate_recordset(NULL::"${meta.tableName}", $1::jsonb)) WITH ORDINALITY AS x ORDER BY x.ordinality
     RETURNING *`,
    [JSON.stringify(doc)],
  );
  return toEntities(ds, target, stored);
}
