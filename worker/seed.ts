// The demo data of API.md, for the local environment only. Running it twice duplicates nothing:
// control rows are keyed by fixed ids, and each entity's demo rows are written once, in one batch
// with a seed marker, through the same change code the API uses (so they carry events and audit).
import { ChangeSet } from "./db/changes.ts";
import { createCustomer, type CustomerInput } from "./db/customers.ts";
import { demoApprovalQuoteId, demoQuoteId } from "./seed-ids.ts";
import { createPrice, createProduct, type Price, type PriceInput } from "./db/catalog.ts";
import { acceptStep, draftStep, publishStep } from "./actions/quotes.ts";
import { submitStep } from "./actions/tasks.ts";
import { insertWorkflowVersion } from "./db/approvals.ts";
import { quoteView } from "./db/quotes.ts";
import type { ApprovalContext } from "./db/tasks.ts";
import { DEFAULT_WORKFLOW, evaluateWorkflow, quoteFacts, type ApprovalWorkflow } from "./domain/approval.ts";
import { resolveApprovers } from "./domain/tasks.ts";
import type { DocumentStore } from "./actions/documents.ts";
import { DEMO_BILLING_MARKER, seedBillingLifecycle, seedBillingStep } from "./seed-billing.ts";
import { applyOps, type QuotePrice } from "./domain/quote.ts";
import type { QuoteOp } from "../party/protocol.ts";
import type { EntityRecord } from "./env.ts";
import { hashPassword } from "./lib/crypto.ts";
import type { Actor } from "../party/protocol.ts";
import type { Role } from "./domain/access.ts";
import { eq, sql } from "drizzle-orm";
import { orm, statementOf } from "./db/orm.ts";
import { entities, memberships, users } from "./db/schema/control.ts";
import { counters } from "./db/schema/entity.ts";
import { defaultMerchant, putMerchant, type Merchant } from "./db/merchant.ts";

export const DEMO_PASSWORD = "kontor-demo-password";

export const DEMO_ENTITIES = [
  { id: "ent_acme_us", slug: "acme-us", name: "Acme Inc", legalName: "Acme Inc", country: "US", currency: "USD", timezone: "America/New_York", binding: "ENTITY_ACME_US" },
  { id: "ent_acme_uk", slug: "acme-uk", name: "Acme Ltd", legalName: "Acme Ltd", country: "GB", currency: "GBP", timezone: "Europe/London", binding: "ENTITY_ACME_UK" },
  { id: "ent_acme_de", slug: "acme-de", name: "Acme GmbH", legalName: "Acme GmbH", country: "DE", currency: "EUR", timezone: "Europe/Berlin", binding: "ENTITY_ACME_DE" },
] as const;

const ALL = ["acme-us", "acme-uk", "acme-de"];
export const DEMO_USERS: { id: string; email: string; name: string; roles: Record<string, Role[]> }[] = [
  { id: "usr_admin", email: "admin@acme.test", name: "Ada Admin", roles: Object.fromEntries(ALL.map((s) => [s, ["admin"]])) },
  { id: "usr_finance", email: "finance@acme.test", name: "Fin Finance", roles: Object.fromEntries(ALL.map((s) => [s, ["finance"]])) },
  { id: "usr_sales", email: "sales@acme.test", name: "Sam Sales", roles: { "acme-us": ["sales"], "acme-uk": ["sales"] } },
  { id: "usr_approver", email: "approver@acme.test", name: "Avery Approver", roles: { "acme-us": ["approver"] } },
  { id: "usr_uk", email: "uk@acme.test", name: "Una UK", roles: { "acme-uk": ["admin"] } },
];

/** Each demo entity as a seller: what its public quote pages and PDFs show (fictional details). */
const DEMO_MERCHANTS: Record<string, Omit<Merchant, "rev" | "updatedAt" | "legalName" | "displayName" | "invoicePrefix">> = {
  "acme-us": {
    email: "billing@acme-us.test", phone: "+1 415 555 0100", website: "https://acme-us.test",
    address: { line1: "500 Market Street", line2: "Suite 1200", city: "San Francisco", region: "CA", postalCode: "94105", country: "US" },
    taxRegistrations: [{ country: "US", taxId: "12-3456789", type: "EIN" }], bankDetails: { bankName: "First Demo Bank", accountName: "Acme Inc", accountNumber: "000123456789", routingNumber: "121000358" },
    logo: null, brandColor: "#1f5fbf", defaultDueDateDays: 30,
  },
  "acme-uk": {
    email: "billing@acme-uk.test", phone: "+44 20 7946 0100", website: "https://acme-uk.test",
    address: { line1: "1 Finsbury Avenue", city: "London", postalCode: "EC2M 2PF", country: "GB" },
    taxRegistrations: [{ country: "GB", taxId: "GB123456789", type: "VAT" }], bankDetails: { bankName: "Demo Bank plc", accountName: "Acme Ltd", sortCode: "20-00-00", accountNumber: "12345678" },
    logo: null, brandColor: "#0f6b5c", defaultDueDateDays: 30,
  },
  "acme-de": {
    email: "rechnung@acme-de.test", phone: "+49 30 1234560", website: "https://acme-de.test",
    address: { line1: "Friedrichstraße 100", city: "Berlin", postalCode: "10117", country: "DE" },
    taxRegistrations: [{ country: "DE", taxId: "DE123456789", type: "USt-IdNr." }], bankDetails: { bankName: "Demobank AG", accountName: "Acme GmbH", iban: "DE89370400440532013000", bic: "COBADEFFXXX" },
    logo: null, brandColor: "#7a3db8", defaultDueDateDays: 30,
  },
};

const DEMO_CUSTOMERS: Record<string, CustomerInput[]> = {
  "acme-us": [
    { legalName: "Globex Corporation", email: "billing@globex.test", country: "US", currency: "USD", taxStatus: "TAXED", address: { line1: "1 Globex Plaza", city: "Springfield", region: "OR", postalCode: "97477", country: "US" } },
    { legalName: "Initech LLC", email: "ap@initech.test", country: "US", currency: "USD", taxStatus: "TAXED" },
    { legalName: "Umbrella Health Inc", email: "finance@umbrella.test", country: "US", currency: "USD", taxStatus: "TAX_EXEMPT" },
  ],
  "acme-uk": [
    { legalName: "Wonka Industries Ltd", email: "accounts@wonka.test", country: "GB", currency: "GBP", taxStatus: "TAXED", taxId: "GB123456789", address: { line1: "1 Chocolate Way", city: "London", postalCode: "EC1A 1BB", country: "GB" } },
    { legalName: "Stark Europe BV", email: "ap@stark.test", country: "NL", currency: "EUR", taxStatus: "REVERSE_CHARGED", taxId: "NL123456789B01" },
  ],
  "acme-de": [
    { legalName: "Müller & Söhne GmbH", email: "buchhaltung@mueller.test", country: "DE", currency: "EUR", taxStatus: "TAXED", taxId: "DE123456789", address: { line1: "Hauptstraße 1", city: "Berlin", postalCode: "10115", country: "DE" } },
    { legalName: "Tyrell France SAS", email: "compta@tyrell.test", country: "FR", currency: "EUR", taxStatus: "REVERSE_CHARGED", taxId: "FR12345678901" },
  ],
};

type DemoPrice = Omit<PriceInput, "productId" | "currency"> & { key: string };
/** The same catalog in each entity's own currency. */
const DEMO_CATALOG: { key: string; name: string; description: string; prices: DemoPrice[] }[] = [
  {
    key: "platform",
    name: "Kontor Platform",
    description: "The platform subscription",
    prices: [
      { key: "monthly", name: "Platform — monthly", billingFrequency: "MONTHLY", billingType: "IN_ADVANCE", structure: { pricingType: "FIXED", price: "1250.00" } },
      { key: "yearly", name: "Platform — yearly", billingFrequency: "YEARLY", billingType: "IN_ADVANCE", structure: { pricingType: "FIXED", price: "12000.00" } },
    ],
  },
  {
    key: "seats",
    name: "User seats",
    description: "Named users",
    prices: [{ key: "monthly", name: "Seats — monthly", billingFrequency: "MONTHLY", billingType: "IN_ADVANCE", structure: { pricingType: "SEAT_BASED", pricePerSeat: "15.00", contractedMinimumSeats: 5 } }],
  },
  {
    key: "api",
    name: "API calls",
    description: "Metered API usage",
    prices: [
      {
        key: "graduated",
        name: "API calls — graduated",
        billingFrequency: "MONTHLY",
        billingType: "IN_ARREARS",
        structure: { pricingType: "GRADUATED", tiers: [{ upperBound: "10000", price: "0" }, { upperBound: "100000", price: "0.002" }, { price: "0.001" }] },
      },
    ],
  },
  {
    key: "storage",
    name: "Storage",
    description: "Document storage in 100 GB packs",
    prices: [{ key: "package", name: "Storage — 100 GB packs", billingFrequency: "MONTHLY", billingType: "IN_ADVANCE", structure: { pricingType: "PACKAGE", packageSize: "100", pricePerPackage: "25.00" } }],
  },
  {
    key: "onboarding",
    name: "Onboarding",
    description: "One-time implementation",
    prices: [{ key: "once", name: "Onboarding — one time", billingFrequency: "ONE_TIME", billingType: "IN_ADVANCE", structure: { pricingType: "ONE_TIME", price: "5000.00" } }],
  },
];

/** acme-us's approval workflow (the pinned demo): big discounts to an approver; large deals to an approver, then every admin. */
export const DEMO_WORKFLOWS: Record<string, ApprovalWorkflow> = {
  "acme-us": {
    rules: [
      { name: "Big discount", conditions: [{ field: "maxDiscountPercent", op: "gt", value: "20" }], steps: [{ approvers: { roles: ["approver"], userIds: [] }, mode: "ANY" }] },
      {
        name: "Large deal",
        conditions: [{ field: "totalContractValue", op: "gt", value: "100000" }],
        steps: [
          { approvers: { roles: ["approver"], userIds: [] }, mode: "ANY" },
          { approvers: { roles: ["admin"], userIds: [] }, mode: "ALL" },
        ],
      },
      { name: "Default", conditions: [], steps: [] },
    ],
  },
};

const DEMO_SEED_MARKER = "demo_seed";
const SEED_ACTOR: Actor = { type: "system", id: "seed", name: "Demo seed" };

export async function seedControlPlane(control: D1Database, environment: string) {
  if (environment !== "local") throw new Error(`demo data is for the local environment only, not ${environment}`);
  const now = new Date().toISOString();
  const d = orm(control);
  const statements: D1PreparedStatement[] = [];
  for (const e of DEMO_ENTITIES) {
    statements.push(statementOf(control, d.insert(entities).values({ ...e, environment: "local", status: "ACTIVE", createdAt: now }).onConflictDoNothing()));
  }
  const existing = new Set((await d.select({ id: users.id }).from(users)).map((r) => r.id));
  for (const user of DEMO_USERS) {
    if (!existing.has(user.id)) {
      statements.push(
        statementOf(
          control,
          d.insert(users).values({ id: user.id, email: user.email, name: user.name, passwordHash: await hashPassword(DEMO_PASSWORD), createdAt: now }).onConflictDoNothing(),
        ),
      );
    }
    for (const [slug, roles] of Object.entries(user.roles)) {
      const entity = DEMO_ENTITIES.find((e) => e.slug === slug)!;
      statements.push(statementOf(control, d.insert(memberships).values({ userId: user.id, entityId: entity.id, roles, createdAt: now }).onConflictDoNothing()));
    }
  }
  await control.batch(statements);
}

/**
 * One entity's demo rows in one batch; then (with a document store) its invoices' lifecycle, once.
 * Returns whether the batch was written now.
 */
export async function seedEntity(db: D1Database, slug: string, store?: DocumentStore): Promise<boolean> {
  const seeded = await seedEntityBatch(db, slug);
  const entity = DEMO_ENTITIES.find((e) => e.slug === slug);
  if (entity && store && !(await hasMarker(db, DEMO_BILLING_MARKER))) {
    await seedBillingLifecycle(db, { ...entity, environment: "local", status: "ACTIVE" }, SEED_ACTOR, store, slug.replace("acme-", ""));
    await orm(db).insert(counters).values({ name: DEMO_BILLING_MARKER, value: 1 }).onConflictDoNothing();
  }
  return seeded;
}

const hasMarker = async (db: D1Database, name: string) => Boolean(await orm(db).select().from(counters).where(eq(counters.name, name)).get());

async function seedEntityBatch(db: D1Database, slug: string): Promise<boolean> {
  if (await hasMarker(db, DEMO_SEED_MARKER)) return false;
  const changes = new ChangeSet(db, SEED_ACTOR, null);
  const customers = (DEMO_CUSTOMERS[slug] ?? []).map((customer) => createCustomer(changes, customer));
  const entity = DEMO_ENTITIES.find((e) => e.slug === slug);
  if (entity) {
    const key = slug.replace("acme-", "");
    const prices = new Map<string, QuotePrice>();
    for (const product of DEMO_CATALOG) {
      createProduct(changes, { name: product.name, description: product.description }, `prod_${key}_${product.key}`);
      for (const price of product.prices) {
        const created: Price = createPrice(changes, { ...price, productId: `prod_${key}_${product.key}`, currency: entity.currency }, `price_${key}_${product.key}_${price.key}`);
        prices.set(created.id, { ...created, productName: product.name });
      }
    }
    const record: EntityRecord = { ...entity, environment: "local", status: "ACTIVE" };
    const base = defaultMerchant(record);
    const seller = putMerchant(changes, base, { ...base, ...DEMO_MERCHANTS[slug] });
    const workflow = DEMO_WORKFLOWS[slug];
    if (workflow) insertWorkflowVersion(changes, { ...DEFAULT_WORKFLOW, version: 0, updatedAt: null }, workflow);
    const approval: ApprovalContext = { workflow: workflow ?? DEFAULT_WORKFLOW, latest: new Map() };
    seedQuotes(changes, record, customers.filter((c) => c.currency === entity.currency), prices, key, { seller, approval });
    seedBillingStep(changes, record, customers.filter((c) => c.currency === entity.currency), prices, key);
  }
  changes.add(changes.orm.insert(counters).values({ name: DEMO_SEED_MARKER, value: 1 }));
  await changes.commit();
  return true;
}

/** A draft, a published and an accepted quote per entity, through the same domain rules as the API. */
function seedQuotes(
  changes: ChangeSet,
  entity: EntityRecord,
  customers: { id: string; legalName: string; email: string }[],
  prices: Map<string, QuotePrice>,
  key: string,
  { seller, approval }: { seller: Merchant; approval: ApprovalContext },
) {
  const line = (priceKey: string, quantity: string, discount: { type: "PERCENTAGE" | "NOMINAL"; value: string } | null = null) => ({ priceId: `price_${key}_${priceKey}`, quantity, discount });
  const demo = [
    { title: "Platform + seats — first year", status: "DRAFT", lines: [line("platform_monthly", "1"), line("seats_monthly", "12", { type: "PERCENTAGE", value: "10" })] },
    { title: "Annual platform with onboarding", status: "PUBLISHED", lines: [line("platform_yearly", "1"), line("onboarding_once", "1", { type: "NOMINAL", value: "500.00" })] },
    { title: "Usage-based API package", status: "ACCEPTED", lines: [line("platform_monthly", "1"), line("api_graduated", "25000"), line("storage_package", "250")] },
    // Where a workflow is written: a 25 % discount, submitted by sales, waiting in the approver's inbox.
    ...(approval.workflow.rules.length > 1 ? [{ title: "Platform launch — 25% discount", status: "PENDING", lines: [line("platform_monthly", "2", { type: "PERCENTAGE", value: "25" })] }] : []),
  ] as const;
  demo.forEach((d, i) => {
    const customer = customers[i % customers.length];
    const number = i + 1;
    // The pending one's id sorts below the others' (lists are newest id first; "the newest draft" stays demo1).
    const id = d.status === "PENDING" ? demoApprovalQuoteId(key) : demoQuoteId(key, number);
    let afterId: string | null = null;
    const ops: QuoteOp[] = d.lines.map((l, n) => {
      const op: QuoteOp = { op: "insertLine", afterId, line: { id: `ln_${key}_${number}_${n}`, ...l } };
      afterId = op.line.id;
      return op;
    });
    const { content } = applyOps({ title: d.title, currency: entity.currency, dealType: "NEW_BUSINESS", expiryDays: 30, notes: null, startDate: null, contractLengthMonths: 12, lines: [] }, ops, prices);
    // The same steps the API takes, chained in the seed's one batch.
    let { quote, view } = draftStep(changes, { id, quoteNumber: `Q${String(number).padStart(5, "0")}`, customerId: customer.id, content }, prices, null, approval);
    if (d.status === "DRAFT") return;
    if (d.status === "PENDING") return seedSubmission(changes, { quote, view, prices, approval, customerName: customer.legalName, slug: entity.slug });
    quote = publishStep(changes, quote, { entity, customer, seller, prices, token: `${entity.id}.demo-${key}-${number}`, origin: null, approval }).quote;
    if (d.status === "ACCEPTED") acceptStep(changes, quote, { name: "Dana Buyer", email: customer.email }, prices, null, approval);
  });
  changes.add(
    changes.orm
      .insert(counters)
      .values({ name: "quote_number", value: demo.length })
      .onConflictDoUpdate({ target: counters.name, set: { value: sql`MAX(${counters.value}, excluded.value)` } }),
  );
}

/** Submitted by sales@acme.test, as the API would: the workflow's steps resolved among the demo members. */
function seedSubmission(
  changes: ChangeSet,
  input: { quote: Parameters<typeof submitStep>[1]["before"]; view: ReturnType<typeof quoteView>; prices: Map<string, QuotePrice>; approval: ApprovalContext; customerName: string; slug: string },
) {
  const members = DEMO_USERS.filter((u) => u.roles[input.slug]).map((u) => ({ userId: u.id, name: u.name, email: u.email, roles: u.roles[input.slug] }));
  const sales = DEMO_USERS.find((u) => u.email === "sales@acme.test")!;
  const evaluation = evaluateWorkflow(input.approval.workflow, quoteFacts(input.view));
  const steps = evaluation.steps.map((step) => ({ mode: step.mode, approvers: resolveApprovers(step, members) }));
  submitStep(
    changes,
    { before: input.quote, current: input.view, prices: input.prices, origin: null, approval: input.approval, ruleName: evaluation.rule.name, steps, customerName: input.customerName },
    { type: "user", id: sales.id, name: sales.name },
  );
}

export async function seedDemo(env: Record<string, unknown>, environment: string) {
  await seedControlPlane(env.CONTROL as D1Database, environment);
  for (const e of DEMO_ENTITIES) await seedEntity(env[e.binding] as D1Database, e.slug, env.DOCUMENTS as DocumentStore | undefined);
}
