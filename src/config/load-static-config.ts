/**
 * Loads the static configuration from ONE source, as Traefik does (its loaders run in order and
 * the first that finds something wins): a configuration file (`--configFile`, or the first file
 * found in the default places), else the command-line flags, else the environment.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Diagnostic } from './diagnostics.ts';
import { unsupportedStaticKeys } from './static-unsupported-keys.ts';
import { mergeTrees, parseFlags, readEnvironment } from './static-sources.ts';
import { parseStaticConfig, staticSectionNames, type StaticConfig } from './static.ts';
import { parseTomlSource } from './toml-source.ts';
import { workersOverride } from './static-workers.ts';
import { parseYamlSource } from './yaml-source.ts';

/** Inputs of `loadStaticConfig`; `readFile` returns null when the file does not exist. */
export interface LoadStaticOptions {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly readFile?: (path: string) => string | null;
}

/** The loaded configuration (null on errors), its diagnostics, and the file used if any. */
export interface LoadedStaticConfig {
  readonly config: StaticConfig | null;
  readonly diagnostics: Diagnostic[];
  readonly configFile: string | null;
}

function readFileOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') return null;
    throw error;
  }
}

/**
 * Where Traefik looks for `traefik.{toml,yaml,yml}`, in order; Switchyard looks for
 * `switchyard.{toml,yaml,yml}` first in each folder.
 */
export function defaultConfigFileCandidates(env: Readonly<Record<string, string | undefined>>, cwd: string): string[] {
  const folders = ['/etc/traefik'];
  if (env['XDG_CONFIG_HOME'] !== undefined && env['XDG_CONFIG_HOME'] !== '') folders.push(env['XDG_CONFIG_HOME']);
  if (env['HOME'] !== undefined && env['HOME'] !== '') folders.push(join(env['HOME'], '.config'));
  folders.push(cwd);
  const out: string[] = [];
  for (const folder of folders) {
    for (const base of ['switchyard', 'traefik']) {
      for (const ext of ['toml', 'yaml', 'yml']) out.push(join(folder, `${base}.${ext}`));
    }
  }
  return out;
}

function staticRoots(): string[] {
  // `workers` is read apart from the one source (workersOverride), never as an ignored variable.
  const roots = staticSectionNames.filter((name) => name !== 'workers');
  for (const pattern of unsupportedStaticKeys) if (pattern.length === 1) roots.push(pattern[0]!);
  return roots;
}

function parseFile(path: string, text: string): LoadedStaticConfig {
  const lower = path.toLowerCase();
  const source = lower.endsWith('.toml') ? parseTomlSource(text, path)
    : lower.endsWith('.yml') || lower.endsWith('.yaml') ? parseYamlSource(text, path)
      : null;
  if (source === null) {
    return {
      config: null, configFile: path,
      diagnostics: [{ severity: 'error', code: 'CONFIG_UNSUPPORTED_FILE', resource: path, path: '',
        message: 'unsupported configuration file extension; expected .toml, .yaml or .yml' }],
    };
  }
  if (!source.ok) return { config: null, diagnostics: source.diagnostics, configFile: path };
  const parsed = parseStaticConfig(source.value, { resource: path, locate: source.locate });
  return { config: parsed.config, diagnostics: parsed.diagnostics, configFile: path };
}

/**
 * Loads the static configuration. Never throws on user mistakes: they are diagnostics, and
 * `config` is null when any is an error. `--workers` and `SWITCHYARD_WORKERS` set `workers`
 * whatever source the rest comes from (static-workers.ts).
 */
export function loadStaticConfig(options: LoadStaticOptions): LoadedStaticConfig {
  const loaded = loadFromOneSource(options);
  const workers = workersOverride(parseFlags(options.argv).workers, options.env);
  if (workers === undefined) return loaded;
  if (typeof workers !== 'number') return { ...loaded, config: null, diagnostics: [...loaded.diagnostics, workers] };
  return loaded.config === null ? loaded : { ...loaded, config: { ...loaded.config, workers } };
}

function loadFromOneSource(options: LoadStaticOptions): LoadedStaticConfig {
  const readFile = options.readFile ?? readFileOrNull;
  const flags = parseFlags(options.argv);
  if (flags.diagnostics.some((d) => d.severity === 'error')) {
    return { config: null, diagnostics: flags.diagnostics, configFile: null };
  }

  let file: { path: string; text: string } | undefined;
  if (flags.configFile !== undefined) {
    const path = isAbsolute(flags.configFile) ? flags.configFile : resolve(options.cwd, flags.configFile);
    const text = readFile(path);
    if (text === null) {
      return {
        config: null, configFile: null,
        diagnostics: [{ severity: 'error', code: 'STATIC_CONFIG_FILE_NOT_FOUND', resource: path, path: '',
          message: `the configuration file given by --configFile does not exist: ${path}` }],
      };
    }
    file = { path, text };
  } else {
    for (const candidate of defaultConfigFileCandidates(options.env, options.cwd)) {
      const text = readFile(candidate);
      if (text !== null) {
        file = { path: candidate, text };
        break;
      }
    }
  }

  const roots = staticRoots();
  const traefikEnv = readEnvironment(options.env, 'TRAEFIK_', roots);
  const ownEnv = readEnvironment(options.env, 'SWITCHYARD_', roots);
  const envCount = traefikEnv.count + ownEnv.count;

  if (file !== undefined) {
    const loaded = parseFile(file.path, file.text);
    const ignored: Diagnostic[] = [];
    if (flags.count > 0) {
      ignored.push({ severity: 'warning', code: 'STATIC_SOURCE_IGNORED', resource: 'command line', path: '',
        message: `${flags.count} configuration flag(s) ignored: the configuration file ${file.path} is used, and Traefik reads only one source (file, else flags, else environment)` });
    }
    if (envCount > 0) {
      ignored.push({ severity: 'warning', code: 'STATIC_SOURCE_IGNORED', resource: 'environment', path: '',
        message: `${envCount} configuration environment variable(s) ignored: the configuration file ${file.path} is used, and Traefik reads only one source` });
    }
    return { ...loaded, diagnostics: [...ignored, ...loaded.diagnostics] };
  }

  if (flags.count > 0) {
    const parsed = parseStaticConfig(flags.tree, { resource: 'command line' });
    const ignored: Diagnostic[] = envCount === 0 ? [] : [{
      severity: 'warning', code: 'STATIC_SOURCE_IGNORED', resource: 'environment', path: '',
      message: `${envCount} configuration environment variable(s) ignored: flags are used, and Traefik reads only one source`,
    }];
    return { config: parsed.config, diagnostics: [...ignored, ...parsed.diagnostics], configFile: null };
  }

  // SWITCHYARD_ variables win over TRAEFIK_ ones for the same key.
  const parsed = parseStaticConfig(mergeTrees(traefikEnv.tree, ownEnv.tree), { resource: 'environment' });
  return { config: parsed.config, diagnostics: parsed.diagnostics, configFile: null };
}
