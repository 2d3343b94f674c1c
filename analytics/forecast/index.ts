/** Tower's demand forecasting engine: pure functions over series, no database. */
export type { AccuracyMetrics, CandidateScore, DemandClass, ForecastAllRun, ForecastOptions, ForecastPoint, Frequency, Series, SeriesForecast } from './forecast.types.ts';
export { forecastSeries } from './forecast-series.ts';
export { forecastAll } from './forecast-all.ts';
export { inferFrequency, addPeriods, periodsBetween } from './calendar.ts';
