import type {
  BiosConfigurator,
  BiosPendingResult,
  BiosSettings,
  BiosValue,
  BmcCapability,
  BmcDriver,
  BootOverride,
  BootOverrideReader,
  BootOverrideState,
  EventSubscriber,
  EventSubscription,
  EventSubscriptionSpec,
  FruInventory,
  FruReader,
  HardwareInventory,
  HardwareInventoryReader,
  OperationOutcome,
  PowerAction,
  PowerState,
  RaidConfigurator,
  RaidVolume,
  RaidVolumeSpec,
  VirtualMediaController,
  VirtualMediaSlot,
  VirtualMediaType,
} from '../bmc-driver.js';
import { NotSupportedError } from '../errors.js';
import { readBios, stageBios } from './bios.js';
import { disableBootOverride, readBootOverride, writeBootOverride } from './boot.js';
import { RedfishClient } from './client.js';
import { resolveConfig, type RedfishDriverConfig, type ResolvedConfig } from './config.js';
import { subscribe, unsubscribe } from './events.js';
import { fru, identity, readInventory, type RedfishIdentity } from './inventory.js';
import { NodeHttpTransport } from './node-transport.js';
import { link, optObject } from './payload.js';
import { changePower, readPowerState } from './power.js';
import { createVolume, deleteVolume, listVolumes } from './raid.js';
import { discover, type Ctx, type Service } from './service.js';
import { ejectMedia, insertMedia, listVirtualMedia } from './virtual-media.js';

/** What the driver can do before it has seen the service; narrowed to what the service offers once it has. */
const ALL: readonly BmcCapability[] = ['power', 'boot-override', 'inventory', 'bios', 'raid', 'virtual-media', 'event-subscription'];

/**
 * A BMC over Redfish. Follows the service's links and annotations, keeps vendor
 * quirks in profiles (./profiles.ts), and fails with typed `BmcError`s only.
 * One driver per BMC; `close()` logs out and drops its connections.
 */
export class RedfishDriver
  implements BmcDriver, FruReader, HardwareInventoryReader, BootOverrideReader, BiosConfigurator, RaidConfigurator, VirtualMediaController, EventSubscriber
{
  readonly protocol = 'redfish' as const;
  private readonly cfg: ResolvedConfig;
  private readonly client: RedfishClient;
  private service: Promise<Service> | undefined;
  private caps: ReadonlySet<BmcCapability> = new Set(ALL);

  constructor(config: RedfishDriverConfig) {
    this.cfg = resolveConfig(config);
    if (this.cfg.insecureSkipVerify) {
      this.cfg.log.warn(`Redfish BMC ${this.cfg.bmc}: TLS certificate verification is OFF (tls.insecureSkipVerify) — anyone on the path can read the BMC password; trust its CA with tls.caCertificates instead`);
    }
    const transport =
      this.cfg.transport ??
      new NodeHttpTransport({
        ...(this.cfg.caCertificates === undefined ? {} : { caCertificates: this.cfg.caCertificates }),
        insecureSkipVerify: this.cfg.insecureSkipVerify,
        keepAlive: this.cfg.keepAlive,
      });
    this.client = new RedfishClient(this.cfg, transport);
  }

  /** Before the first call: everything the driver implements; after it: what this BMC offers. */
  get capabilities(): ReadonlySet<BmcCapability> {
    return this.caps;
  }

  /** The vendor profile in use, once the service has been read. */
  get profile(): string | undefined {
    return this.resolvedProfile;
  }
  private resolvedProfile: string | undefined;

  /** Reads the service afresh (vendor, model, firmware, UUID) and re-picks the profile. */
  async probe(signal?: AbortSignal): Promise<RedfishIdentity> {
    this.service = undefined;
    return identity(await this.ctx(signal));
  }

  async powerState(signal?: AbortSignal): Promise<PowerState> {
    return readPowerState(await this.ctx(signal, 'power'), signal);
  }

  async power(action: PowerAction, signal?: AbortSignal): Promise<void> {
    await changePower(await this.ctx(signal, 'power'), action, signal);
  }

  async bootOverride(signal?: AbortSignal): Promise<BootOverrideState> {
    return readBootOverride(await this.ctx(signal, 'boot-override'), signal);
  }

  async setBootOverride(override: BootOverride, signal?: AbortSignal): Promise<void> {
    await writeBootOverride(await this.ctx(signal, 'boot-override'), override, signal);
  }

  async clearBootOverride(signal?: AbortSignal): Promise<void> {
    await disableBootOverride(await this.ctx(signal, 'boot-override'), signal);
  }

  async fru(signal?: AbortSignal): Promise<FruInventory> {
    return fru(await this.ctx(signal, 'inventory'));
  }

  async inventory(signal?: AbortSignal): Promise<HardwareInventory> {
    return readInventory(await this.ctx(signal, 'inventory'), signal);
  }

  async bios(signal?: AbortSignal): Promise<BiosSettings> {
    return readBios(await this.ctx(signal, 'bios'), signal);
  }

  async setBiosPending(changes: Readonly<Record<string, BiosValue>>, signal?: AbortSignal): Promise<BiosPendingResult> {
    return stageBios(await this.ctx(signal, 'bios'), changes, signal);
  }

  async volumes(signal?: AbortSignal): Promise<RaidVolume[]> {
    return listVolumes(await this.ctx(signal, 'raid'), signal);
  }

  async createVolume(spec: RaidVolumeSpec, signal?: AbortSignal): Promise<OperationOutcome> {
    return createVolume(await this.ctx(signal, 'raid'), spec, signal);
  }

  async deleteVolume(id: string, signal?: AbortSignal): Promise<OperationOutcome> {
    return deleteVolume(await this.ctx(signal, 'raid'), id, signal);
  }

  async virtualMedia(signal?: AbortSignal): Promise<VirtualMediaSlot[]> {
    return listVirtualMedia(await this.ctx(signal, 'virtual-media'), signal);
  }

  async insertMedia(media: { readonly imageUrl: string; readonly type?: VirtualMediaType }, signal?: AbortSignal): Promise<string> {
    return insertMedia(await this.ctx(signal, 'virtual-media'), media, signal);
  }

  async ejectMedia(slotId?: string, signal?: AbortSignal): Promise<void> {
    await ejectMedia(await this.ctx(signal, 'virtual-media'), slotId, signal);
  }

  async subscribe(spec: EventSubscriptionSpec, signal?: AbortSignal): Promise<EventSubscription> {
    return subscribe(await this.ctx(signal, 'event-subscription'), spec, signal);
  }

  async unsubscribe(id: string, signal?: AbortSignal): Promise<void> {
    await unsubscribe(await this.ctx(signal, 'event-subscription'), id, signal);
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /**
   * The discovered service (read once; a failed read is forgotten so that a BMC
   * that was down for a moment is not failed for good: peer 1), checked for `need`.
   */
  private async ctx(signal: AbortSignal | undefined, need?: BmcCapability): Promise<Ctx> {
    if (this.service === undefined) {
      const pending = discover(this.client, this.cfg, signal);
      this.service = pending;
      pending.catch(() => {
        if (this.service === pending) this.service = undefined;
      });
    }
    const service = await this.service;
    this.client.quirks = service.profile.quirks;
    this.resolvedProfile = service.profile.id;
    this.caps = offered(service);
    if (need !== undefined && !this.caps.has(need)) {
      throw new NotSupportedError(this.client.bmc, `Failed to use ${need} on ${service.system.path}: this BMC does not offer it over Redfish`);
    }
    return { client: this.client, cfg: this.cfg, service, quirks: service.profile.quirks };
  }
}

function offered(service: Service): ReadonlySet<BmcCapability> {
  const { root, system, manager } = service;
  const caps = new Set<BmcCapability>(['inventory']);
  if (optObject(optObject(system.body, 'Actions'), '#ComputerSystem.Reset') !== undefined) caps.add('power');
  if (optObject(system.body, 'Boot') !== undefined) caps.add('boot-override');
  if (link(system.body, 'Bios') !== undefined) caps.add('bios');
  if (link(system.body, 'Storage') !== undefined) caps.add('raid');
  if (link(manager?.body, 'VirtualMedia') !== undefined || link(system.body, 'VirtualMedia') !== undefined) caps.add('virtual-media');
  if (link(root.body, 'EventService') !== undefined) caps.add('event-subscription');
  return caps;
}
