// The one redaction function for every outward path (comments, summaries, logs, error text).
// It removes the token shapes GitHub issues, bearer headers and any extra secret the caller
// knows about (the token it was given), so a secret never reaches a place others can read.

const TOKEN_PATTERNS: readonly RegExp[] = [
  // Personal, OAuth, user-to-server, server-to-server and refresh tokens.
  /\bgh[pousr]_[A-Za-z0-9_]{16,}\b/g,
  // Fine-grained personal access tokens.
  /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g,
  // Old-style installation tokens.
  /\bv1\.[0-9a-f]{40}\b/g,
  // Anthropic API keys and Claude Code OAuth tokens (the credential a polecat's agent holds).
  /\bsk-ant-[A-Za-z0-9_-]{16,}/g,
  // Authorization headers printed whole.
  /\b(authorization:\s*)(?:token|bearer|basic)\s+[^\s"',]+/gi,
  // Credentials inside URLs (https://user:secret@host).
  /(?<=:\/\/[^/\s:@]*:)[^@\s/]+(?=@)/g,
];

export const REDACTED = "[REDACTED]";

/** Replaces known token shapes and every `secrets` value found in `text` with `[REDACTED]`. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // Very short strings would blank out ordinary words; no real token is that short.
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of TOKEN_PATTERNS) {
    out = out.replace(pattern, (_match, prefix: unknown) =>
      typeof prefix === "string" && /authorization/i.test(prefix) ? `${prefix}${REDACTED}` : REDACTED,
    );
  }
  return out;
}
