import { describe, expect, it } from 'vitest';
import { commandOnPath, planHostSuite, type HostRequirement } from './host-tools.js';

const missing: HostRequirement = { name: 'nothing-here', problem: () => 'nothing-here is not on PATH' };
const present: HostRequirement = { name: 'ok', problem: () => undefined };

describe('host tool guard', () => {
  it('runs a suite whose tools are present', () => {
    expect(planHostSuite([present], { CI: 'true' })).toEqual({ run: true });
  });

  it('skips with the reason on a developer machine', () => {
    expect(planHostSuite([present, missing], {})).toEqual({ run: false, skip: true, reason: 'nothing-here is not on PATH' });
  });

  it('refuses to skip in CI', () => {
    expect(planHostSuite([missing], { CI: 'true' })).toEqual({ run: false, skip: false, reason: 'nothing-here is not on PATH' });
  });

  it('finds programs on PATH and reports those it cannot find', () => {
    expect(commandOnPath('node', process.env.PATH).problem()).toBeUndefined();
    expect(commandOnPath('definitely-not-a-drill-tool', process.env.PATH).problem()).toBe('definitely-not-a-drill-tool is not on PATH');
  });
});
