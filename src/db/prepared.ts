/**
 * Reads whose SQL drizzle builds once per isolate, then only binds. Drizzle compiles a query
 * builder to SQL on every call, and on the hot reads (the caller's access, a list page and its
 * total) that compilation was the largest share of the request's CPU after D1 itself. A shape is
 * built with placeholders under a key naming everything that changes its SQL; each request fills
 * the placeholders and runs the bound statements, alone or as one D1 batch. Keys come from code,
 * never from raw input (a list's shape is one of at most 32 status sets × address filter or not
 * × 4 orders), so the cache cannot grow with traffic.
 */
import { fillPlaceholders, type Query } from "drizzle-orm";
import type { PreparedQueryConfig, SQLitePreparedQuery } from "drizzle-orm/sqlite-core";
import type { Database } from "./client";

/** What drizzle's `.prepare()` gives for a select: its SQL, and the mapping of D1's rows. */
type PreparedShape<R> = SQLitePreparedQuery<PreparedQueryConfig & { all: R }>;

interface CachedShape<R> {
  shape: PreparedShape<R>;
  query: Query;
  statement: D1PreparedStatement;
}

/** A read with its values bound: run it with `runRead`, or several with `runReads`. */
export interface BoundRead<R> {
  /** The SQL and the filled parameters, exactly as D1 runs them (what EXPLAIN is shown). */
  readonly query: Query;
  readonly statement: D1PreparedStatement;
  readonly map: (result: D1Result) => R;
}

const shapesByDatabase = new WeakMap<Database, Map<string, CachedShape<unknown>>>();

/**
 * The read `key` names, built by `build` the first time this isolate sees the key, bound to
 * `values` (by placeholder name). The key must name every input that changes the SQL text.
 */
export function bindRead<R>(
  db: Database,
  key: string,
  build: () => PreparedShape<R>,
  values: Record<string, unknown>,
): BoundRead<R> {
  let shapes = shapesByDatabase.get(db);
  if (!shapes) {
    shapes = new Map();
    shapesByDatabase.set(db, shapes);
  }
  let cached = shapes.get(key) as CachedShape<R> | undefined;
  if (!cached) {
    const shape = build();
    const query = shape.getQuery();
    cached = { shape, query, statement: db.$client.prepare(query.sql) };
    shapes.set(key, cached as CachedShape<unknown>);
  }
  const { shape, query, statement } = cached;
  const params = fillPlaceholders(query.params, values);
  return {
    query: { sql: query.sql, params },
    statement: statement.bind(...params),
    // D1's batch answers rows as objects; drizzle maps them exactly as its own batch does.
    map: (result) => shape.mapResult(result, true) as R,
  };
}

type Results<T extends readonly BoundRead<unknown>[]> = {
  -readonly [K in keyof T]: T[K] extends BoundRead<infer R> ? R : never;
};

/** Runs bound reads in one D1 batch: one round trip, one consistent snapshot. */
export async function runReads<const T extends readonly BoundRead<unknown>[]>(
  db: Database,
  reads: T,
): Promise<Results<T>> {
  const results = await db.$client.batch(reads.map((r) => r.statement));
  return reads.map((read, i) => read.map(results[i] as D1Result)) as Results<T>;
}

/** Runs one bound read. */
export async function runRead<R>(db: Database, read: BoundRead<R>): Promise<R> {
  const [result] = await runReads(db, [read] as const);
  return result as R;
}

/**
 * A read whose shape varies with its values (an `IN` list of any length): built and bound now,
 * not cached, so it can join a batch of cached reads.
 */
export function readOnce<R>(db: Database, prepared: PreparedShape<R>): BoundRead<R> {
  const query = prepared.getQuery();
  return {
    query,
    statement: db.$client.prepare(query.sql).bind(...query.params),
    map: (result) => prepared.mapResult(result, true) as R,
  };
}

/**
 * Reads gathered from several places into one D1 batch: `add` hands back a getter for the read's
 * rows, valid once `run` has resolved.
 */
export class ReadBatch {
  readonly #reads: BoundRead<unknown>[] = [];
  #results: unknown[] | null = null;

  add<R>(read: BoundRead<R>): () => R {
    const index = this.#reads.push(read) - 1;
    return () => {
      if (!this.#results) throw new Error("ReadBatch: read before run()");
      return this.#results[index] as R;
    };
  }

  async run(db: Database): Promise<void> {
    this.#results = this.#reads.length > 0 ? await runReads(db, this.#reads) : [];
  }
}
