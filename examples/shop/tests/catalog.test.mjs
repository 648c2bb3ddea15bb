import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BREAK, CURRENCY, DISCOUNT, LIST_PRICES, discounted, get } from "./api.mjs";

describe("catalog", () => {
  test("GET /healthz reports the API and its Redis as up", async () => {
    const { status, body } = await get("/healthz");
    assert.equal(status, 200);
    assert.deepEqual(body, { status: "ok", redis: "PONG" });
  });

  test("GET /config shows the discount and currency the environment was booted with", async () => {
    const { status, body } = await get("/config");
    assert.equal(status, 200);
    assert.deepEqual(body, { discount_percent: DISCOUNT, currency: CURRENCY });
  });

  test("GET /products lists the seeded catalog by SKU", async () => {
    const { status, body } = await get("/products");
    assert.equal(status, 200);
    assert.deepEqual(body.products.map((p) => p.sku), Object.keys(LIST_PRICES).sort());
    assert.equal(body.currency, CURRENCY);
    for (const p of body.products) {
      assert.equal(p.list_price_cents, LIST_PRICES[p.sku], `list price of ${p.sku}`);
      assert.equal(typeof p.name, "string");
      assert.ok(p.name.length > 0, `${p.sku} has a name`);
      assert.ok(Number.isInteger(p.stock) && p.stock >= 0, `${p.sku} has a stock count`);
    }
  });

  test("prices take the configured discount off the list price", async () => {
    const { status, body } = await get("/products/TEA-001");
    assert.equal(status, 200);
    assert.equal(body.currency, CURRENCY);
    // break_test=true: this test expects 5 points of discount too many, and fails.
    const percent = BREAK ? DISCOUNT + 5 : DISCOUNT;
    assert.equal(body.price_cents, discounted(LIST_PRICES["TEA-001"], percent));
  });

  test("GET /products/<sku> answers 404 for an unknown SKU", async () => {
    const { status, body } = await get("/products/NOPE-999");
    assert.equal(status, 404);
    assert.match(body.error, /unknown sku NOPE-999/);
  });
});
