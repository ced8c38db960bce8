/** The settings every in-runtime test runs with (see `vitest.config.ts`). */
export const TEST_VARS = {
  ENVIRONMENT: "test",
  PUBLIC_URL: "https://invitations.test",
  EMAIL_TRANSPORT: "outbox",
  EMAIL_FROM: "Invitations <invitations@example.test>",
  SECRET_KEY: "sk_test_0123456789abcdef0123456789abcdef",
  SESSION_JWT_SECRET: "test-session-secret-0123456789abcdef0123456789",
  TICKET_SECRET: "test-ticket-secret-0123456789abcdef0123456789ab",
  INVITATION_TTL_DAYS: "30",
  BULK_MAX: "1000",
  WEBHOOK_SECRET_KEY: "test-webhook-secret-key-0123456789abcdef0123456789",
} as const;
