// Who may read and write an entity's approval workflow: members read, only admins write.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError } from "../support/client.ts";

const US = "/api/v1/entities/acme-us";
const DOC = { rules: [{ name: "Default", conditions: [], steps: [] }] };

describe("approval workflow — security", () => {
  let admin: ApiClient;
  beforeAll(async () => {
    admin = await ApiClient.signIn("admin@acme.test");
  });

  it.each(["finance@acme.test", "sales@acme.test", "approver@acme.test"])("%s reads but may not write", async (email) => {
    const user = await ApiClient.signIn(email);
    expect((await user.get(`${US}/approval-workflow`)).status).toBe(200);
    expectError(await user.put(`${US}/approval-workflow`, DOC), 403, "forbidden");
  });

  it("a non-member gets nothing; no session gets 401; another entity's key is refused", async () => {
    const uk = await ApiClient.signIn("uk@acme.test"); // admin of acme-uk only
    expectError(await uk.get(`${US}/approval-workflow`), 404, "entity_not_found");
    expectError(await uk.put(`${US}/approval-workflow`, DOC), 404, "entity_not_found");
    expectError(await new ApiClient().get(`${US}/approval-workflow`), 401, "unauthenticated");
    const key = (await admin.post("/api/v1/entities/acme-de/api-keys", { name: "de", role: "admin" })).body.key;
    expectError(await ApiClient.withKey(key).get(`${US}/approval-workflow`), 404, "entity_not_found");
  });

  it("an admin API key of this entity may write it", async () => {
    const key = (await admin.post(`${US}/api-keys`, { name: "workflow", role: "admin" })).body.key;
    expect((await ApiClient.withKey(key).put(`${US}/approval-workflow`, DOC)).status).toBe(200);
  });
});
