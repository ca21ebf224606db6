// The Probot app: `gastownApp` is what `probot run`, createNodeMiddleware and the Actions entry
// load. It only wires events to handlers; the handlers call town/ use cases.
import type { ApplicationFunction, Probot } from "probot";
import { routeEvents } from "./router.ts";
import { type AppRuntimeOptions, createRuntime } from "./runtime.ts";

export { ROUTED_EVENTS, type RoutedEvent } from "./router.ts";

export interface GastownAppOptions extends AppRuntimeOptions {
  /**
   * The app's own login, whose comments are ignored. Default: `<slug>[bot]` from GitHub's
   * `GET /app` (asked once), else `gastown[bot]` when the app runs on a plain token.
   */
  appLogin?: string;
}

/** The app's login: asked of GitHub once, with the default when the app has no JWT (token mode). */
function appLoginOf(app: Probot, fixed: string | undefined): () => Promise<string> {
  let login: Promise<string> | undefined;
  return () => {
    login ??=
      fixed !== undefined
        ? Promise.resolve(fixed)
        : app
            .auth()
            .then((octokit) => octokit.rest.apps.getAuthenticated())
            .then(({ data }) => `${data?.slug ?? "gastown"}[bot]`)
            .catch(() => "gastown[bot]");
    return login;
  };
}

/** Builds the app function with its own config cache and delivery memory. */
export function createGastownApp(options: GastownAppOptions = {}): ApplicationFunction {
  return (app: Probot) => {
    routeEvents(app, { runtime: createRuntime(options), appLogin: appLoginOf(app, options.appLogin) });
  };
}

/** The Gas Town app with default settings. */
export const gastownApp: ApplicationFunction = createGastownApp();
