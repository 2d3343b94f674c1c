import { ControlTower } from '$lib/tower/control-tower.svelte.ts';

// The KPI requests start with the navigation, alongside the layout's session check, not after
// the page has mounted: the tiles are what a manager waits for.
export function load() {
  const tower = new ControlTower();
  void tower.load();
  return { tower };
}
