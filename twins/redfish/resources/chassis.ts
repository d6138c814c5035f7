import type { SensorReading, SensorKind } from '../../server/index.js';
import type { BmcState } from '../bmc-state.js';
import { jsonReply, type RedfishReply } from '../exchange.js';
import { RedfishProblem } from '../messages.js';
import { badRequest, checkPatch, collection, jsonBody, link, STATUS_OK, type Json } from '../odata.js';
import type { RouteContext, RouteDef } from '../router.js';
import { patchReply } from './systems.js';

const READING: Readonly<Record<SensorKind, { type: string; units: string; digits: number }>> = {
  temperature: { type: 'Temperature', units: 'Cel', digits: 1 },
  fan: { type: 'Rotational', units: 'RPM', digits: 0 },
  power: { type: 'Power', units: 'W', digits: 0 },
  voltage: { type: 'Voltage', units: 'V', digits: 2 },
};

const CONTEXT = { inlet: 'Intake', cpu: 'CPU', fan: 'Fan', psu: 'PowerSupply', board: 'SystemBoard' } as const;

function round(value: number | undefined, digits: number): number | null {
  if (value === undefined) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function health(r: SensorReading): Json {
  if (r.value === undefined) return { State: 'UnavailableOffline' };
  return { State: 'Enabled', Health: r.status === 'critical' ? 'Critical' : r.status === 'non-critical' ? 'Warning' : 'OK' };
}

function renderChassis(state: BmcState): Json {
  const { server, flavour } = state;
  const id = server.identity;
  const path = state.chassisPath;
  return {
    '@odata.id': path,
    '@odata.type': '#Chassis.v1_28_0.Chassis',
    Id: flavour.ids.chassis,
    Name: 'Chassis',
    ChassisType: 'RackMount',
    Manufacturer: id.manufacturer,
    Model: id.productName,
    SerialNumber: id.chassisSerialNumber,
    PartNumber: id.partNumber,
    PowerState: server.isPowered() ? 'On' : 'Off',
    LocationIndicatorActive: server.identify.on,
    Status: { ...STATUS_OK, HealthRollup: 'OK' },
    Thermal: link(`${path}/Thermal`),
    Power: link(`${path}/Power`),
    Sensors: link(`${path}/Sensors`),
    Links: { ComputerSystems: [link(state.systemPath)], ManagedBy: [link(state.managerPath)] },
  };
}

function renderSensor(state: BmcState, r: SensorReading): Json {
  const spec = r.spec;
  const kind = READING[spec.kind];
  const t = spec.thresholds;
  const threshold = (value: number | undefined): Json | undefined => (value === undefined ? undefined : { Reading: value });
  const thresholds = Object.fromEntries(
    Object.entries({ LowerCritical: threshold(t.lowerCritical), LowerCaution: threshold(t.lowerNonCritical), UpperCaution: threshold(t.upperNonCritical), UpperCritical: threshold(t.upperCritical) }).filter(
      ([, v]) => v !== undefined,
    ),
  );
  return {
    '@odata.id': `${state.chassisPath}/Sensors/${spec.id}`,
    '@odata.type': '#Sensor.v1_12_0.Sensor',
    Id: spec.id,
    Name: spec.name,
    ReadingType: kind.type,
    ReadingUnits: kind.units,
    Reading: round(r.value, kind.digits),
    PhysicalContext: CONTEXT[spec.entity],
    Status: health(r),
    Thresholds: thresholds,
  };
}

function renderThermal(state: BmcState): Json {
  const path = `${state.chassisPath}/Thermal`;
  const readings = state.server.readSensors();
  const temps = readings.filter((r) => r.spec.kind === 'temperature');
  const fans = readings.filter((r) => r.spec.kind === 'fan');
  return {
    '@odata.id': path,
    '@odata.type': '#Thermal.v1_7_3.Thermal',
    Id: 'Thermal',
    Name: 'Thermal',
    Temperatures: temps.map((r, i) => ({
      '@odata.id': `${path}#/Temperatures/${i}`,
      MemberId: String(i),
      Name: r.spec.name,
      SensorNumber: i + 1,
      ReadingCelsius: round(r.value, 1),
      ...(r.spec.thresholds.upperNonCritical === undefined ? {} : { UpperThresholdNonCritical: r.spec.thresholds.upperNonCritical }),
      ...(r.spec.thresholds.upperCritical === undefined ? {} : { UpperThresholdCritical: r.spec.thresholds.upperCritical }),
      PhysicalContext: CONTEXT[r.spec.entity],
      Status: health(r),
    })),
    Fans: fans.map((r, i) => ({
      '@odata.id': `${path}#/Fans/${i}`,
      MemberId: String(i),
      Name: r.spec.name,
      Reading: round(r.value, 0),
      ReadingUnits: 'RPM',
      ...(r.spec.thresholds.lowerCritical === undefined ? {} : { LowerThresholdCritical: r.spec.thresholds.lowerCritical }),
      PhysicalContext: 'Fan',
      Status: health(r),
    })),
  };
}

function renderPower(state: BmcState): Json {
  const path = `${state.chassisPath}/Power`;
  const readings = state.server.readSensors();
  const watts = readings.filter((r) => r.spec.kind === 'power').reduce((sum, r) => sum + (r.value ?? 0), 0);
  const volts = readings.filter((r) => r.spec.kind === 'voltage');
  return {
    '@odata.id': path,
    '@odata.type': '#Power.v1_7_3.Power',
    Id: 'Power',
    Name: 'Power',
    PowerControl: [{ '@odata.id': `${path}#/PowerControl/0`, MemberId: '0', Name: 'System Power Control', PowerConsumedWatts: Math.round(watts), Status: STATUS_OK }],
    Voltages: volts.map((r, i) => ({
      '@odata.id': `${path}#/Voltages/${i}`,
      MemberId: String(i),
      Name: r.spec.name,
      SensorNumber: i + 1,
      ReadingVolts: round(r.value, 2),
      ...(r.spec.thresholds.lowerCritical === undefined ? {} : { LowerThresholdCritical: r.spec.thresholds.lowerCritical }),
      ...(r.spec.thresholds.upperCritical === undefined ? {} : { UpperThresholdCritical: r.spec.thresholds.upperCritical }),
      PhysicalContext: CONTEXT[r.spec.entity],
      Status: health(r),
    })),
  };
}

function patchChassis(ctx: RouteContext): RedfishReply {
  const { state } = ctx;
  const body = jsonBody(ctx, { allowEmpty: false });
  const problems = checkPatch(ctx, body, renderChassis(state), { LocationIndicatorActive: true });
  if (body.LocationIndicatorActive !== undefined && typeof body.LocationIndicatorActive !== 'boolean') {
    problems.push(state.book.make('PropertyValueTypeError', [JSON.stringify(body.LocationIndicatorActive), 'LocationIndicatorActive'], ['#/LocationIndicatorActive']));
  }
  if (problems.length > 0) throw badRequest(problems);
  if (typeof body.LocationIndicatorActive === 'boolean') state.server.setIdentify(body.LocationIndicatorActive ? 'indefinite' : 0);
  return patchReply(state, () => renderChassis(state));
}

export function chassisRoutes(chassisPath: string): RouteDef[] {
  return [
    { pattern: '/redfish/v1/Chassis', handlers: { GET: (ctx) => jsonReply(200, collection('/redfish/v1/Chassis', 'ChassisCollection', 'Chassis Collection', [ctx.state.chassisPath])) } },
    { pattern: chassisPath, handlers: { GET: (ctx) => jsonReply(200, renderChassis(ctx.state)), PATCH: patchChassis } },
    { pattern: `${chassisPath}/Thermal`, handlers: { GET: (ctx) => jsonReply(200, renderThermal(ctx.state)) } },
    { pattern: `${chassisPath}/Power`, handlers: { GET: (ctx) => jsonReply(200, renderPower(ctx.state)) } },
    {
      pattern: `${chassisPath}/Sensors`,
      handlers: {
        GET: (ctx) =>
          jsonReply(
            200,
            collection(
              `${chassisPath}/Sensors`,
              'SensorCollection',
              'Sensors',
              ctx.state.server.sensorSpecs.map((s) => `${chassisPath}/Sensors/${s.id}`),
            ),
          ),
      },
    },
    {
      pattern: `${chassisPath}/Sensors/*`,
      handlers: {
        GET: (ctx) => {
          const reading = ctx.state.server.readSensor(ctx.params[0] ?? '');
          if (!reading) throw new RedfishProblem(404, [ctx.state.book.make('ResourceNotFound', ['Sensor', ctx.params[0] ?? ''])]);
          return jsonReply(200, renderSensor(ctx.state, reading));
        },
      },
    },
  ];
}
