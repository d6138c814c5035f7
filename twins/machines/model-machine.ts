import type { Clock, Disposable, FaultInjector, Random } from '../../sim/index.js';
import { followIpxeChain, type KernelLine } from '../boot/index.js';
import { BootScriptError, InvalidTwinConfigError } from '../errors.js';
import type { BootDevice, ServerEvent, SimulatedServer } from '../server/index.js';
import type { BootTarget, MachineFacts } from './hardware.js';
import { parseInstallPlan, type InstallPlan } from './install-plan.js';
import { MachineHttpError, nodeMachineHttp, type MachineHttp, type MachineReply } from './machine-http.js';
import { ModelAgent, type AgentActivity } from './model-agent.js';
import { ModelOs } from './model-os.js';
import { checkMachineTimings, drawDuration, MACHINE_TIMING_PROFILES, type MachineTimings } from './timings.js';

export type MachineStage = 'off' | 'post' | 'network-boot' | 'discovering' | 'installing' | 'wiping' | 'booting-disk' | 'running' | 'halted';

/** A disk as the machine sees it: holding the installed OS, or blank (no partition table, no boot record, nothing to boot). */
export interface MachineDisk {
  readonly name: string;
  readonly serial: string;
  readonly sizeBytes: number;
  readonly contents: 'os' | 'blank';
}

/** What subscribers hear; see the module's index for the shape. */
export type MachineEvent =
  | { readonly type: 'stage'; readonly machine: string; readonly atMs: number; readonly stage: MachineStage; readonly detail: string; readonly error?: string }
  | { readonly type: 'console'; readonly machine: string; readonly atMs: number; readonly line: string }
  | { readonly type: 'agent'; readonly machine: string; readonly atMs: number; readonly activity: AgentActivity };

export type MachineListener = (event: MachineEvent) => void;

export interface ModelMachineOptions {
  /** The server whose power, POST and boot override drive this machine. */
  readonly server: SimulatedServer;
  readonly facts: MachineFacts;
  /** Undefined when no NIC is on a provisioning network: the machine never network-boots. */
  readonly boot: BootTarget | undefined;
  readonly clock: Clock;
  /** The machine forks its own streams from it (`boot`, `agent:<n>`). */
  readonly random: Random;
  readonly faults?: FaultInjector;
  /** Default: node:http/https on `clock` (intercepted in model fidelity). */
  readonly http?: MachineHttp;
  /** Default: the `fast` profile. */
  readonly timings?: MachineTimings;
}

/** Tries (and the wait between them) for the installer's, wipe image's and discovery image's reports. */
const REPORT_TRIES = 3;
const REPORT_RETRY_MS = 5_000;

/** Why a boot path stopped; the flow moves to the next device or halts. */
class BootFailure extends Error {
  override name = 'BootFailure';
}

interface Installed {
  readonly diskName: string;
  readonly os: ModelOs;
}

/**
 * The machine beside a SimulatedServer: what happens after POST. It picks the
 * boot device (the override of this boot, else the BIOS order: network while no
 * disk holds an OS, then disk), network-boots by fetching the iPXE script for
 * its MAC from the provisioning network's boot server and following it into
 * discovery, install or wipe (docs/provisioning.md), boots its installed OS from
 * disk and runs the model agent there. Every wait is on the injected Clock,
 * and losing power (off, reset, cycle) aborts whatever is under way.
 */
export class ModelMachine implements Disposable {
  readonly name: string;
  private readonly server: SimulatedServer;
  private readonly facts: MachineFacts;
  private readonly boot: BootTarget | undefined;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly bootRandom: Random;
  private readonly faults: FaultInjector | undefined;
  private readonly http: MachineHttp;
  private readonly timings: MachineTimings;
  private readonly listeners = new Set<MachineListener>();
  private readonly serverSubscription: Disposable;
  private current: MachineStage = 'off';
  private flow: AbortController | undefined;
  private installed: Installed | undefined;
  private boots = 0;

  constructor(options: ModelMachineOptions) {
    this.server = options.server;
    this.name = options.server.name;
    this.facts = options.facts;
    this.boot = options.boot;
    if (this.boot && !this.facts.nics.some((n) => n.name === this.boot?.nic && n.mac === this.boot.mac)) {
      throw new InvalidTwinConfigError(`boot.nic: ${this.boot.nic} (${this.boot.mac}) is not one of the machine's NICs — boot from a NIC listed in facts.nics`);
    }
    this.clock = options.clock;
    this.random = options.random;
    this.bootRandom = options.random.fork('boot');
    this.faults = options.faults;
    this.http = options.http ?? nodeMachineHttp(options.clock);
    this.timings = checkMachineTimings(options.timings ?? MACHINE_TIMING_PROFILES.fast);
    this.serverSubscription = this.server.onEvent((event) => this.onServerEvent(event));
    if (this.server.power === 'On') this.startFlow();
  }

  get stage(): MachineStage {
    return this.current;
  }

  /** The OS on the root disk, once installed (it persists across power cycles, not across a wipe). */
  get os(): ModelOs | undefined {
    return this.installed?.os;
  }

  /** Every disk and what it holds now. */
  get disks(): readonly MachineDisk[] {
    return this.facts.disks.map(({ name, serial, sizeBytes }) => ({ name, serial, sizeBytes, contents: this.installed?.diskName === name ? 'os' : 'blank' }));
  }

  /** Hears every stage change, console line and agent activity; call the result to stop. */
  subscribe(listener: MachineListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  dispose(): void {
    this.stopFlow();
    void this.serverSubscription.dispose();
    this.listeners.clear();
  }

  private onServerEvent(event: ServerEvent): void {
    if (event.type === 'booted') {
      this.stopFlow();
      const device = event.boot.device;
      this.setStage('post', device === 'None' ? 'POST, then the BIOS boot order' : `POST, then the boot override: ${device}`);
    } else if (event.type === 'power') {
      if (event.to === 'On') this.startFlow();
      else if (event.to === 'PoweringOff') this.stopFlow();
      else if (event.to === 'Off') {
        this.stopFlow();
        this.setStage('off', 'powered off');
      }
    }
  }

  private startFlow(): void {
    this.stopFlow();
    const flow = new AbortController();
    this.flow = flow;
    this.boots++;
    this.runFlow(this.server.lastBoot?.device ?? 'None', flow.signal).catch((error: unknown) => {
      if (flow.signal.aborted) return;
      // Not an expected boot failure: a bug in the twin, shown where everyone looks.
      this.setStage('halted', 'the model machine failed', error instanceof Error ? error.message : String(error));
    });
  }

  private stopFlow(): void {
    this.flow?.abort(new BootFailure(`${this.name} lost power`));
    this.flow = undefined;
    this.installed?.os.halt();
  }

  /** Boot devices in the order this boot tries them. */
  private bootOrder(device: BootDevice): Array<'cd' | 'network' | 'disk'> {
    if (device === 'Pxe') return ['network', 'disk'];
    if (device === 'Hdd') return ['disk', 'network'];
    const biosOrder: Array<'network' | 'disk'> = this.installed ? ['disk', 'network'] : ['network', 'disk'];
    // A CD override boots the virtual CD first, then falls back to the BIOS order; an empty drive is skipped.
    return device === 'Cd' && this.server.virtualCd !== undefined ? ['cd', ...biosOrder] : biosOrder;
  }

  private async runFlow(device: BootDevice, signal: AbortSignal): Promise<void> {
    if (device === 'BiosSetup') return this.setStage('halted', 'in BIOS setup (boot override BiosSetup)');
    const failures: string[] = [];
    for (const next of this.bootOrder(device)) {
      if (next === 'disk') {
        if (this.installed) return this.diskBoot(this.installed, signal);
        failures.push('no disk holds an OS');
        continue;
      }
      let kernel: KernelLine | undefined;
      try {
        kernel = next === 'cd' ? await this.cdBoot(this.server.virtualCd!, signal) : await this.networkBoot(signal);
      } catch (error) {
        if (!this.expected(error, signal)) throw error;
        // As iPXE does: say what went wrong, then hand back to the firmware's next device.
        failures.push(error.message);
        this.setStage('network-boot', 'network boot failed', error.message);
        continue;
      }
      if (kernel === undefined) continue; // the script said exit: next device
      try {
        return await this.runImage(kernel, signal);
      } catch (error) {
        if (!this.expected(error, signal)) throw error;
        // A booted image that fails stays where it failed, on its console, until someone power-cycles it.
        return this.setStage('halted', `the image from ${kernel.url} stopped`, error.message);
      }
    }
    this.setStage('halted', 'no bootable device', failures.join('; '));
  }

  /** Failures a boot path can end in (rather than a bug, or the power going). */
  private expected(error: unknown, signal: AbortSignal): error is Error {
    return !signal.aborted && (error instanceof BootFailure || error instanceof BootScriptError || error instanceof MachineHttpError);
  }

  /** The kernel line a script booted, or undefined when it said `exit`. */
  private async networkBoot(signal: AbortSignal): Promise<KernelLine | undefined> {
    const boot = this.boot;
    if (boot === undefined) throw new BootFailure('no NIC on a provisioning network');
    this.setStage('network-boot', `PXE on ${boot.nic} (${boot.mac})`);
    if (boot.bootServerUrl === undefined) throw new BootFailure(`PXE on ${boot.nic}: no boot server on the provisioning network`);
    const result = await followIpxeChain({
      // What DHCP hands every machine; the bootstrap script chains to the per-MAC one.
      url: `${boot.bootServerUrl}/boot/ipxe`,
      vars: { mac: boot.mac },
      fetchScript: async (url) => (await this.fetchOk('GET', url, signal)).body,
      onConsole: (line) => this.emit({ type: 'console', machine: this.name, atMs: this.clock.now(), line }),
    });
    return result.outcome.kind === 'boot' ? result.outcome.kernel : undefined;
  }

  /**
   * Boots the virtual CD. The twin knows one image: the provisioner's iPXE ISO
   * (docs/provisioning.md "Virtual media instead of PXE"), whose embedded
   * script does DHCP on the boot NIC and chains to `B/boot/ipxe?mac=…` — so
   * from there the flow is the network boot's, with B taken from the image URL.
   */
  private async cdBoot(image: string, signal: AbortSignal): Promise<KernelLine | undefined> {
    const iso = /^(https?:\/\/[^?#]+)\/images\/ipxe\/drill\.iso$/.exec(image);
    if (!iso) throw new BootFailure(`virtual CD ${image}: not an image this machine can boot (the twin boots only the provisioner's iPXE ISO, B/images/ipxe/drill.iso)`);
    const boot = this.boot;
    if (boot === undefined) throw new BootFailure(`virtual CD ${image}: its iPXE found no NIC on a provisioning network for DHCP`);
    this.setStage('network-boot', `virtual CD: iPXE from ${image}, then ${boot.nic} (${boot.mac})`);
    const result = await followIpxeChain({
      url: `${iso[1]}/boot/ipxe?mac=${boot.mac}`,
      vars: { mac: boot.mac },
      fetchScript: async (url) => (await this.fetchOk('GET', url, signal)).body,
      onConsole: (line) => this.emit({ type: 'console', machine: this.name, atMs: this.clock.now(), line }),
    });
    return result.outcome.kind === 'boot' ? result.outcome.kernel : undefined;
  }

  private async runImage(kernel: KernelLine, signal: AbortSignal): Promise<void> {
    const stage = kernel.args.get('drill.stage');
    const bootUrl = kernel.args.get('drill.boot');
    if (bootUrl === undefined || !URL.canParse(bootUrl)) throw new BootFailure(`kernel ${kernel.url}: drill.boot is missing or not a URL`);
    const base = bootUrl.replace(/\/+$/, '');
    if (stage === 'discover') return this.discover(kernel, base, signal);
    if (stage === 'install') return this.install(kernel, base, signal);
    if (stage === 'wipe') return this.wipe(kernel, base, signal);
    throw new BootFailure(`kernel ${kernel.url}: drill.stage is ${JSON.stringify(stage ?? '')}, not discover, install or wipe`);
  }

  private async discover(kernel: KernelLine, base: string, signal: AbortSignal): Promise<void> {
    this.setStage('discovering', `discovery image ${kernel.url}`);
    await this.clock.sleep(drawDuration(this.bootRandom, this.timings.discoveryMs), signal);
    const reply = await this.report(`${base}/boot/discovery`, undefined, { mac: this.boot?.mac, facts: this.facts }, signal);
    const answer = this.json(reply);
    const node = typeof answer === 'object' && answer !== null && 'node' in answer ? answer.node : undefined;
    this.emit({ type: 'console', machine: this.name, atMs: this.clock.now(), line: `drill: discovered as ${typeof node === 'string' ? node : 'an unknown machine'}; powering off` });
    this.server.powerAction('off');
  }

  private async install(kernel: KernelLine, base: string, signal: AbortSignal): Promise<void> {
    const node = kernel.args.get('drill.node');
    const token = kernel.args.get('drill.token');
    if (node === undefined || token === undefined) throw new BootFailure(`kernel ${kernel.url}: an install needs drill.node and drill.token`);
    this.setStage('installing', `${node}: fetching the install plan`);
    const planReply = await this.fetchOk('GET', `${base}/boot/install/${encodeURIComponent(node)}/plan`, signal, { authorization: `Bearer ${token}` });
    const parsed = parseInstallPlan(this.json(planReply));
    // Without a valid plan there is no agent token to report with: the installer stops, as a real one would.
    if (!parsed.ok) throw new BootFailure(`install plan for ${node}: ${parsed.problems.join('; ')}`);
    const { plan } = parsed;
    const done = (body: { status: 'ok' } | { status: 'failed'; message: string }): Promise<MachineReply> =>
      this.report(`${base}/boot/install/${encodeURIComponent(node)}/done`, plan.agent.token, body, signal);
    const failed = async (message: string): Promise<void> => {
      await done({ status: 'failed', message });
      this.setStage('halted', `install of ${plan.os.name} ${plan.os.version} failed`, message);
    };

    const disk = this.facts.disks.find((d) => d.serial === plan.rootDisk.serial);
    if (disk === undefined) return failed(`rootDisk.serial ${plan.rootDisk.serial} is none of this machine's disks (${this.facts.disks.map((d) => d.serial).join(', ')})`);
    let agentScript: string;
    try {
      agentScript = (await this.fetchOk('GET', plan.agent.script, signal)).body;
    } catch (error) {
      if (signal.aborted || !(error instanceof MachineHttpError)) throw error;
      return failed(`could not fetch the agent: ${error.message}`);
    }
    this.setStage('installing', `${node}: writing ${plan.os.name} ${plan.os.version} to ${disk.name}`);
    await this.clock.sleep(drawDuration(this.bootRandom, this.timings.installMs), signal);
    const fault = this.faults?.strike(this.server.faultTarget, ['install-fail']);
    if (fault) return failed(`writing ${disk.name} failed (fault ${fault.id})`);
    this.installed = { diskName: disk.name, os: this.newOs(plan, agentScript) };
    await done({ status: 'ok' });
    this.emit({ type: 'console', machine: this.name, atMs: this.clock.now(), line: `drill: ${plan.os.name} ${plan.os.version} installed on ${disk.name}; rebooting` });
    this.server.powerAction('hard-reset');
  }

  /**
   * The wipe image: erases each disk in turn (its OS goes with its disk),
   * reports every disk erased, and powers off. A failure (the `wipe-fail`
   * fault) is reported and the machine halts on it, the disks after the
   * failing one untouched.
   */
  private async wipe(kernel: KernelLine, base: string, signal: AbortSignal): Promise<void> {
    const node = kernel.args.get('drill.node');
    const token = kernel.args.get('drill.token');
    if (node === undefined || token === undefined) throw new BootFailure(`kernel ${kernel.url}: a wipe needs drill.node and drill.token`);
    const done = (body: { status: 'ok'; disks: unknown[] } | { status: 'failed'; message: string }): Promise<MachineReply> =>
      this.report(`${base}/boot/wipe/${encodeURIComponent(node)}/done`, token, body, signal);
    for (const disk of this.facts.disks) {
      this.setStage('wiping', `${node}: erasing ${disk.name} (${Math.round(disk.sizeBytes / 1e9)} GB)`);
      await this.clock.sleep(drawDuration(this.bootRandom, this.timings.wipeDiskMs) + Math.round((disk.sizeBytes / 1e12) * drawDuration(this.bootRandom, this.timings.wipeTerabyteMs)), signal);
      const fault = this.faults?.strike(this.server.faultTarget, ['wipe-fail']);
      if (fault) {
        const message = `erasing ${disk.name} failed (fault ${fault.id})`;
        await done({ status: 'failed', message });
        return this.setStage('halted', `wipe of ${node} failed`, message);
      }
      if (this.installed?.diskName === disk.name) this.installed = undefined;
    }
    await done({ status: 'ok', disks: this.facts.disks.map(({ name, serial, sizeBytes }) => ({ name, serial, sizeBytes })) });
    this.emit({ type: 'console', machine: this.name, atMs: this.clock.now(), line: `drill: erased ${this.facts.disks.map((d) => d.name).join(', ')}; powering off` });
    this.server.powerAction('off');
  }

  private newOs(plan: InstallPlan, agentScript: string): ModelOs {
    return new ModelOs({ name: plan.os.name, version: plan.os.version, hostname: plan.hostname, agent: plan.agent, agentScript, bootNic: this.boot?.nic ?? this.facts.nics[0]?.name ?? 'eth0' });
  }

  private async diskBoot(installed: Installed, signal: AbortSignal): Promise<void> {
    const { os } = installed;
    this.setStage('booting-disk', `${installed.diskName}: ${os.name} ${os.version}`);
    await this.clock.sleep(drawDuration(this.bootRandom, this.timings.diskBootMs), signal);
    os.boot();
    this.setStage('running', `${os.name} ${os.version} as ${os.hostname}`);
    if (os.services.get('drill-agent')?.running !== true) return;
    const agent = new ModelAgent({
      os,
      clock: this.clock,
      random: this.random.fork(`agent:${this.boots}`),
      faults: this.faults,
      faultTarget: this.server.faultTarget,
      http: this.http,
      timings: this.timings,
      report: (activity) => this.emit({ type: 'agent', machine: this.name, atMs: this.clock.now(), activity }),
    });
    await agent.run(signal);
    const service = os.services.get('drill-agent');
    if (service) os.services.set('drill-agent', { ...service, running: false });
  }

  /** A request that must answer 2xx; anything else is a MachineHttpError. */
  private async fetchOk(method: 'GET' | 'POST', url: string, signal: AbortSignal, headers: Record<string, string> = {}, body?: unknown): Promise<MachineReply> {
    const reply = await this.http({
      method,
      url,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs: this.timings.requestTimeoutMs,
      signal,
    });
    if (reply.status < 200 || reply.status > 299) throw new MachineHttpError(url, `answered ${reply.status}${reply.body ? `: ${reply.body.slice(0, 200)}` : ''}`);
    return reply;
  }

  /** A report to the provisioner, tried REPORT_TRIES times before the image gives up. */
  private async report(url: string, token: string | undefined, body: unknown, signal: AbortSignal): Promise<MachineReply> {
    let last: MachineHttpError | undefined;
    for (let attempt = 1; attempt <= REPORT_TRIES; attempt++) {
      if (attempt > 1) await this.clock.sleep(REPORT_RETRY_MS, signal);
      try {
        return await this.fetchOk('POST', url, signal, token === undefined ? {} : { authorization: `Bearer ${token}` }, body);
      } catch (error) {
        if (signal.aborted || !(error instanceof MachineHttpError)) throw error;
        last = error;
      }
    }
    throw new BootFailure(`gave up after ${REPORT_TRIES} tries: ${last?.message ?? 'no answer'}`);
  }

  private json(reply: MachineReply): unknown {
    try {
      return JSON.parse(reply.body) as unknown;
    } catch {
      throw new BootFailure(`${reply.status} answer is not JSON`);
    }
  }

  private setStage(stage: MachineStage, detail: string, error?: string): void {
    this.current = stage;
    this.emit({ type: 'stage', machine: this.name, atMs: this.clock.now(), stage, detail, ...(error === undefined ? {} : { error }) });
  }

  private emit(event: MachineEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
