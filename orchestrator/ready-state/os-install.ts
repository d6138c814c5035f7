import { z } from 'zod';
import type { RoleSpec, RunResult } from '../annealer/index.js';
import type { RoleRunner, RunRequest } from '../engine/index.js';
import { awaitBootReport, bmcFailure, bootOnceFrom, type NodeAccess } from '../hardware/index.js';
import { moveNode } from '../lifecycle/index.js';
import { hasCapability } from '../drivers/bmc-driver.js';
import type { BootIntent, NodeProvisioning, NodeRecord, Store } from '../store/index.js';

export const OS_IMAGE_ATTRIBUTE = 'os.image';
/** `pxe` (default): network boot; `virtual-media`: the BMC mounts the provisioner's iPXE ISO and boots it once. */
export const OS_BOOT_ATTRIBUTE = 'os.boot';

export const OS_INSTALL_ROLE: RoleSpec = {
  name: 'os-install',
  requires: [],
  after: [],
  cluster: false,
  local: true,
  inputs: [OS_IMAGE_ATTRIBUTE, OS_BOOT_ATTRIBUTE],
  outputs: ['os.installed'],
  retry: { maxAttempts: 3, baseDelayMs: 30_000, maxDelayMs: 300_000 },
};

const word = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,31}$/, { error: 'must be a lower-case word (letters, digits, . -) — e.g. debian, 12' });
export const OsImage = z.object({ name: word, version: word }).strict();
type OsImage = z.infer<typeof OsImage>;

const BootMethod = z.enum(['pxe', 'virtual-media'], { error: `${OS_BOOT_ATTRIBUTE} must be "pxe" or "virtual-media"` }).default('pxe');

/** What the install runner needs of the provisioner: what a node's next network boot gets, and the ISO for virtual media. */
export interface BootIntents {
  setBootIntent(node: string, intent: BootIntent): Promise<void>;
  readonly virtualMediaImageUrl: string;
}

export interface OsInstallOptions {
  readonly store: Store;
  readonly provisioner: BootIntents;
  readonly access: NodeAccess;
  /** Give up on an install that has not reported after this long (default one hour). */
  readonly timeoutMs?: number;
  /** How often to look at the node while it installs (default 5 s). */
  readonly pollMs?: number;
}

const sameImage = (a: unknown, b: OsImage): boolean => typeof a === 'object' && a !== null && (a as OsImage).name === b.name && (a as OsImage).version === b.version;

/** Installed by us, and its agent has called in since. */
function runningAgent(p: NodeProvisioning | undefined, since: number): boolean {
  return p?.boot.kind === 'local' && p.installedAtMs !== undefined && p.installedAtMs >= since && p.agentSeenAtMs !== undefined && p.agentSeenAtMs >= p.installedAtMs;
}

/**
 * Layer 4: installs the OS by network boot. It tells the provisioner to
 * serve this node the install script, sets a one-time PXE boot override,
 * resets the host, and waits until the installer reports and the new OS's
 * agent calls in. A node already installed with this image (and whose agent
 * is up) is left alone, so re-annealing reinstalls nothing.
 */
export class OsInstallRunner implements RoleRunner {
  constructor(private readonly options: OsInstallOptions) {}

  async run(request: RunRequest, signal: AbortSignal): Promise<RunResult> {
    const { store, provisioner, access } = this.options;
    const name = request.nodeRole.node;
    const image = OsImage.safeParse(request.inputs[OS_IMAGE_ATTRIBUTE]);
    if (!image.success) {
      return { status: 'failed', message: `${OS_IMAGE_ATTRIBUTE}: ${image.error.issues.map((i) => `${i.path.join('.') || '(value)'} ${i.message}`).join('; ')} — set it to {name, version}, e.g. {name: debian, version: "12"}`, retryable: false };
    }
    const method = BootMethod.safeParse(request.inputs[OS_BOOT_ATTRIBUTE]);
    if (!method.success) return { status: 'failed', message: `${OS_BOOT_ATTRIBUTE}: ${method.error.issues[0]!.message} — leave it out for network boot`, retryable: false };
    const node = await access.node(name);
    if (!node?.bmc) return { status: 'failed', message: `node ${name} has no BMC — enroll it before installing it`, retryable: false };
    if (runningAgent(node.provisioning, 0) && sameImage(request.nodeRole.lastGood?.outputs['os.installed'], image.data)) {
      return { status: 'ok', outputs: { 'os.installed': image.data } };
    }

    const since = access.clock.now();
    await moveNode(store, name, 'provisioning', `installing ${image.data.name} ${image.data.version}`);
    await provisioner.setBootIntent(name, { kind: 'install', os: image.data });
    const bootInstaller = () =>
      access
        .withDriver(node, async (driver, bmcSignal): Promise<RunResult | undefined> => {
          const both = AbortSignal.any([signal, bmcSignal]);
          if (method.data === 'virtual-media') {
            if (!hasCapability(driver, 'virtual-media')) {
              return { status: 'failed', message: `the BMC of ${name} (${driver.protocol}) has no virtual media — install it with ${OS_BOOT_ATTRIBUTE}: pxe`, retryable: false };
            }
            await driver.insertMedia({ imageUrl: provisioner.virtualMediaImageUrl, type: 'CD' }, both);
          }
          await bootOnceFrom(node, method.data === 'virtual-media' ? 'Cd' : 'Pxe', driver, access, both);
          return undefined;
        })
        .catch(bmcFailure);
    const booted = await bootInstaller();
    if (booted) return booted;

    const timeoutMs = this.options.timeoutMs ?? 60 * 60_000;
    const reported = await awaitBootReport(
      access,
      name,
      {
        since,
        timeoutMs,
        pollMs: this.options.pollMs ?? 5_000,
        outcome: (p): RunResult | 'installed' | undefined => {
          if (p?.installFailure !== undefined) return { status: 'failed', message: `the installer on ${name} reported: ${p.installFailure}`, retryable: true };
          return runningAgent(p, since) ? 'installed' : undefined;
        },
        bootAgain: bootInstaller,
      },
      signal,
    );
    if (reported === 'installed') return method.data === 'virtual-media' ? this.ejected(node, image.data, signal) : { status: 'ok', outputs: { 'os.installed': image.data } };
    if (reported) return reported;
    return { status: 'failed', message: `${name} did not finish installing within ${Math.round(timeoutMs / 60_000)} min (no install report, or its agent never called in) — watch its console through the BMC`, retryable: true };
  }

  /** Installed from virtual media: the ISO comes out, so the next boot is the disk's and the slot is free. */
  private async ejected(node: NodeRecord, image: OsImage, signal: AbortSignal): Promise<RunResult> {
    return this.options.access
      .withDriver(node, async (driver, bmcSignal): Promise<RunResult> => {
        if (hasCapability(driver, 'virtual-media')) await driver.ejectMedia(undefined, AbortSignal.any([signal, bmcSignal]));
        return { status: 'ok', outputs: { 'os.installed': image } };
      })
      .catch(bmcFailure);
  }
}
