// Polecats are named from a themed pool, as in Gas Town: names people can say out loud and tell
// apart in a busy convoy. The default theme is the wasteland of Mad Max: Fury Road. A name is
// also a branch component (`polecat/<name>/<issue>`) and a mail address part, hence the pattern.

/** What a polecat name may look like: a letter or digit, then letters, digits, `_` or `-`. */
export const POLECAT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/** The default pool, in the order names are handed out. */
export const DEFAULT_POLECAT_NAMES: readonly string[] = [
  "furiosa",
  "nux",
  "slit",
  "rictus",
  "toast",
  "capable",
  "dag",
  "cheedo",
  "angharad",
  "valkyrie",
  "ace",
  "morsov",
  "keeper",
  "corpus",
  "organic",
  "scabrous",
  "splendid",
  "miss-giddy",
  "bullet-farmer",
  "people-eater",
  "doof",
  "coma",
  "immortan",
  "praetorian",
  "buzzard",
  "rock-rider",
  "war-boy",
  "gastown",
  "citadel",
  "vuvalini",
];
