/**
 * The unit tier (npm run test:unit, .mocharc.unit.json): pure tests, no process started, no
 * program run. Its files are every test file but those listed under "ignore" there (they plan
 * programs, start the policy pack or run commands). A test in the tier that starts a process or
 * uses the harness's plans fails at once, saying so; one that is merely slow hits the tier's
 * short timeout.
 */
// The harness (test/helpers/plan.ts, program.ts) refuses at once too.
process.env.LANDING_ZONE_TEST_TIER = "unit";

// The module object itself (an import is a read-only view of it).
const childProcess = require("child_process") as Record<string, unknown>;

for (const name of ["spawn", "spawnSync", "fork", "exec", "execSync", "execFile", "execFileSync"] as const) {
    childProcess[name] = (command: unknown) => {
        throw new Error(`a unit test started a process (${name} ${String(command)}): list its file under "ignore" in .mocharc.unit.json, so that it runs in npm test only`);
    };
}
