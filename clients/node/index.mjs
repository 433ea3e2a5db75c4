// ESM entry point: the same classes as the CommonJS build.
import harness from './index.cjs';

export const { Simulator, Tenant, Inbox, SimulatorError, VerificationError } = harness;
export default harness;
