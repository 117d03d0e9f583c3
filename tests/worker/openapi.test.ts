import { describe, expect, it } from "vitest";
import { ApiClient } from "../support/client.ts";

describe("OpenAPI", () => {
  it("serves an OpenAPI 3.1 document of the whole API, generated from the zod schemas", async () => {
    const res = await new ApiClient().get("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    for (const path of [
      "/api/auth/sign-in/email",
      "/api/v1/entities",
      "/api/v1/entities/{entity}/customers",
      "/api/v1/entities/{entity}/customers/{id}",
      "/api/v1/entities/{entity}/prices",
      "/api/v1/entities/{entity}/pricing/preview",
      "/api/v1/entities/{entity}/quotes/{id}/publish",
      "/api/v1/public/quotes/{token}/accept",
      "/api/v1/entities/{entity}/events",
      "/api/v1/entities/{entity}/tax-rates",
      "/api/v1/entities/{entity}/invoices",
      "/api/v1/entities/{entity}/invoices/{id}/finalize",
      "/api/v1/entities/{entity}/invoices/{id}/payment-status",
      "/api/v1/entities/{entity}/invoices/{id}/pdf",
      "/api/v1/entities/{entity}/outbox",
      "/api/v1/entities/{entity}/credit-notes",
      "/api/v1/entities/{entity}/credit-notes/{id}/finalize",
      "/api/v1/public/invoices/{token}",
      "/api/v1/entities/{entity}/billing-schedules",
      "/api/v1/entities/{entity}/billing-schedules/{id}",
      "/api/v1/entities/{entity}/billing-schedules/{id}/activate",
      "/api/v1/entities/{entity}/billing-schedules/{id}/suspend",
      "/api/v1/entities/{entity}/billing-schedules/{id}/resume",
      "/api/v1/entities/{entity}/billing-schedules/{id}/cancel",
      "/api/v1/entities/{entity}/quotes/{id}/execute",
      "/api/v1/entities/{entity}/billing-runs",
      "/api/v1/entities/{entity}/billing-runs/{id}",
      "/api/v1/entities/{entity}/integrations",
      "/api/v1/entities/{entity}/integrations/xero",
      "/api/v1/entities/{entity}/integrations/xero/connect",
      "/api/v1/entities/{entity}/integrations/xero/status",
      "/api/v1/entities/{entity}/integrations/xero/mappings",
      "/api/v1/entities/{entity}/integrations/xero/options",
      "/api/v1/integrations/xero/callback",
    ]) {
      expect(Object.keys(res.body.paths)).toContain(path);
    }
    const create = res.body.paths["/api/v1/entities/{entity}/customers"].post;
    expect(create.requestBody.content["application/json"].schema).toBeDefined();
    expect(create.responses["400"].content["application/json"].schema.$ref).toBe("#/components/schemas/Error");
    expect(res.body.components.schemas.Customer.properties.legalName).toBeDefined();
    expect(res.body.components.schemas.BillingSchedule.properties.nextInvoiceDate).toBeDefined();
    expect(JSON.stringify(res.body.components.schemas.ExecutedQuote)).toContain("billingSchedule");
    const start = res.body.paths["/api/v1/entities/{entity}/billing-runs"].post;
    expect(Object.keys(start.responses)).toEqual(expect.arrayContaining(["200", "202", "400", "403", "404"]));
    expect(res.body.components.schemas.BillingRun.properties).toMatchObject({ asOf: expect.anything(), status: expect.anything(), schedules: expect.anything(), invoicesCreated: expect.anything(), invoiceIds: expect.anything() });
    expect(res.body.components.schemas.BillingRunPreview.properties.warnings).toBeDefined();
  });

  it("documents LINEAR prices with pricePerUnit (API.md price structures)", async () => {
    const res = await new ApiClient().get("/api/v1/openapi.json");
    const variants: any[] = [];
    const visit = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === "object") {
        const o = node as Record<string, any>;
        if (o.properties?.pricingType?.const === "LINEAR" || o.properties?.pricingType?.enum?.[0] === "LINEAR") variants.push(o);
        Object.values(o).forEach(visit);
      }
    };
    visit(res.body);
    expect(variants.length).toBeGreaterThan(0);
    for (const linear of variants) {
      expect(linear.required).toContain("pricePerUnit");
      expect(Object.keys(linear.properties)).not.toContain("price");
    }
  });

  it("renders the docs page with a renderer served from our own assets", async () => {
    const res = await new ApiClient().get("/api/docs");
    expect(res.status).toBe(200);
    expect(res.body).toContain("/_docs/swagger-ui-bundle.js");
    expect(res.body).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
  });
});

describe("OpenAPI — approvals", () => {
  it("documents every approval route with its schemas", async () => {
    const { paths, components } = (await new ApiClient().get("/api/v1/openapi.json")).body;
    const E = "/api/v1/entities/{entity}";
    for (const [path, method] of [
      [`${E}/quotes/{id}/submit`, "post"],
      [`${E}/quotes/{id}/withdraw`, "post"],
      [`${E}/tasks`, "get"],
      [`${E}/tasks/{id}`, "get"],
      [`${E}/tasks/{id}/approve`, "post"],
      [`${E}/tasks/{id}/reject`, "post"],
      [`${E}/members`, "get"],
    ]) {
      expect(paths[path]?.[method], `${method} ${path}`).toBeDefined();
      expect(paths[path][method].responses["409"].content["application/json"].schema.$ref).toBe("#/components/schemas/Error");
    }
    expect(paths[`${E}/tasks/{id}/reject`].post.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/RejectTask");
    expect(components.schemas.RejectTask.required).toEqual(["comment"]);
    expect(Object.keys(components.schemas.Task.properties)).toEqual(expect.arrayContaining(["assigneeUserId", "assigneeName", "requestedByName", "mode", "stepCount", "quote", "rule"]));
    expect(Object.keys(components.schemas.Quote.properties)).toEqual(expect.arrayContaining(["approval", "approvalRequired", "termsApproved", "approvedRev"]));
    expect(components.schemas.TaskDetail.allOf[1].properties.detail.properties).toHaveProperty("history");
  });
});
