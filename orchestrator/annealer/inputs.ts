import { hash } from 'node:crypto';
import { compareCodeUnits, inCodeUnitOrder } from './code-units.js';
import type { AnnealerView, DeploymentStatus, NodeRole, NodeStatus } from './model.js';

/**
 * JSON with object keys sorted, so equal data always hashes the same. Written
 * out rather than a JSON.stringify replacer (which copies every object to sort
 * it): digests are taken once per run, by the hundred thousand in a fleet. It
 * prints exactly what JSON.stringify would print for the key-sorted value.
 */
export function stableJson(value: unknown): string {
  return stringify(value, '') ?? 'null';
}

/** `key` is what `toJSON` is handed: an array position stays a number until some toJSON asks for it. */
function stringify(value: unknown, key: string | number): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(String(key));
  }
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'object': {
      if (value === null) return 'null';
      // Built by appending: a digest's arrays and objects are small, and a fleet takes them by the hundred thousand.
      if (Array.isArray(value)) {
        let text = '[';
        for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + (stringify(value[i], i) ?? 'null');
        return `${text}]`;
      }
      let text = '';
      for (const name of sortedKeys(value)) {
        const member = stringify((value as Record<string, unknown>)[name], name);
        if (member !== undefined) text += `${text === '' ? '' : ','}${JSON.stringify(name)}:${member}`;
      }
      return `{${text}}`;
    }
    default:
      // undefined, functions and symbols: left out of objects, null in arrays, as JSON.stringify does.
      return undefined;
  }
}

/**
 * The order an object built from key-sorted entries has: array-index keys
 * first, ascending (JavaScript puts them there whatever the insertion order),
 * then the rest by code units. Own keys already come index keys first, and
 * usually (one key, or an object built in order) already in this order.
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length === 0 || (!isArrayIndex(keys[0]!) && inCodeUnitOrder(keys))) return keys;
  let indexKeys = 0;
  while (indexKeys < keys.length && isArrayIndex(keys[indexKeys]!)) indexKeys++;
  return [...keys.slice(0, indexKeys), ...keys.slice(indexKeys).sort(compareCodeUnits)];
}

function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57 && /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}

export interface ResolvedInputs {
  /** Input attribute → value, as the run will see it. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Hash of the role, the inputs and every hard parent's outputs. */
  readonly digest: string;
}

/**
 * Resolves a node-role's inputs: an attribute some hard parent's role outputs
 * comes from that parent's last good run (from every parent, sorted by id, when
 * its role is a cluster role); any other attribute comes from the node-role,
 * else its node, else its deployment — the most specific wins. A caller that
 * holds the hard parents' records (in `parents` order, as the view has them)
 * passes them, and they are not looked up again.
 */
export function resolveInputs(view: AnnealerView, nodeRole: NodeRole, parentRecords?: ReadonlyArray<NodeRole | undefined>): ResolvedInputs {
  // Records are immutable, so the same objects mean the same answer: re-hash only
  // when what the inputs are made of changed. Keyed by the node-role's attributes
  // object, which (unlike the record) outlives every move of its state.
  const node = view.nodes.get(nodeRole.node);
  const deployment = view.deployments.get(nodeRole.deployment);
  const parents = parentRecords ?? nodeRole.parents.map((id) => view.nodeRoles.get(id));
  const cached = memo.get(nodeRole.attributes);
  if (
    cached &&
    cached.id === nodeRole.id &&
    cached.parents === nodeRole.parents &&
    cached.node === node &&
    cached.deployment === deployment &&
    cached.roles === view.roles &&
    sameRuns(parents, cached.parentRuns)
  ) {
    return cached.result;
  }
  const result = computeInputs(view, nodeRole, parents, node, deployment);
  const parentRuns = parents.map((parent) => parent?.lastGood);
  memo.set(nodeRole.attributes, { id: nodeRole.id, parents: nodeRole.parents, node, deployment, roles: view.roles, parentRuns, result });
  return result;
}

/** Whether each parent's last good run is still the one remembered (checked in place: this runs for every run a fleet starts). */
function sameRuns(parents: ReadonlyArray<NodeRole | undefined>, runs: readonly unknown[]): boolean {
  for (let i = 0; i < parents.length; i++) if (parents[i]?.lastGood !== runs[i]) return false;
  return true;
}

interface MemoEntry {
  readonly id: string;
  readonly parents: readonly string[];
  readonly node: unknown;
  readonly deployment: unknown;
  readonly roles: unknown;
  /** Each hard parent's last good run, in `parents` order: the outputs the inputs may come from. */
  readonly parentRuns: readonly unknown[];
  readonly result: ResolvedInputs;
}

const memo = new WeakMap<object, MemoEntry>();

function computeInputs(
  view: AnnealerView,
  nodeRole: NodeRole,
  parentRecords: ReadonlyArray<NodeRole | undefined>,
  node: NodeStatus | undefined,
  deployment: DeploymentStatus | undefined,
): ResolvedInputs {
  const role = view.roles.get(nodeRole.role);
  if (!role) throw new Error(`Invariant violated: node-role ${nodeRole.id} has unknown role ${nodeRole.role}`);
  const parents = parentRecords.filter((parent): parent is NodeRole => parent !== undefined);
  // Parents are usually bound in id order already: sort only when they are not.
  if (!inCodeUnitOrder(nodeRole.parents)) parents.sort((a, b) => compareCodeUnits(a.id, b.id));
  // Own properties only, read and written: an attribute named like something every object
  // inherits ("constructor", "__proto__") is data, never the prototype's.
  const entries: Array<[string, unknown]> = [];
  for (const name of role.inputs) {
    const owners = parents.filter((p) => view.roles.get(p.role)?.outputs.includes(name));
    if (owners.length > 0) {
      const clustered = view.roles.get(owners[0]!.role)?.cluster === true;
      const values = owners.map((p) => (p.lastGood && Object.hasOwn(p.lastGood.outputs, name) ? p.lastGood.outputs[name] : undefined));
      entries.push([name, clustered ? values : values[0]]);
      continue;
    }
    entries.push([name, [nodeRole.attributes, node?.attributes, deployment?.attributes].find((layer) => layer !== undefined && Object.hasOwn(layer, name))?.[name]]);
  }
  const inputs: Record<string, unknown> = Object.fromEntries(entries);
  const parentOutputs = parents.map((p) => [p.id, p.lastGood?.outputs ?? null]);
  // Keys in sorted order already: the text is the same, and nothing needs sorting.
  const digest = hash('sha256', stableJson({ inputs, parents: parentOutputs, role: role.name }), 'hex');
  return { inputs, digest };
}
