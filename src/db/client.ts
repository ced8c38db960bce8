import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = DrizzleD1Database<typeof schema> & { $client: D1Database };

// drizzle() walks the whole schema to build its relational config: do that once per binding
// (per isolate), not on every request.
const handles = new WeakMap<D1Database, Database>();

/** The drizzle handle for a D1 binding. */
export function openDatabase(d1: D1Database): Database {
  let db = handles.get(d1);
  if (!db) {
    db = drizzle(d1, { schema });
    handles.set(d1, db);
  }
  return db;
}
