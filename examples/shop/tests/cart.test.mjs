import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CRASH, CURRENCY, DISCOUNT, LIST_PRICES, discounted, get, post } from "./api.mjs";

const stockOf = async (sku) => (await get(`/products/${sku}`)).body.stock;

describe("cart", () => {
  test("POST /cart prices the items and reserves the stock", async () => {
    if (CRASH) {
      // crash=true: the API exits under the suite; prenv must say so (exit code 2), not just "tests failed".
      const crash = await post("/admin/crash", {});
      assert.equal(crash.status, 202);
    }
    const [mugsBefore, teaBefore] = [await stockOf("MUG-002"), await stockOf("TEA-001")];
    const { status, headers, body } = await post("/cart", { items: [{ sku: "MUG-002", qty: 2 }, { sku: "TEA-001", qty: 1 }] });
    assert.equal(status, 201);
    assert.equal(headers.get("location"), `/cart/${body.id}`);
    const mug = discounted(LIST_PRICES["MUG-002"]);
    const tea = discounted(LIST_PRICES["TEA-001"]);
    assert.deepEqual(
      body.items.map((i) => [i.sku, i.qty, i.unit_price_cents, i.line_total_cents]),
      [["MUG-002", 2, mug, 2 * mug], ["TEA-001", 1, tea, tea]],
    );
    assert.equal(body.total_cents, 2 * mug + tea);
    assert.equal(body.discount_percent, DISCOUNT);
    assert.equal(body.currency, CURRENCY);
    assert.equal(await stockOf("MUG-002"), mugsBefore - 2);
    assert.equal(await stockOf("TEA-001"), teaBefore - 1);

    const saved = await get(`/cart/${body.id}`);
    assert.equal(saved.status, 200);
    assert.deepEqual(saved.body, body);
  });

  test("POST /cart refuses what is out of stock (409) or unknown (404), and reserves nothing", async () => {
    const teaBefore = await stockOf("TEA-001");
    const soldOut = await post("/cart", { items: [{ sku: "TEA-001", qty: 1 }, { sku: "BEANS-004", qty: 1 }] });
    assert.equal(soldOut.status, 409);
    assert.match(soldOut.body.error, /only 0 of BEANS-004 in stock/);
    const unknown = await post("/cart", { items: [{ sku: "NOPE-999", qty: 1 }] });
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error, /unknown sku NOPE-999/);
    assert.equal(await stockOf("TEA-001"), teaBefore, "a refused cart reserves nothing");
    assert.equal((await get("/cart/999999")).status, 404);
  });

  test("POST /cart rejects a body that is not a cart (400)", async () => {
    const cases = [
      ['{"items": [', /not JSON/],
      [{ items: [] }, /at least one item/],
      [{ items: [{ sku: "TEA-001", qty: 0 }] }, /whole number from 1 to 99/],
      [{ items: [{ sku: "TEA-001", qty: 1.5 }] }, /whole number from 1 to 99/],
    ];
    for (const [body, error] of cases) {
      const response = await post("/cart", body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(response.body.error, error);
    }
  });
});
