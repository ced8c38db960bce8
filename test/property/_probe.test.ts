import { it } from "vitest";
import { createApp } from "../../src/app";
it("probe", () => {
  const app = createApp();
  const doc = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "x", version: "1" } });
  console.log(JSON.stringify(doc.paths, null, 0).slice(0, 6000));
  console.log(JSON.stringify(Object.keys(doc.components?.schemas ?? {})));
  console.log(JSON.stringify(doc.components?.schemas?.CreateInvitation));
});
