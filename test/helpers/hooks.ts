/**
 * Root hooks of the test run (.mocharc.json requires this file): what the harness shares is
 * stopped at the end. In parallel mode (npm test) root hooks run around each file, so a worker
 * keeps the pack for its next files and stops it when it exits (test/helpers/plan.ts).
 */
import { stopSharedPack } from "./plan";

export const mochaHooks = {
    async afterAll(): Promise<void> {
        if (process.env.MOCHA_WORKER_ID === undefined) await stopSharedPack();
    },
};
