import type { Router } from "../router.ts";

export function register(_router: Router): void {}
