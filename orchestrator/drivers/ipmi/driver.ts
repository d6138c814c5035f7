/**
 * The IPMI `BmcDriver`: what drill asks of a BMC, in IPMI v2.0 commands over
 * one RMCP+ session (see client.ts). Power and boot override through the
 * chassis commands, inventory from FRU 0, sensors from the SDR repository,
 * the event log from the SEL. BIOS, RAID and virtual media are not IPMI
 * operations: this driver lacks those capabilities.
 */
import type {
  BmcCapability,
  BmcDriver,
  BmcIdentity,
  BootDevice,
  BootOverride,
  EventLogEntry,
  EventLogReader,
  FruInventory,
  FruReader,
  PowerAction,
  PowerState,
  SensorReader,
  SensorReading,
} from '../bmc-driver.js';
import { BmcError, BmcProtocolError } from '../errors.js';
import { ByteReader, concatBytes, u16le } from './bytes.js';
import { IpmiClient } from './client.js';
import { Commands } from './commands.js';
import { CC_OK, CC_RESERVATION_CANCELLED, completionCodeError } from './completion-codes.js';
import { validateConfig, type IpmiDriverConfig } from './config.js';
import { parseFru } from './fru.js';
import { firmwareVersion, manufacturerName, modelName, parseDeviceId, parseGuid } from './identity.js';
import { convertReading, kindOf, parseSdr, parseSensorReading, thresholdStatus, type SensorRecord } from './sdr.js';
import { parseSelRecord } from './sel.js';

/** Chassis Control sub-commands (Table 28-4). */
const CHASSIS_CONTROL: Readonly<Record<PowerAction, number>> = {
  ForceOff: 0x00,
  On: 0x01,
  PowerCycle: 0x02,
  ForceRestart: 0x03,
  GracefulShutdown: 0x05,
};

/** Boot device selector, boot flags data 2 bits 5:2 (Table 28-14). */
const BOOT_DEVICE: Readonly<Record<BootDevice, number>> = { Pxe: 0x1, Hdd: 0x2, Cd: 0x5, BiosSetup: 0x6 };

const BOOT_PARAM_SET_IN_PROGRESS = 0x00;
const BOOT_PARAM_INFO_ACK = 0x04;
const BOOT_PARAM_FLAGS = 0x05;
const BMC_ADDRESS = 0x20;
const FRU_CHUNK_BYTES = 32;
const SDR_CHUNK_BYTES = 16;
const SDR_HEADER_BYTES = 5;
const MAX_SDR_RECORDS = 1024;
const MAX_SEL_ENTRIES = 4096;
const LAST_RECORD = 0xffff;

export class IpmiDriver implements BmcDriver, FruReader, SensorReader, EventLogReader {
  readonly protocol = 'ipmi' as const;
  readonly capabilities: ReadonlySet<BmcCapability> = new Set<BmcCapability>(['power', 'boot-override', 'inventory', 'sensors', 'event-log']);
  private readonly client: IpmiClient;

  constructor(config: IpmiDriverConfig) {
    this.client = new IpmiClient(validateConfig(config));
  }

  /** `host:port` of the BMC. */
  get bmc(): string {
    return this.client.bmc;
  }

  /** Sessions opened so far: 1, plus one per transparent re-establishment. */
  get sessionsOpened(): number {
    return this.client.sessionsOpened;
  }

  async probe(signal?: AbortSignal): Promise<BmcIdentity> {
    const device = parseDeviceId(await this.client.call(Commands.getDeviceId, [], { signal }), this.bmc);
    let uuid: string | undefined;
    try {
      uuid = parseGuid(await this.client.call(Commands.getDeviceGuid, [], { signal }), this.bmc);
    } catch (error) {
      // Get Device GUID is optional (§20.8); a BMC without it is still who it says it is.
      if (!(error instanceof BmcError) || error.code === 'BMC_UNREACHABLE' || error.code === 'BMC_AUTH') throw error;
    }
    return {
      protocol: 'ipmi',
      manufacturer: manufacturerName(device.manufacturerId),
      model: modelName(device),
      firmwareVersion: firmwareVersion(device),
      ...(uuid === undefined ? {} : { uuid }),
    };
  }

  async powerState(signal?: AbortSignal): Promise<PowerState> {
    const data = await this.client.call(Commands.getChassisStatus, [], { signal });
    const r = new ByteReader(data, this.bmc, 'Get Chassis Status response');
    return (r.u8('current power state') & 0x01) !== 0 ? 'On' : 'Off';
  }

  async power(action: PowerAction, signal?: AbortSignal): Promise<void> {
    const response = await this.client.callRaw(Commands.chassisControl, [CHASSIS_CONTROL[action]], { signal });
    if (response.completionCode === CC_OK) return;
    // Some BMCs refuse to power off what is already off (field notes #48): the goal is met.
    const offAction = action === 'ForceOff' || action === 'GracefulShutdown';
    if (offAction && (await this.powerState(signal)) === 'Off') return;
    throw completionCodeError(this.bmc, `${Commands.chassisControl.what} (${action})`, response.completionCode);
  }

  async setBootOverride(override: BootOverride, signal?: AbortSignal): Promise<void> {
    const flags1 = 0x80 | (override.persistent ? 0x40 : 0) | (override.mode === 'UEFI' ? 0x20 : 0);
    await this.writeBootFlags([flags1, BOOT_DEVICE[override.device] << 2, 0x00, 0x00, 0x00], override.device, signal);
  }

  /** Boot flags with the valid bit clear and no device: the BMC drops any override (§28.13, parameter 5). */
  async clearBootOverride(signal?: AbortSignal): Promise<void> {
    await this.writeBootFlags([0x00, 0x00, 0x00, 0x00, 0x00], 'no override', signal);
  }

  /**
   * Set System Boot Options as ipmitool does: mark parameters "set in
   * progress" (skipped when the BMC does not support it), clear the boot
   * info acknowledge, write the boot flags, then "set complete".
   */
  private async writeBootFlags(flags: readonly number[], what: string, signal: AbortSignal | undefined): Promise<void> {
    const setBootParam = (param: number, data: readonly number[]) => this.client.callRaw(Commands.setSystemBootOptions, [param, ...data], { signal });
    const inProgress = await setBootParam(BOOT_PARAM_SET_IN_PROGRESS, [0x01]);
    const useProgress = inProgress.completionCode === CC_OK;
    try {
      const ack = await setBootParam(BOOT_PARAM_INFO_ACK, [0x01, 0x01]);
      if (ack.completionCode !== CC_OK) throw completionCodeError(this.bmc, 'clear the boot info acknowledge', ack.completionCode);
      const written = await setBootParam(BOOT_PARAM_FLAGS, flags);
      if (written.completionCode !== CC_OK) throw completionCodeError(this.bmc, `set the boot flags (${what})`, written.completionCode);
    } finally {
      if (useProgress) await setBootParam(BOOT_PARAM_SET_IN_PROGRESS, [0x00]).catch(() => undefined);
    }
  }

  async fru(signal?: AbortSignal): Promise<FruInventory> {
    const info = new ByteReader(await this.client.call(Commands.getFruInventoryAreaInfo, [0x00], { signal }), this.bmc, 'Get FRU Inventory Area Info response');
    const size = info.u16le('FRU area size');
    const wordAccess = (info.u8('access type') & 0x01) !== 0;
    if (size < 8) throw new BmcProtocolError(this.bmc, `Failed to read the FRU of ${this.bmc}: FRU 0 is ${size} bytes, smaller than its common header`);
    const image = new Uint8Array(size);
    const read = async (offset: number, length: number): Promise<void> => {
      const end = Math.min(size, offset + length);
      for (let at = offset; at < end; ) {
        const count = Math.min(FRU_CHUNK_BYTES, end - at);
        const request = wordAccess ? [0x00, ...u16le(at >> 1), Math.ceil(count / 2)] : [0x00, ...u16le(at), count];
        const r = new ByteReader(await this.client.call(Commands.readFruData, request, { signal }), this.bmc, 'Read FRU Data response');
        const returned = r.u8('count returned') * (wordAccess ? 2 : 1);
        const data = r.take(Math.min(returned, r.remaining), 'FRU data');
        if (data.length === 0) throw new BmcProtocolError(this.bmc, `Failed to read the FRU of ${this.bmc}: the BMC returned no data at offset ${at}`);
        image.set(data.subarray(0, Math.min(data.length, size - at)), at);
        at += data.length;
      }
    };
    await read(0, 8);
    // Chassis, board and product areas: their length byte first, then the area.
    for (const slot of [2, 3, 4]) {
      const offset = (image[slot] ?? 0) * 8;
      if (offset === 0 || offset + 2 > size) continue;
      await read(offset, 2);
      await read(offset + 2, (image[offset + 1] ?? 0) * 8 - 2);
    }
    return parseFru(image, this.bmc);
  }

  async sensors(signal?: AbortSignal): Promise<SensorReading[]> {
    const records = await this.sdrRecords(signal);
    return Promise.all(records.map((record) => this.readSensor(record, signal)));
  }

  async eventLog(signal?: AbortSignal): Promise<EventLogEntry[]> {
    const info = new ByteReader(await this.client.call(Commands.getSelInfo, [], { signal }), this.bmc, 'Get SEL Info response');
    info.u8('SEL version');
    const entries = info.u16le('entries');
    const out: EventLogEntry[] = [];
    const seen = new Set<number>();
    for (let id = 0; entries > 0 && id !== LAST_RECORD && out.length < MAX_SEL_ENTRIES; ) {
      if (seen.has(id)) throw new BmcProtocolError(this.bmc, `Failed to read the SEL of ${this.bmc}: record ${id} links back into the list`);
      seen.add(id);
      const r = new ByteReader(await this.client.call(Commands.getSelEntry, [0x00, 0x00, ...u16le(id), 0x00, 0xff], { signal }), this.bmc, 'Get SEL Entry response');
      const next = r.u16le('next record id');
      out.push(parseSelRecord(r.take(16, 'SEL record'), this.bmc));
      id = next;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  // -------------------------------------------------------------------------

  /** Walks the SDR repository under a reservation, re-reserving when the BMC cancels it. */
  private async sdrRecords(signal: AbortSignal | undefined): Promise<SensorRecord[]> {
    const reserve = async (): Promise<number[]> => {
      const r = new ByteReader(await this.client.call(Commands.reserveSdrRepository, [], { signal }), this.bmc, 'Reserve SDR Repository response');
      return u16le(r.u16le('reservation id'));
    };
    let reservation = await reserve();
    const records: SensorRecord[] = [];
    const seen = new Set<number>();
    let cancellations = 0;
    for (let id = 0; id !== LAST_RECORD && seen.size < MAX_SDR_RECORDS; ) {
      if (seen.has(id)) throw new BmcProtocolError(this.bmc, `Failed to read the SDR repository of ${this.bmc}: record ${id} links back into the list`);
      const read = async (offset: number, count: number): Promise<{ next: number; data: Uint8Array } | 'cancelled'> => {
        const response = await this.client.callRaw(Commands.getSdr, [...reservation, ...u16le(id), offset, count], { signal });
        if (response.completionCode === CC_RESERVATION_CANCELLED) return 'cancelled';
        if (response.completionCode !== CC_OK) throw completionCodeError(this.bmc, `${Commands.getSdr.what} (record ${id})`, response.completionCode);
        const r = new ByteReader(response.data, this.bmc, 'Get SDR response');
        return { next: r.u16le('next record id'), data: r.rest() };
      };
      const header = await read(0, SDR_HEADER_BYTES);
      const parts: Uint8Array[] = [];
      let cancelled = header === 'cancelled';
      if (header !== 'cancelled') {
        parts.push(header.data.subarray(0, SDR_HEADER_BYTES));
        const total = SDR_HEADER_BYTES + (header.data[4] ?? 0);
        for (let offset = SDR_HEADER_BYTES; offset < total && !cancelled; ) {
          const chunk = await read(offset, Math.min(SDR_CHUNK_BYTES, total - offset));
          if (chunk === 'cancelled') cancelled = true;
          else if (chunk.data.length === 0) throw new BmcProtocolError(this.bmc, `Failed to read SDR record ${id} of ${this.bmc}: the BMC returned no data at offset ${offset}`);
          else {
            parts.push(chunk.data);
            offset += chunk.data.length;
          }
        }
      }
      if (cancelled || header === 'cancelled') {
        if (++cancellations > 3) throw completionCodeError(this.bmc, 'read the SDR repository (the reservation kept being cancelled)', CC_RESERVATION_CANCELLED);
        reservation = await reserve();
        continue;
      }
      seen.add(id);
      const record = parseSdr(concatBytes(...parts), this.bmc);
      if (record) records.push(record);
      id = header.next;
    }
    return records;
  }

  private async readSensor(record: SensorRecord, signal: AbortSignal | undefined): Promise<SensorReading> {
    const unit = record.unit;
    const base = { name: record.name, kind: kindOf(record.sensorType, unit), unit };
    const unavailable: SensorReading = { ...base, value: undefined, status: 'unavailable' };
    // Sensors owned by other controllers need bridged requests, which this driver does not send.
    if (record.ownerId !== BMC_ADDRESS) return unavailable;
    const response = await this.client.callRaw(Commands.getSensorReading, [record.sensorNumber], { signal, lun: record.ownerLun });
    if (response.completionCode !== CC_OK) return unavailable;
    const reading = parseSensorReading(response.data, this.bmc);
    if (!reading.valid) return unavailable;
    if (!record.conversion) return { ...base, value: reading.states, status: 'ok' };
    const value = convertReading(reading.raw, record.conversion);
    if (value === undefined) return unavailable;
    return { ...base, value, status: record.eventReadingType === 0x01 ? thresholdStatus(reading.states) : 'ok' };
  }
}

