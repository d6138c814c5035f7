/**
 * An installed OS as data: what the model agent changes and what service
 * models and checks read. It lives on the machine's root disk, so it survives
 * reboots and power cycles.
 */
export interface OsFile {
  readonly content: string;
  /** Octal, as the work item writes it: `0644`. */
  readonly mode: string;
  readonly owner: string;
  readonly group: string;
}

export interface OsService {
  readonly enabled: boolean;
  readonly running: boolean;
  /** How often it was (re)started since the OS was installed. */
  readonly starts: number;
}

export interface OsUser {
  readonly sshAuthorizedKeys: readonly string[];
  readonly shell: string;
}

/** How the installed agent reaches the orchestrator (from the install plan). */
export interface AgentConfig {
  readonly api: string;
  readonly token: string;
  readonly caCertificatePem: string;
}

export interface ModelOsOptions {
  readonly name: string;
  readonly version: string;
  readonly hostname: string;
  readonly agent: AgentConfig;
  /** The agent script the installer fetched, kept as the service's executable. */
  readonly agentScript: string;
  /** The NIC the installer configures (the one it booted from). */
  readonly bootNic: string;
}

/** Packages every fresh install has. */
const BASE_PACKAGES = ['base-files', 'ca-certificates', 'curl', 'openssh-server', 'systemd'] as const;

export class ModelOs {
  readonly name: string;
  readonly version: string;
  readonly agent: AgentConfig;
  hostname: string;
  readonly packages = new Set<string>();
  readonly files = new Map<string, OsFile>();
  readonly services = new Map<string, OsService>();
  readonly users = new Map<string, OsUser>();
  /** Commands the agent ran, in order (`command` resources). */
  readonly commandLog: string[] = [];

  constructor(options: ModelOsOptions) {
    this.name = options.name;
    this.version = options.version;
    this.hostname = options.hostname;
    this.agent = options.agent;
    for (const name of BASE_PACKAGES) this.packages.add(name);
    const root = (content: string, mode = '0644'): OsFile => ({ content, mode, owner: 'root', group: 'root' });
    this.files.set('/etc/hostname', root(`${options.hostname}\n`));
    this.files.set('/etc/hosts', root(`127.0.0.1\tlocalhost\n127.0.1.1\t${options.hostname}\n`));
    this.files.set('/etc/network/interfaces', root(`auto lo\niface lo inet loopback\n\nauto ${options.bootNic}\niface ${options.bootNic} inet dhcp\n`));
    this.files.set('/etc/drill/ca.pem', root(options.agent.caCertificatePem));
    this.files.set('/etc/drill/agent.env', root(`DRILL_API=${options.agent.api}\nDRILL_CA=/etc/drill/ca.pem\nDRILL_TOKEN_FILE=/etc/drill/agent-token\n`));
    this.files.set('/etc/drill/agent-token', root(options.agent.token, '0600'));
    this.files.set('/usr/local/sbin/drill-agent', root(options.agentScript, '0755'));
    this.users.set('root', { sshAuthorizedKeys: [], shell: '/bin/bash' });
    this.services.set('ssh', { enabled: true, running: false, starts: 0 });
    this.services.set('drill-agent', { enabled: true, running: false, starts: 0 });
  }

  /** The OS booting: every enabled service starts, every other one is stopped. */
  boot(): void {
    for (const [name, service] of this.services) this.services.set(name, { ...service, running: service.enabled, starts: service.starts + (service.enabled ? 1 : 0) });
  }

  /** The OS going down (power off, reset): nothing runs. */
  halt(): void {
    for (const [name, service] of this.services) if (service.running) this.services.set(name, { ...service, running: false });
  }
}
