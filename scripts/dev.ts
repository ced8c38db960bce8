/**
 * `npm run dev`: everything a newcomer needs, offline. Creates `.dev.vars` from the committed
 * example, applies the local D1 migrations, seeds the demo organization, prints how to call the
 * API, then runs `wrangler dev` (local D1, queues and rate limits under workerd).
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { SignJWT } from "jose";

const PORT = process.env.PORT ?? "8787";
const offline = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  CI: process.env.CI ?? "1", // wrangler asks no questions
};

/** Runs a wrangler step quietly; its output is shown only when it fails. */
function run(label: string, args: string[]) {
  const result = spawnSync("npx", ["wrangler", ...args], { encoding: "utf8", env: offline });
  if (result.status !== 0) {
    console.error(
      `${label} failed (wrangler ${args.join(" ")}):\n${result.stdout}${result.stderr}`,
    );
    process.exit(result.status ?? 1);
  }
  console.log(`✓ ${label}`);
}

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
run("local D1 migrations applied", ["d1", "migrations", "apply", "DB", "--local"]);
run("demo organization seeded", [
  "d1",
  "execute",
  "DB",
  "--local",
  "--file",
  "scripts/demo-seed.sql",
]);

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
`);

const dev = spawn("npx", ["wrangler", "dev", "--port", PORT, "--ip", "127.0.0.1"], {
  stdio: "inherit",
  env: offline,
});
dev.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => dev.kill(signal));
