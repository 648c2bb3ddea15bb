// What the tests share: where the API is, and what this environment was booted with.
// prenv sets PRENV_API_URL (the api service's published port) and, from prenv.yml's
// test.env, the SHOP_* variables.

const url = process.env.PRENV_API_URL;
if (!url) {
  throw new Error("PRENV_API_URL is not set: run the suite with `prenv run` or `prenv test` in examples/shop, or set it to the API's address");
}
export const API = url.replace(/\/$/, "");

/** The discount and currency the environment was started with (prenv parameters). */
export const DISCOUNT = Number(process.env.SHOP_DISCOUNT_PERCENT ?? "10");
export const CURRENCY = process.env.SHOP_CURRENCY ?? "EUR";
/** The failure scenarios of README.md, switched on by the break_test and crash parameters. */
export const BREAK = process.env.SHOP_BREAK === "true";
export const CRASH = process.env.SHOP_CRASH === "true";

/** The seeded catalog (seed/full.redis): list prices in cents. */
export const LIST_PRICES = { "BEANS-004": 2400, "MUG-002": 1550, "PRESS-003": 3490, "TEA-001": 1290 };

/** The price after a discount of `percent`, rounded half up to the cent, as the API does it. */
export function discounted(cents, percent = DISCOUNT) {
  return Math.floor((cents * (100 - percent) + 50) / 100);
}

/** A request to the API: the status, headers and parsed JSON body. */
export async function call(method, path, body) {
  const init = { method, signal: AbortSignal.timeout(5000) };
  if (body !== undefined) {
    init.headers = { "content-type": "application/json" };
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(`${API}${path}`, init);
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, body: json };
}

export const get = (path) => call("GET", path);
export const post = (path, body) => call("POST", path, body);
