import { nodeRoleId, type NodeRole, type RoleSpec } from './model.js';

export class InvalidRolesError extends Error {
  override name = 'InvalidRolesError';
  constructor(readonly problems: readonly string[]) {
    super(`Failed to load the roles:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * A checked set of roles: names unique, every reference known, each attribute
 * output by at most one role, and no role reaching itself through requires,
 * inputs or after. Every problem is listed at once.
 */
export class RoleCatalog {
  readonly roles: ReadonlyMap<string, RoleSpec>;
  /** Attribute → the role that outputs it. */
  private readonly owners: ReadonlyMap<string, string>;
  private readonly waiters = new Map<string, boolean>();

  constructor(specs: readonly RoleSpec[]) {
    const problems: string[] = [];
    const roles = new Map<string, RoleSpec>();
    const owners = new Map<string, string>();
    for (const role of specs) {
      if (roles.has(role.name)) problems.push(`roles.${role.name}: defined twice — give each role one definition`);
      roles.set(role.name, role);
      if (!(Number.isInteger(role.retry.maxAttempts) && role.retry.maxAttempts >= 1)) {
        problems.push(`roles.${role.name}.retry.maxAttempts: ${role.retry.maxAttempts} — use a whole number ≥ 1 (1 means no retry)`);
      }
      for (const output of role.outputs) {
        const other = owners.get(output);
        if (other !== undefined && other !== role.name) problems.push(`roles.${role.name}.outputs: ${output} is already output by ${other} — one role owns each attribute`);
        owners.set(output, role.name);
      }
    }
    for (const role of specs) {
      for (const field of ['requires', 'after'] as const) {
        for (const name of role[field]) if (!roles.has(name)) problems.push(`roles.${role.name}.${field}: unknown role ${name} — define it or remove the reference`);
      }
    }
    this.roles = roles;
    this.owners = owners;
    if (problems.length === 0) problems.push(...this.cycles());
    if (problems.length > 0) throw new InvalidRolesError(problems);
  }

  /** Hard requirements: declared ones plus the owners of the attributes the role reads. */
  requirementsOf(role: RoleSpec): string[] {
    const out = new Set(role.requires);
    for (const input of role.inputs) {
      const owner = this.owners.get(input);
      if (owner !== undefined && owner !== role.name) out.add(owner);
    }
    return [...out];
  }

  /**
   * Whether binding `role` must tell node-roles already bound about it: some
   * role waits `after` it, or it is a cluster role others require. Roles are
   * fixed once the catalog is built, so this is worked out once per role.
   */
  hasWaiters(role: RoleSpec): boolean {
    let known = this.waiters.get(role.name);
    if (known === undefined) {
      known = [...this.roles.values()].some((r) => r.after.includes(role.name) || (role.cluster && this.requirementsOf(r).includes(role.name)));
      this.waiters.set(role.name, known);
    }
    return known;
  }

  get(name: string): RoleSpec {
    const role = this.roles.get(name);
    if (!role) throw new InvalidRolesError([`role ${name}: unknown — define it first`]);
    return role;
  }

  private cycles(): string[] {
    const state = new Map<string, 'visiting' | 'done'>();
    const problems: string[] = [];
    const visit = (name: string, path: string[]): void => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'visiting') {
        problems.push(`roles.${name}: depends on itself through ${[...path.slice(path.indexOf(name)), name].join(' → ')} — break the cycle`);
        return;
      }
      state.set(name, 'visiting');
      const role = this.roles.get(name)!;
      for (const next of [...this.requirementsOf(role), ...role.after]) visit(next, [...path, name]);
      state.set(name, 'done');
    };
    for (const name of [...this.roles.keys()].sort()) visit(name, []);
    return problems;
  }
}

function newNodeRole(deployment: string, role: string, node: string): NodeRole {
  return {
    id: nodeRoleId(deployment, role, node),
    deployment,
    role,
    node,
    parents: [],
    softParents: [],
    state: { kind: 'proposed' },
    attempts: 0,
    runCount: 0,
    lastGood: undefined,
    lastError: undefined,
    attributes: {},
  };
}

function addUnique(list: readonly string[], id: string): readonly string[] {
  return list.includes(id) ? list : [...list, id].sort();
}

/**
 * Binds `role` to `node` in `deployment`, and whatever it requires: a local
 * role always on this node; a cluster role's every node-role in the deployment;
 * any other the one on this node, else the first elsewhere in the deployment;
 * a requirement found nowhere is bound on this node too. New node-roles start proposed. Returns the node-roles created or changed
 * (the caller stores them in one transaction); binding twice changes nothing.
 */
export function bindRole(catalog: RoleCatalog, nodeRoles: ReadonlyMap<string, NodeRole>, deployment: string, role: string, node: string): Map<string, NodeRole> {
  const changed = new Map<string, NodeRole>();
  const lookup = (id: string): NodeRole | undefined => changed.get(id) ?? nodeRoles.get(id);
  const inDeployment = (roleName: string): NodeRole[] => {
    const found = new Map<string, NodeRole>();
    for (const nr of nodeRoles.values()) if (nr.deployment === deployment && nr.role === roleName) found.set(nr.id, nr);
    for (const nr of changed.values()) if (nr.deployment === deployment && nr.role === roleName) found.set(nr.id, nr);
    return [...found.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  };
  const allInDeployment = (): NodeRole[] => {
    const all = new Map<string, NodeRole>();
    for (const nr of nodeRoles.values()) if (nr.deployment === deployment) all.set(nr.id, nr);
    for (const nr of changed.values()) if (nr.deployment === deployment) all.set(nr.id, nr);
    return [...all.values()];
  };

  const bind = (roleName: string): NodeRole => {
    const id = nodeRoleId(deployment, roleName, node);
    const existing = lookup(id);
    if (existing) return existing;
    const spec = catalog.get(roleName);
    let parents: readonly string[] = [];
    for (const required of catalog.requirementsOf(spec)) {
      const requiredSpec = catalog.get(required);
      const onThisNode = lookup(nodeRoleId(deployment, required, node));
      let chosen: NodeRole[];
      // A local requirement is met on this node: no need to look through the deployment for it.
      if (requiredSpec.local) chosen = [onThisNode ?? bind(required)];
      else {
        const elsewhere = inDeployment(required);
        if (requiredSpec.cluster) chosen = elsewhere.length > 0 ? elsewhere : [bind(required)];
        else chosen = [onThisNode ?? elsewhere[0] ?? bind(required)];
      }
      for (const parent of chosen) parents = addUnique(parents, parent.id);
    }
    let softParents: readonly string[] = [];
    // A local role is a fact about one node: waiting `after` it means after it on this node only.
    for (const before of spec.after) {
      const local = catalog.get(before).local;
      for (const parent of inDeployment(before)) if (!local || parent.node === node) softParents = addUnique(softParents, parent.id);
    }
    const created = { ...newNodeRole(deployment, roleName, node), parents, softParents };
    changed.set(id, created);

    // Those already waiting on this role hear of the newcomer: every cluster peer, and every `after`.
    // Most roles have no such waiters; then there is nothing to look through.
    for (const other of catalog.hasWaiters(spec) ? allInDeployment() : []) {
      if (other.id === id) continue;
      const otherSpec = catalog.get(other.role);
      let updated = other;
      if (spec.cluster && catalog.requirementsOf(otherSpec).includes(roleName)) updated = { ...updated, parents: addUnique(updated.parents, id) };
      if (otherSpec.after.includes(roleName) && (!spec.local || other.node === node)) updated = { ...updated, softParents: addUnique(updated.softParents, id) };
      if (updated !== other) changed.set(other.id, updated);
    }
    return created;
  };
  bind(role);
  return changed;
}
