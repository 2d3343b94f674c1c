import type { Backlog, Location } from '../api/types.ts';
import { type ChartFormat, type ChartOption } from './chart-types.ts';

/** Open statuses in the order an order moves through them. */
const STATUS_ORDER = ['placed', 'backordered', 'on_hold', 'allocated', 'picking', 'packed'];

function locationName(locations: readonly Location[], id: string): string {
  return locations.find((location) => location.id === id)?.code ?? (id ? id.slice(0, 8) : 'unallocated');
}

/** Open orders per status × location as a heatmap (statuses across, locations down). */
export function backlogHeatmapOption(backlog: Backlog, locations: readonly Location[], format: ChartFormat): ChartOption {
  const statuses = [...new Set(backlog.map((row) => row.status))].sort(
    (a, b) => (STATUS_ORDER.indexOf(a) + 1 || 99) - (STATUS_ORDER.indexOf(b) + 1 || 99),
  );
  const locationIds = [...new Set(backlog.map((row) => row.locationId))].sort((a, b) => locationName(locations, a).localeCompare(locationName(locations, b)));
  const max = Math.max(1, ...backlog.map((row) => row.orders));
  return {
    tooltip: {
      position: 'top',
      formatter: (params: { value: [number, number, number] }) =>
        `${locationName(locations, locationIds[params.value[1]] ?? '')} · ${statuses[params.value[0]] ?? ''}: ${format.number(params.value[2])} orders`,
    },
    grid: { left: 96, right: 16, top: 8, bottom: 80 },
    xAxis: { type: 'category', data: statuses.map((status) => status.replace('_', ' ')), splitArea: { show: true } },
    yAxis: { type: 'category', data: locationIds.map((id) => locationName(locations, id)), splitArea: { show: true } },
    visualMap: { min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, inRange: { color: ['#eef3fb', '#1f5fbf', '#0b2a5c'] } },
    series: [
      {
        name: 'Open orders',
        type: 'heatmap',
        data: backlog.map((row) => [statuses.indexOf(row.status), locationIds.indexOf(row.locationId), row.orders]),
        label: { show: true },
      },
    ],
  };
}

/** Each location at its coordinates, sized by its open orders. */
export function locationBacklogOption(backlog: Backlog, locations: readonly Location[], format: ChartFormat): ChartOption {
  const open = new Map<string, number>();
  for (const row of backlog) open.set(row.locationId, (open.get(row.locationId) ?? 0) + row.orders);
  const max = Math.max(1, ...open.values());
  const points = locations.map((location) => ({ name: `${location.code} · ${location.name}`, value: [location.lon, location.lat, open.get(location.id) ?? 0] }));
  return {
    tooltip: { formatter: (params: { name: string; value: [number, number, number] }) => `${params.name}: ${format.number(params.value[2])} open orders` },
    grid: { left: 48, right: 16, top: 16, bottom: 32 },
    xAxis: { type: 'value', name: 'Longitude', scale: true },
    yAxis: { type: 'value', name: 'Latitude', scale: true },
    series: [
      {
        name: 'Open orders',
        type: 'scatter',
        data: points,
        symbolSize: (value: [number, number, number]) => 10 + 40 * Math.sqrt(value[2] / max),
        itemStyle: { color: 'rgba(31, 95, 191, 0.55)', borderColor: '#1f5fbf' },
        label: { show: true, position: 'right', formatter: (params: { name: string }) => params.name.split(' · ')[0] },
      },
    ],
  };
}
