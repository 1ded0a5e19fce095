import * as path from "path";

/** Repository root: where @pulumi/pulumi and @pulumi/aws resolve from when a project has none. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
