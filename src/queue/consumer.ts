/**
 * The invitation-email queue's consumer, and the dead-letter queue's.
 */
export async function handleQueue(
  _batch: MessageBatch<unknown>,
  _env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  throw new Error("not implemented");
}
