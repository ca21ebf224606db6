// Who is calling, and what they may do: tokens resolve to a principal; permission checks answer
// 401, 403 or 404 the way GitHub does (a repo you cannot read does not exist for you).
import { HttpError } from "./http.ts";
import { PERMISSION_RANK, type Permission, type SimRepo, type SimState, type SimToken } from "./state.ts";

export interface Principal {
  /** `undefined` for anonymous requests. */
  token: SimToken | undefined;
  login: string | undefined;
}

export const ANONYMOUS: Principal = { token: undefined, login: undefined };

/** Resolves the `Authorization` header (`token X`, `Bearer X` or git's basic auth). */
export function authenticate(state: SimState, authorization: string | undefined): Principal {
  if (!authorization) return ANONYMOUS;
  const [scheme, value = ""] = authorization.split(/\s+/, 2);
  let secret: string;
  switch (scheme?.toLowerCase()) {
    case "token":
    case "bearer":
      secret = value;
      break;
    case "basic": {
      const decoded = Buffer.from(value, "base64").toString("utf8");
      // git sends `x-access-token:<token>`; a bare `<token>:` or `:<token>` is accepted too.
      const [user = "", pass = ""] = decoded.split(/:(.*)/s, 2);
      secret = pass || user;
      break;
    }
    default:
      throw new HttpError(401, "Bad credentials");
  }
  const token = state.tokens.get(secret);
  if (!token) throw new HttpError(401, "Bad credentials");
  return { token, login: token.login };
}

/** The permission a principal holds on a repo. */
export function permissionOn(repo: SimRepo, principal: Principal): Permission {
  const { token } = principal;
  if (!token) return repo.private ? "none" : "read";
  const fullName = `${repo.owner}/${repo.name}`.toLowerCase();
  if (token.repos && !token.repos.some((r) => r.toLowerCase() === fullName)) {
    return repo.private ? "none" : "read";
  }
  if (token.kind !== "user") return token.permission ?? "write";
  if (token.login.toLowerCase() === repo.owner.toLowerCase()) return "admin";
  const explicit = repo.collaborators.get(token.login.toLowerCase());
  if (explicit) return explicit;
  return repo.private ? "none" : "read";
}

/**
 * Throws unless the principal holds at least `needed` on the repo. Without read access the
 * repo is answered as 404 (GitHub hides private repos); with read but not enough, 403.
 */
export function requirePermission(repo: SimRepo, principal: Principal, needed: Permission): void {
  const held = permissionOn(repo, principal);
  if (PERMISSION_RANK[held] >= PERMISSION_RANK[needed]) return;
  if (held === "none") throw new HttpError(404, "Not Found");
  if (!principal.token) throw new HttpError(401, "Requires authentication");
  throw new HttpError(403, "Resource not accessible by integration");
}
