import type { TwinRack, TwinServer, TwinSwitch, TwinTopology } from './wire.js';

/**
 * Where everything sits, in world units (pixels at zoom 1): sites stacked
 * top to bottom, each with its spine switches in a band above its rows; rows
 * as bands of racks side by side; servers in their rack units, U1 at the
 * bottom as in a real rack. Pure: the renderer only scales and draws it.
 */
export const UNIT_PX = 6;
export const RACK_WIDTH_PX = 44;
const RACK_GAP_PX = 10;
const RACK_LABEL_PX = 16;
const ROW_GAP_PX = 44;
const SPINE_BAND_PX = 70;
const SITE_GAP_PX = 80;
const SPINE_WIDTH_PX = 90;
const SPINE_HEIGHT_PX = 22;
const SPINE_GAP_PX = 30;

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface RackBox extends Box {
  readonly rack: TwinRack;
  readonly site: string;
  readonly row: string;
}

export interface ServerBox extends Box {
  readonly server: TwinServer;
  readonly site: string;
  readonly row: string;
  readonly rack: string;
}

export interface SwitchBox extends Box {
  readonly switch: TwinSwitch;
  readonly site: string;
}

export interface Label {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly kind: 'site' | 'row' | 'rack' | 'spine';
}

export interface Link {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export interface Layout {
  readonly racks: readonly RackBox[];
  readonly servers: readonly ServerBox[];
  readonly switches: readonly SwitchBox[];
  readonly links: readonly Link[];
  readonly labels: readonly Label[];
  readonly width: number;
  readonly height: number;
}

export function layoutTopology(topology: TwinTopology): Layout {
  const racks: RackBox[] = [];
  const servers: ServerBox[] = [];
  const switches: SwitchBox[] = [];
  const links: Link[] = [];
  const labels: Label[] = [];
  let y = 0;
  let width = 0;
  for (const site of topology.sites) {
    labels.push({ text: site.name, x: 0, y: y + 14, kind: 'site' });
    const spineY = y + 26;
    const spineBoxes = new Map<string, SwitchBox>();
    // Spines centred over the widest row, beside the site's name.
    const rowsWidth = Math.max(0, ...site.rows.map((row) => row.racks.length * (RACK_WIDTH_PX + RACK_GAP_PX) - RACK_GAP_PX));
    const spinesWidth = site.spines.length * (SPINE_WIDTH_PX + SPINE_GAP_PX) - SPINE_GAP_PX;
    const spinesX = Math.max(80, (rowsWidth - spinesWidth) / 2);
    site.spines.forEach((spine, i) => {
      const box: SwitchBox = { switch: spine, site: site.name, x: spinesX + i * (SPINE_WIDTH_PX + SPINE_GAP_PX), y: spineY, w: SPINE_WIDTH_PX, h: SPINE_HEIGHT_PX };
      spineBoxes.set(spine.name, box);
      switches.push(box);
      labels.push({ text: spine.name, x: box.x + box.w / 2, y: box.y + box.h / 2 + 4, kind: 'spine' });
    });
    y += site.spines.length > 0 ? SPINE_BAND_PX : 26;
    for (const row of site.rows) {
      labels.push({ text: `row ${row.name}`, x: 0, y: y + 12, kind: 'row' });
      y += 18;
      const rowHeightU = Math.max(1, ...row.racks.map((r) => r.uHeight));
      row.racks.forEach((rack, i) => {
        const x = i * (RACK_WIDTH_PX + RACK_GAP_PX);
        const top = y + RACK_LABEL_PX + (rowHeightU - rack.uHeight) * UNIT_PX;
        const h = rack.uHeight * UNIT_PX;
        racks.push({ rack, site: site.name, row: row.name, x, y: top, w: RACK_WIDTH_PX, h });
        labels.push({ text: rack.name, x: x + RACK_WIDTH_PX / 2, y: top - 4, kind: 'rack' });
        width = Math.max(width, x + RACK_WIDTH_PX);
        // Rack unit u spans [top + (uHeight - u) * U, top + (uHeight - u + 1) * U): U1 is the bottom slot.
        const unitTop = (unit: number, heightU: number): number => top + (rack.uHeight - (unit + heightU - 1)) * UNIT_PX;
        for (const server of rack.servers) {
          servers.push({ server, site: site.name, row: row.name, rack: rack.name, x: x + 3, y: unitTop(server.unit, server.heightU) + 0.5, w: RACK_WIDTH_PX - 6, h: server.heightU * UNIT_PX - 1 });
        }
        rack.switches.forEach((sw, k) => {
          // A switch without a unit is drawn as a thin bar on top of its rack, one per switch.
          const box: SwitchBox =
            sw.unit === undefined
              ? { switch: sw, site: site.name, x: x + 3 + k * 6, y: top - 3, w: 4, h: 2 }
              : { switch: sw, site: site.name, x: x + 3, y: unitTop(sw.unit, sw.heightU ?? 1) + 0.5, w: RACK_WIDTH_PX - 6, h: (sw.heightU ?? 1) * UNIT_PX - 1 };
          switches.push(box);
          for (const uplink of sw.uplinks) {
            const spine = spineBoxes.get(uplink);
            if (spine) links.push({ x1: box.x + box.w / 2, y1: box.y, x2: spine.x + spine.w / 2, y2: spine.y + spine.h });
          }
        });
      });
      y += RACK_LABEL_PX + rowHeightU * UNIT_PX + ROW_GAP_PX;
    }
    for (const spine of spineBoxes.values()) width = Math.max(width, spine.x + spine.w);
    y += SITE_GAP_PX;
  }
  return { racks, servers, switches, links, labels, width, height: Math.max(y - SITE_GAP_PX, 1) };
}
