export { startModelFleet, type ModelFleet, type ModelFleetOptions, type ModelFleetServer } from './model-fleet.js';
