/**
 * Structured JSON logs (Workers Logs indexes the fields). Callers pass facts, never secrets: no
 * keys, tokens or tickets.
 */
type Fields = Record<string, unknown>;

function write(level: "info" | "warn" | "error", message: string, fields: Fields) {
  // The entry's own level and message win over a same-named field (an error's `message`).
  const line = JSON.stringify({ ...fields, level, message });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export const log = {
  info: (message: string, fields: Fields = {}) => write("info", message, fields),
  warn: (message: string, fields: Fields = {}) => write("warn", message, fields),
  error: (message: string, fields: Fields = {}) => write("error", message, fields),
};
