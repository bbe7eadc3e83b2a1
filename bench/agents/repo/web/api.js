// A small client for the warehouse HTTP API, with retries for flaky networks.

const DEFAULT_BASE = "/api/v1";
const RETRIES = 3;
const RETRY_DELAY_MS = 250;

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

class Api {
  constructor(fetchImpl, base = DEFAULT_BASE) {
    this.fetch = fetchImpl;
    this.base = base;
    this.token = null;
  }

  headers() {
    const headers = { "Content-Type": "application/json" };
    if (this.token) {
      headers.Authorization = `Bearer ${this.token}`;
    }
    return headers;
  }

  async request(method, path, body) {
    let lastError = null;
    for (let attempt = 0; attempt < RETRIES; attempt++) {
      try {
        const response = await this.fetch(this.base + path, {
          method,
          headers: this.headers(),
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (response.status >= 500) {
          lastError = new ApiError(response.status, `server error on ${path}`);
          await sleep(RETRY_DELAY_MS * (attempt + 1));
          continue;
        }
        if (!response.ok) {
          throw new ApiError(response.status, `${method} ${path} failed`);
        }
        return response.status === 204 ? null : response.json();
      } catch (err) {
        if (err instanceof ApiError) {
          throw err;
        }
        lastError = err;
        await sleep(RETRY_DELAY_MS * (attempt + 1));
      }
    }
    throw lastError;
  }

  login(user, password) {
    return this.request("POST", "/login", { user, password }).then((answer) => {
      this.token = answer.token;
      return answer;
    });
  }

  stock(sku) {
    return this.request("GET", `/stock/${encodeURIComponent(sku)}`);
  }

  reserve(sku, location, quantity) {
    return this.request("POST", "/reservations", { sku, location, quantity });
  }

  cancel(reservationId) {
    return this.request("DELETE", `/reservations/${reservationId}`);
  }
}

module.exports = { Api, ApiError, RETRIES };
