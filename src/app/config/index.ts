// `.github/gastown.yml`: schema, parsing with located errors, `_extends` loading, and the last
// good config per repository.
export {
  ConfigCache,
  resolveConfig,
  type ConfigCacheOptions,
  type ConfigResolution,
  type ResolveConfigOptions,
} from "./cache.ts";
export { ConfigError, formatProblemLocation, type ConfigProblem } from "./errors.ts";
export {
  createGitHubConfigReader,
  loadConfig,
  resolveExtends,
  type ConfigFileLocation,
  type ConfigFileReader,
  type ConfigSourceKind,
  type LoadConfigOptions,
  type LoadedConfig,
} from "./load.ts";
export { formatKey } from "./issues.ts";
export { mergeConfigValues } from "./merge.ts";
export {
  mergeConfigFiles,
  parseConfig,
  readConfigFile,
  type ConfigFile,
  type ParseConfigOptions,
} from "./parse.ts";
export { DEFAULT_POLECAT_NAMES, POLECAT_NAME } from "./polecat-names.ts";
export { renderConfigProblem, type ConfigReport, type RenderConfigProblemOptions } from "./render.ts";
export {
  CONFIG_PATH,
  ConfigFileSchema,
  ConfigSchema,
  DEFAULT_CONFIG,
  PRIORITY_KEYS,
  REFINERY_MODES,
  toLabelTaxonomy,
  type GastownConfig,
  type GastownConfigInput,
  type PriorityKey,
  type RefineryMode,
} from "./schema.ts";
