/**
 * Runs OpenIPMI's `ipmi_sim` for a test: writes lan.conf, the emu command
 * file and a chassis-control script into a temp dir, binds a free UDP port
 * on 127.0.0.1, starts `ipmi_sim -c lan.conf -f emu -n`, waits until it
 * answers an RMCP presence ping, and `dispose()` kills it and removes the dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IpmiDriver, type IpmiDriverConfig } from '../../../orchestrator/index.js';
import { CryptoRandom, SystemClock, UdpNetwork } from '../../../sim/index.js';

export interface IpmiSimUser {
  readonly id: number;
  readonly name: string;
  readonly password: string;
  readonly privilege: 'user' | 'operator' | 'admin';
}

export interface IpmiSimOptions {
  readonly users: readonly IpmiSimUser[];
  /** Emu commands after the BMC is added (FRU, SDRs, sensors, SEL). */
  readonly emu?: readonly string[];
  /** Let a script own power and boot state (each status query forks it). */
  readonly chassisControl?: boolean;
  readonly initialPower?: 0 | 1;
  /** Get Device ID: manufacturer and product. */
  readonly manufacturerId?: number;
  readonly productId?: number;
}

export interface IpmiSim {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  /** What the chassis-control script last recorded ("power", "boot"). */
  chassisState(name: 'power' | 'boot' | 'log'): Promise<string>;
  dispose(): Promise<void>;
}

const CHASSIS_SCRIPT = `#!/bin/sh
# ipmi_sim chassis control: <device> get|set|check [parm [val]]... State lives in files next to this script.
dir=$(dirname "$0")
shift
op=$1
shift
echo "$op $*" >> "$dir/log"
case $op in
  get)
    for p in "$@"; do
      case $p in
        power) echo "power:$(cat "$dir/power")" ;;
        boot) echo "boot:$(cat "$dir/boot")" ;;
        *) echo "Invalid parameter: $p"; exit 1 ;;
      esac
    done ;;
  set)
    while [ $# -gt 1 ]; do
      p=$1; v=$2; shift 2
      case $p in
        power) echo "$v" > "$dir/power" ;;
        boot) echo "$v" > "$dir/boot" ;;
        shutdown) echo 0 > "$dir/power" ;;
        reset) ;;
        identify) shift ;;
        *) echo "Invalid parameter: $p"; exit 1 ;;
      esac
    done ;;
  *) exit 1 ;;
esac
`;

export async function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** ASF presence ping (RMCP class 6); resolves on any answer. */
async function pinged(host: string, port: number, waitMs: number): Promise<boolean> {
  const socket = createSocket('udp4');
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), waitMs);
      socket.on('message', () => {
        clearTimeout(timer);
        resolve(true);
      });
      socket.on('error', () => undefined);
      const ping = Buffer.from([0x06, 0x00, 0xff, 0x06, 0x00, 0x00, 0x11, 0xbe, 0x80, 0x00, 0x00, 0x00]);
      socket.send(ping, port, host);
    });
  } finally {
    socket.close();
  }
}

export async function startIpmiSim(options: IpmiSimOptions): Promise<IpmiSim> {
  const host = '127.0.0.1';
  const dir = await mkdtemp(path.join(tmpdir(), 'drill-ipmi-sim-'));
  const port = await freeUdpPort(host);
  const script = path.join(dir, 'chassis-control');
  const users = options.users.map((u) => `  user ${u.id} true "${u.name}" "${u.password}" ${u.privilege} 10 none md2 md5 straight`);
  const lan = [
    'name "drill"',
    'set_working_mc 0x20',
    '  startlan 1',
    `    addr ${host} ${port}`,
    '    priv_limit admin',
    '    allowed_auths_callback none md2 md5 straight',
    '    allowed_auths_user none md2 md5 straight',
    '    allowed_auths_operator none md2 md5 straight',
    '    allowed_auths_admin none md2 md5 straight',
    '    guid a123456789abcdefa123456789abcdef',
    '  endlan',
    ...(options.chassisControl ? [`  chassis_control "${script} 0x20"`] : []),
    ...users,
    '',
  ];
  const manufacturer = (options.manufacturerId ?? 674).toString(16);
  const product = (options.productId ?? 0x0f02).toString(16);
  const emu = [
    'mc_setbmc 0x20',
    `mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x${manufacturer} 0x${product} persist_sdr`,
    'sel_enable 0x20 1000 0x0a',
    ...(options.emu ?? []),
    'mc_enable 0x20',
    '',
  ];
  await writeFile(path.join(dir, 'lan.conf'), lan.join('\n'));
  await writeFile(path.join(dir, 'emu'), emu.join('\n'));
  await writeFile(script, CHASSIS_SCRIPT);
  await chmod(script, 0o755);
  await writeFile(path.join(dir, 'power'), `${options.initialPower ?? 0}\n`);
  await writeFile(path.join(dir, 'boot'), 'default\n');
  await writeFile(path.join(dir, 'log'), '');
  const child: ChildProcess = spawn('ipmi_sim', ['-c', path.join(dir, 'lan.conf'), '-f', path.join(dir, 'emu'), '-s', dir, '-n'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const dispose = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    if (await pinged(host, port, 100)) {
      return { host, port, dir, chassisState: async (name) => (await readFile(path.join(dir, name), 'utf8')).trim(), dispose };
    }
  }
  await dispose();
  throw new Error(`ipmi_sim did not come up on ${host}:${port}: ${stderr.trim() || 'no answer to RMCP ping'}`);
}

/** A driver on real loopback sockets and the system clock, as production wires it; collected for closing. */
export function loopbackDriver(
  base: Pick<IpmiDriverConfig, 'port' | 'username' | 'password'> & Partial<IpmiDriverConfig>,
  collect: IpmiDriver[] = [],
): IpmiDriver {
  const driver = new IpmiDriver({
    host: '127.0.0.1',
    transport: new UdpNetwork(),
    clock: new SystemClock(),
    random: new CryptoRandom(),
    timeoutMs: 2000,
    retries: 3,
    localHost: '127.0.0.1',
    ...base,
  });
  collect.push(driver);
  return driver;
}
