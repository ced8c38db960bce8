/** Methods that change nothing: no webhook events, no write-path reads. */
const READ_ONLY_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const isReadOnly = (method: string) => READ_ONLY_METHODS.has(method);
