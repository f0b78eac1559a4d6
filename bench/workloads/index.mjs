// The workload families, in report order. Adding a family: a file exporting
// family, title, unit, perIsa and cases({ threads }), listed here.
import * as activations from './activations.mjs';
import * as elementwise from './elementwise.mjs';
import * as gemm from './gemm.mjs';
import * as gemv from './gemv.mjs';
import * as losses from './losses.mjs';
import * as norm from './norm.mjs';
import * as optim from './optim.mjs';
import * as reductions from './reductions.mjs';
import * as training from './training-steps.mjs';

export const FAMILIES = [activations, elementwise, gemm, gemv, losses, norm, optim, reductions, training];
