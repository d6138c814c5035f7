/**
 * Who a BMC is: Get Device ID (IPMI v2.0 rev 1.1, §20.1) with IANA
 * manufacturer names for common server vendors, and Get Device GUID (§20.8),
 * whose 16 bytes are the RFC 4122 fields least significant byte first.
 */
import { ByteReader, hex } from './bytes.js';

/** IANA private enterprise numbers of server and BMC vendors. */
export const MANUFACTURERS: ReadonlyMap<number, string> = new Map([
  [2, 'IBM'],
  [11, 'Hewlett Packard Enterprise'],
  [343, 'Intel'],
  [674, 'Dell'],
  [2011, 'Huawei'],
  [5771, 'Cisco'],
  [7244, 'Quanta'],
  [10368, 'Fujitsu'],
  [10876, 'Supermicro'],
  [19046, 'Lenovo'],
  [20974, 'American Megatrends'],
  [47488, 'Supermicro'],
  [49871, 'OpenBMC'],
]);

export interface DeviceId {
  readonly deviceId: number;
  readonly deviceRevision: number;
  readonly firmwareMajor: number;
  /** BCD-decoded. */
  readonly firmwareMinor: number;
  readonly ipmiVersion: string;
  readonly manufacturerId: number;
  readonly productId: number;
}

function bcd(byte: number): number {
  return (byte >> 4) * 10 + (byte & 0x0f);
}

export function parseDeviceId(data: Uint8Array, bmc: string): DeviceId {
  const r = new ByteReader(data, bmc, 'Get Device ID response');
  const deviceId = r.u8('device id');
  const deviceRevision = r.u8('device revision') & 0x0f;
  const firmwareMajor = r.u8('firmware major revision') & 0x7f;
  const firmwareMinor = bcd(r.u8('firmware minor revision'));
  const version = r.u8('IPMI version');
  r.u8('additional device support');
  const manufacturerId = (r.u8('manufacturer id') | (r.u8('manufacturer id') << 8) | (r.u8('manufacturer id') << 16)) & 0x0fffff;
  const productId = r.u16le('product id');
  return { deviceId, deviceRevision, firmwareMajor, firmwareMinor, ipmiVersion: `${version & 0x0f}.${version >> 4}`, manufacturerId, productId };
}

export function manufacturerName(id: number): string {
  return MANUFACTURERS.get(id) ?? `IANA ${id}`;
}

export function firmwareVersion(d: DeviceId): string {
  return `${d.firmwareMajor}.${String(d.firmwareMinor).padStart(2, '0')}`;
}

export function modelName(d: DeviceId): string {
  return `product ${hex(d.productId, 4)} (device ${hex(d.deviceId)})`;
}

/** The GUID as a lower-case RFC 4122 string. */
export function parseGuid(data: Uint8Array, bmc: string): string {
  const r = new ByteReader(data, bmc, 'Get Device GUID response');
  const h = Array.from(r.take(16, 'GUID'), (b) => b.toString(16).padStart(2, '0')).reverse().join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
