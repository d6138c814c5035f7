export { IpmiDriver } from './driver.js';
export type { IpmiDriverConfig } from './config.js';
export type { PrivilegeLevel } from './client.js';
