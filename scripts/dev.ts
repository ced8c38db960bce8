/**
 * `npm run dev`: everything a newcomer needs, offline. Creates `.dev.vars` from the committed
 * example, applies the local D1 migrations, seeds the demo organization, prints how to call the
 * API, then runs `wrangler dev` (local D1, queues and rate limits under workerd).
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { SignJWT } from "jose";
import { localDatabaseSteps, OFFLINE_ENV, runWranglerStep } from "./local-wrangler.ts";

const PORT = process.env.PORT ?? "8787";

function readDevVars(): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of readFileSync(".dev.vars", "utf8").split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (match?.[1] && match[2] !== undefined) vars[match[1]] = match[2].replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("Created .dev.vars from .dev.vars.example");
}
for (const step of localDatabaseSteps()) {
  try {
    runWranglerStep(step);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
  console.log(`✓ ${step.label}`);
}

const vars = readDevVars();
const secret = new TextEncoder().encode(vars.SESSION_JWT_SECRET ?? "");
const token = await new SignJWT({ email: "admin@demo.test", org_id: "org_demo" })
  .setProtectedHeader({ alg: "HS256" })
  .setSubject("user_demo_admin")
  .setIssuedAt()
  .setExpirationTime("30d")
  .sign(secret);
const base = `http://localhost:${PORT}`;

console.log(`
Demo organization: org_demo (admin: user_demo_admin <admin@demo.test>)

Invite someone with the backend secret key:
  curl -s ${base}/v1/organizations/org_demo/invitations \\
    -H 'Authorization: Bearer ${vars.SECRET_KEY}' -H 'Content-Type: application/json' \\
    -d '{"email_address":"ada@example.com","role":"basic_member"}'

List invitations as the demo admin's session (token valid 30 days):
  curl -s '${base}/v1/organizations/org_demo/invitations?initialPage=1&pageSize=10' \\
    -H 'Authorization: Bearer ${token}'

Emails land in the dev mailbox: ${base}/dev/mailbox   API docs: ${base}/docs
Admin console: ${base}/console (sign in as any demo user or invitee at ${base}/dev/login)
`);

const dev = spawn("npx", ["wrangler", "dev", "--port", PORT, "--ip", "127.0.0.1"], {
  stdio: "inherit",
  env: OFFLINE_ENV,
});
dev.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => dev.kill(signal));
