/** IPMI privilege levels (IPMI v2.0 §6.8); 0 marks commands that need no session. */
export const Privilege = {
  none: 0,
  callback: 1,
  user: 2,
  operator: 3,
  administrator: 4,
} as const;

export type PrivilegeLevel = (typeof Privilege)[keyof typeof Privilege];

export type UserPrivilege = 'user' | 'operator' | 'administrator';

export const USER_PRIVILEGE: Readonly<Record<UserPrivilege, PrivilegeLevel>> = {
  user: Privilege.user,
  operator: Privilege.operator,
  administrator: Privilege.administrator,
};
