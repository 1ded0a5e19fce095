/** Root hooks of the test run (.mocharc.json requires this file): what the harness shares is stopped at the end. */
import { stopSharedPack } from "./plan";

export const mochaHooks = {
    async afterAll(): Promise<void> {
        await stopSharedPack();
    },
};
