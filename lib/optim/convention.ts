// Reads the `convention` option (a preset of defaults, never of formulas the
// user set explicitly).
import { checkChoice } from '../backend/optim.js';
import { CONVENTIONS, type Convention } from './base.js';

export function conventionOf(fn: string, options: { convention?: unknown } | undefined): Convention {
  return checkChoice(fn, 'convention', options?.convention ?? 'note', CONVENTIONS);
}
