// The pagination half of the contract: GitHub pages lists with a `Link` header, and a sim list
// must page the same way for Octokit's `paginate` to see every item exactly once.
import type { SchemaFinding } from "./contract-schema.ts";
import type { Operation } from "./contract-spec.ts";
import type { SimRequest, SimResponse } from "./http.ts";

/**
 * GitHub paginates lists with a `Link` header: a page never holds more than `per_page` items, a
 * `next` link follows only a full page and points at the following page, and when the body
 * carries `total_count`, a `next` link is there whenever more items remain.
 */
export function checkPagination(
  op: Operation,
  documented: { headers?: Record<string, unknown> },
  exchange: { request: SimRequest; response: SimResponse },
): SchemaFinding[] {
  const { request, response } = exchange;
  const headers = response.headers ?? {};
  const link = Object.entries(headers).find(([k]) => k.toLowerCase() === "link")?.[1];
  const perPageParam = op.parameters.find((p) => p.in === "query" && p.name === "per_page");
  const documentsLink = Object.keys(documented.headers ?? {}).some((k) => k.toLowerCase() === "link");
  const out: SchemaFinding[] = [];
  if (link !== undefined && !perPageParam && !documentsLink) {
    out.push({ pointer: "", message: "Link header on an operation GitHub does not paginate", actual: link });
  }
  const malformed = { pointer: "", message: "Link header is malformed", actual: link ?? "" };
  if (!perPageParam) return out;
  const fallback = typeof perPageParam.schema?.default === "number" ? perPageParam.schema.default : 30;
  const perPage = Math.min(100, Math.max(1, Number(request.query.get("per_page") ?? fallback) || fallback));
  const page = Math.max(1, Number(request.query.get("page") ?? 1) || 1);
  const items = listOf(response.body);
  const rels = link === undefined ? new Map<string, URL>() : parseLink(link);
  if (rels === undefined) return [...out, malformed];
  if (items && items.count > perPage) {
    out.push({
      pointer: "",
      message: "page holds more items than per_page",
      expected: `≤ ${perPage}`,
      actual: String(items.count),
    });
  }
  const next = rels.get("next");
  if (next) {
    if (next.searchParams.get("page") !== String(page + 1)) {
      out.push({
        pointer: "",
        message: 'rel="next" does not point at the following page',
        expected: `page=${page + 1}`,
        actual: next.toString(),
      });
    }
    if (items && items.count < perPage) {
      out.push({
        pointer: "",
        message: 'rel="next" after a page that is not full',
        expected: `${perPage} items`,
        actual: String(items.count),
      });
    }
  } else if (items?.total !== undefined && page * perPage < items.total) {
    out.push({
      pointer: "",
      message: 'more items remain but there is no rel="next" link',
      expected: `next page (total_count ${items.total})`,
      actual: link ?? "no Link header",
    });
  }
  return out;
}

/** The items of a list body: a bare array, or `{ total_count, <one array> }` (check runs, workflow runs). */
function listOf(body: unknown): { count: number; total?: number } | undefined {
  if (Array.isArray(body)) return { count: body.length };
  if (body === null || typeof body !== "object") return undefined;
  const record = body as Record<string, unknown>;
  const arrays = Object.values(record).filter(Array.isArray);
  if (typeof record.total_count !== "number" || arrays.length !== 1) return undefined;
  return { count: arrays[0]?.length ?? 0, total: record.total_count };
}

/** Parses `<url>; rel="next", <url>; rel="last"`; `undefined` when malformed. */
function parseLink(header: string): Map<string, URL> | undefined {
  const rels = new Map<string, URL>();
  for (const part of header.split(/,\s*(?=<)/)) {
    const m = /^<([^>]+)>;\s*rel="(\w+)"$/.exec(part.trim());
    if (!m?.[1] || !m[2] || !URL.canParse(m[1])) return undefined;
    rels.set(m[2], new URL(m[1]));
  }
  return rels;
}
