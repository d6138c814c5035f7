import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidTwinConfigError } from '../errors.js';

/** One message of a DMTF message registry, as the registry file writes it. */
export interface RegistryMessage {
  readonly Message: string;
  readonly NumberOfArgs?: number;
  readonly MessageSeverity?: 'OK' | 'Warning' | 'Critical';
  readonly Resolution?: string;
}

/** A message registry served under /redfish/v1/Registries and used to word messages. */
export interface LoadedRegistry {
  /** `Base` */
  readonly prefix: string;
  /** `1.22.1` */
  readonly version: string;
  /** `Base.1.22` — the prefix of every MessageId it words. */
  readonly messagePrefix: string;
  readonly fileName: string;
  /** The registry file as published, served byte for byte. */
  readonly text: string;
  readonly messages: Readonly<Record<string, RegistryMessage>>;
}

/**
 * DMTF data the simulated BMCs serve (message registries), loaded once per process
 * and shared by every BMC. It lives in the shared folder next to the repository
 * (`<repo>/../shared/redfish/registries`); pass `sharedDir` to point elsewhere.
 */
export interface RedfishSharedData {
  readonly sharedDir: string;
  readonly registries: ReadonlyMap<string, LoadedRegistry>;
  registry(prefix: string): LoadedRegistry;
}

/** Registries the twin words messages with; Base is required, the others are served when present. */
const SERVED_PREFIXES = ['Base', 'ResourceEvent', 'TaskEvent', 'SensorEvent'] as const;

const cache = new Map<string, RedfishSharedData>();

/** The repository root: the nearest folder above this file that holds package.json (works from src and dist). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '../..');
}

/** Where the shared folder is by default: `../shared` relative to the repository root. */
export function defaultSharedDir(): string {
  return resolve(repoRoot(), '../shared');
}

export function loadRedfishSharedData(options: { sharedDir?: string } = {}): RedfishSharedData {
  const sharedDir = resolve(options.sharedDir ?? defaultSharedDir());
  const cached = cache.get(sharedDir);
  if (cached) return cached;
  const folder = join(sharedDir, 'redfish', 'registries');
  let files: string[];
  try {
    files = readdirSync(folder);
  } catch {
    throw new InvalidTwinConfigError(
      `sharedDir: ${folder} does not exist — pass sharedDir (the folder that holds redfish/registries and redfish/json-schema), or put DMTF's shared data at ../shared next to the repository`,
    );
  }
  const registries = new Map<string, LoadedRegistry>();
  for (const prefix of SERVED_PREFIXES) {
    const name = files
      .filter((f) => f.startsWith(`${prefix}.`) && /^[A-Za-z]+\.\d+\.\d+\.\d+\.json$/.test(f))
      .sort((a, b) => compareVersions(versionOf(a), versionOf(b)))
      .at(-1);
    if (name === undefined) {
      if (prefix === 'Base') throw new InvalidTwinConfigError(`sharedDir: no Base message registry (Base.X.Y.Z.json) in ${folder} — copy DMTF's registries there`);
      continue;
    }
    const text = readFileSync(join(folder, name), 'utf8');
    const parsed = JSON.parse(text) as { RegistryPrefix: string; RegistryVersion: string; Messages: Record<string, RegistryMessage> };
    const [major, minor] = parsed.RegistryVersion.split('.');
    registries.set(prefix, {
      prefix,
      version: parsed.RegistryVersion,
      messagePrefix: `${prefix}.${major}.${minor}`,
      fileName: name,
      text,
      messages: parsed.Messages,
    });
  }
  const data: RedfishSharedData = {
    sharedDir,
    registries,
    registry(prefix: string): LoadedRegistry {
      const found = registries.get(prefix);
      if (!found) throw new InvalidTwinConfigError(`registry: ${prefix} is not loaded from ${folder} — add its DMTF file there`);
      return found;
    },
  };
  cache.set(sharedDir, data);
  return data;
}

function versionOf(fileName: string): string {
  return fileName.split('.').slice(1, 4).join('.');
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
