import type { RedfishFlavour } from './flavours/index.js';
import { biosRoutes } from './resources/bios.js';
import { chassisRoutes } from './resources/chassis.js';
import { managerRoutes, virtualMediaRoutes } from './resources/managers.js';
import { rootRoutes } from './resources/root.js';
import { serviceRoutes } from './resources/services.js';
import { sessionRoutes } from './resources/sessions.js';
import { storageRoutes } from './resources/storage.js';
import { systemRoutes } from './resources/systems.js';
import { taskRoutes } from './resources/tasks.js';
import { Router } from './router.js';

const routers = new WeakMap<RedfishFlavour, Router>();

/** The flavour's resource tree, built once per flavour with its ids written in (an unknown id is simply no route: 404). */
export function flavourRouter(flavour: RedfishFlavour): Router {
  let router = routers.get(flavour);
  if (router) return router;
  const system = `/redfish/v1/Systems/${flavour.ids.system}`;
  const manager = `/redfish/v1/Managers/${flavour.ids.manager}`;
  router = new Router([
    ...rootRoutes(),
    ...systemRoutes(system),
    ...biosRoutes(system, flavour),
    ...storageRoutes(system, flavour.ids.storage, flavour.storage.volumes === 'standard'),
    ...chassisRoutes(`/redfish/v1/Chassis/${flavour.ids.chassis}`),
    ...managerRoutes(manager, flavour.tasks.managerJobs),
    ...virtualMediaRoutes(flavour.virtualMedia.under === 'system' ? `${system}/VirtualMedia` : `${manager}/VirtualMedia`, flavour.virtualMedia.actions),
    ...sessionRoutes(),
    ...taskRoutes(flavour.tasks.monitor),
    ...serviceRoutes(),
  ]);
  routers.set(flavour, router);
  return router;
}
